import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { toCsv } from "~/monitoring/csv";
import { seedDemoData } from "../../prisma/seed";
import { holdLocks } from "../../tests/lock-fixtures";
import { expectMoneyExact } from "../../tests/money-fixtures";
import { allocatedSubOrder } from "../../tests/member-payment-fixtures";
import { paymentActor as actor } from "../../tests/payments-fixtures";
import { accountKey } from "./ledger.server";
import {
  memberStatementFor,
  membersPayable,
  membersPayableTable,
  payoutSlip,
  recordMemberPayments,
  type MemberPaymentInput,
} from "./member-payments.server";
import { type PaymentActor } from "./settlement.server";

let lead: PaymentActor;
let clerk: PaymentActor;
let otherLead: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  lead = await actor("lead@phsar.test");
  clerk = await actor("clerk@phsar.test");
  otherLead = await actor("lead2@phsar.test");
});

async function balanceOf(cooperativeId: number, farmerId: number) {
  const rows = await membersPayable(cooperativeId, "KHR", lead);
  return rows.find((r) => r.farmerId === farmerId)!;
}

async function membersPayableInLedger(cooperativeId: number) {
  const sum = await prisma.ledgerEntry.aggregate({
    where: {
      account: {
        key: accountKey({ kind: "MEMBERS_PAYABLE", organizationId: cooperativeId }, "KHR"),
      },
    },
    _sum: { amountMinor: true },
  });
  return -(sum._sum.amountMinor ?? 0);
}

const form = (
  payments: MemberPaymentInput["payments"],
  overrides: Partial<MemberPaymentInput> = {},
): MemberPaymentInput => ({
  currency: "KHR",
  method: "CASH",
  reference: "",
  paidOn: "2026-12-03",
  formKey: randomUUID(),
  payments,
  ...overrides,
});

describe("paying members", () => {
  test("the allocation credits what is owed to members; paying two at once debits it, balances follow", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const owedBefore = await membersPayableInLedger(cooperativeId);
    const [a, b] = rows as [(typeof rows)[number], (typeof rows)[number]];
    const before = await balanceOf(cooperativeId, a.farmerId);
    expect(before.balanceMinor).toBe(
      before.allocatedMinor - before.paidMinor - before.creditRepaidMinor,
    );

    const result = await recordMemberPayments(
      cooperativeId,
      form(
        [
          { farmerId: a.farmerId, amountMinor: 1_000 },
          { farmerId: b.farmerId, amountMinor: b.payableMinor },
        ],
        { method: "BAKONG", reference: "BKNG-778812" },
      ),
      lead,
    );
    expect(result.created).toBe(true);
    expect(result.paymentIds).toHaveLength(2);
    const after = await balanceOf(cooperativeId, a.farmerId);
    expect(after.paidMinor).toBe(before.paidMinor + 1_000);
    expect(after.balanceMinor).toBe(before.balanceMinor - 1_000);
    expect(await membersPayableInLedger(cooperativeId)).toBe(owedBefore - 1_000 - b.payableMinor);
    const audit = await prisma.auditEvent.count({
      where: { action: "member.paid", targetId: { in: result.paymentIds.map(String) } },
    });
    expect(audit).toBe(2);
    await expectMoneyExact();
  });

  test("a retry and a lost answer record once; the same key with other amounts is refused", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[0]!.farmerId;
    const input = form([{ farmerId, amountMinor: 500 }]);
    const first = await recordMemberPayments(cooperativeId, input, lead);
    // The browser lost the answer and the lead submits the same form again.
    const again = await recordMemberPayments(cooperativeId, input, lead);
    expect(again).toEqual({ ...first, created: false });
    expect(await prisma.memberPayment.count({ where: { batchKey: first.batchKey } })).toBe(1);
    await expect(
      recordMemberPayments(
        cooperativeId,
        { ...input, payments: [{ farmerId, amountMinor: 501 }] },
        lead,
      ),
    ).rejects.toThrow("payments.idempotencyConflict");
    await expectMoneyExact();
  });

  test("two callers at once: the same form records once, two forms cannot pay more than is owed", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[0]!.farmerId;
    const input = form([{ farmerId, amountMinor: 700 }]);
    const same = await Promise.all([
      recordMemberPayments(cooperativeId, input, lead),
      recordMemberPayments(cooperativeId, input, lead),
    ]);
    expect(same.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await prisma.memberPayment.count({ where: { batchKey: same[0].batchKey } })).toBe(1);

    const { balanceMinor } = await balanceOf(cooperativeId, farmerId);
    const outcomes = await Promise.allSettled([
      recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: balanceMinor }]), lead),
      recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: balanceMinor }]), lead),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toContain("memberPayments.moreThanOwed");
    expect((await balanceOf(cooperativeId, farmerId)).balanceMinor).toBe(0);
    await expectMoneyExact();
  });

  test("held lock: payments that queue behind the member's row read the balance only once they hold it", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[1]!.farmerId;
    const { balanceMinor } = await balanceOf(cooperativeId, farmerId);
    const part = Math.floor(balanceMinor * 0.6);
    expect(part).toBeGreaterThan(0);
    const held = await holdLocks([
      { sql: `SELECT "id" FROM "Farmer" WHERE "id" = $1 FOR UPDATE`, values: [farmerId] },
    ]);
    const calls = [1, 2].map(() =>
      recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: part }]), lead),
    );
    await held.waitForQueue(2);
    await held.release();
    const outcomes = await Promise.allSettled(calls);
    // Each fits the balance alone; together they do not, so one waits and is refused.
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect((await balanceOf(cooperativeId, farmerId)).balanceMinor).toBe(balanceMinor - part);
    await expectMoneyExact();
  });

  test("any split of a balance into payments pays exactly the balance, and not one riel more", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[0]!.farmerId;
    const { balanceMinor } = await balanceOf(cooperativeId, farmerId);
    let remaining = balanceMinor;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 4 }),
        async (weights) => {
          if (remaining === 0) return;
          // Split what is left by the weights, largest part last so the parts sum exactly.
          const total = weights.reduce((s, w) => s + w, 0);
          const parts = weights.map((w) => Math.floor((remaining * w) / total));
          parts[parts.length - 1]! += remaining - parts.reduce((s, p) => s + p, 0);
          const ledgerBefore = await membersPayableInLedger(cooperativeId);
          let paid = 0;
          for (const amountMinor of parts.filter((p) => p > 0)) {
            await recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor }]), lead);
            paid += amountMinor;
          }
          expect(paid).toBe(remaining);
          expect(await membersPayableInLedger(cooperativeId)).toBe(ledgerBefore - paid);
          remaining = (await balanceOf(cooperativeId, farmerId)).balanceMinor;
          expect(remaining).toBe(0);
          await expect(
            recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: 1 }]), lead),
          ).rejects.toThrow("memberPayments.moreThanOwed");
        },
      ),
      { numRuns: 3 },
    );
    await expectMoneyExact();
  });

  test("who may pay, and bad input refused with nothing written", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[0]!.farmerId;
    const count = () => prisma.memberPayment.count({ where: { farmerId } });
    const before = await count();
    const one = () => form([{ farmerId, amountMinor: 100 }]);
    await expect(recordMemberPayments(cooperativeId, one(), clerk)).rejects.toThrow(
      "payments.forbidden",
    );
    await expect(recordMemberPayments(cooperativeId, one(), otherLead)).rejects.toThrow(
      "payments.forbidden",
    );
    await expect(
      recordMemberPayments(cooperativeId, { ...one(), method: "WING" }, lead),
    ).rejects.toThrow("payments.referenceRequired");
    await expect(
      recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: 0 }]), lead),
    ).rejects.toThrow("memberPayments.amountInvalid");
    const stranger = await prisma.farmer.findFirstOrThrow({
      where: { cooperativeId: { not: cooperativeId } },
      select: { id: true },
    });
    // One member of another cooperative in the batch: nobody is paid.
    await expect(
      recordMemberPayments(
        cooperativeId,
        form([
          { farmerId, amountMinor: 100 },
          { farmerId: stranger.id, amountMinor: 100 },
        ]),
        lead,
      ),
    ).rejects.toThrow("memberPayments.notAMember");
    expect(await count()).toBe(before);
    await expect(membersPayable(cooperativeId, "KHR", otherLead)).rejects.toThrow(
      "payments.forbidden",
    );
  });
});

describe("slips and statements", () => {
  test("a payout slip's numbers are the ledger's: net as posted, paid as posted, balance as left", async () => {
    const { cooperativeId, subOrderId, rows } = await allocatedSubOrder();
    const farmerId = rows[0]!.farmerId;
    const { balanceMinor } = await balanceOf(cooperativeId, farmerId);
    const paidNow = balanceMinor - 1;
    const { paymentIds } = await recordMemberPayments(
      cooperativeId,
      form([{ farmerId, amountMinor: paidNow }]),
      lead,
    );
    const slip = await payoutSlip(cooperativeId, paymentIds[0]!, clerk);
    const ledgerPaid = await prisma.ledgerEntry.findFirstOrThrow({
      where: {
        transaction: {
          kind: "MEMBER_PAYMENT",
          idempotencyKey: { contains: `:member:${farmerId}:` },
        },
        account: { kind: "MEMBERS_PAYABLE" },
      },
      orderBy: { id: "desc" },
      select: { amountMinor: true },
    });
    expect(slip.paidMinor).toBe(ledgerPaid.amountMinor);
    expect(slip.closingBalanceMinor).toBe(1);
    expect(slip.closingBalanceMinor).toBe((await balanceOf(cooperativeId, farmerId)).balanceMinor);
    const line = slip.lines.find((l) => l.subOrderId === subOrderId)!;
    const allocation = await prisma.memberAllocation.findUniqueOrThrow({
      where: { subOrderId_farmerId: { subOrderId, farmerId } },
      select: { shareMinor: true, repaymentMinor: true, payableMinor: true },
    });
    expect(line.netMinor).toBe(allocation.payableMinor);
    expect(line.grossMinor - line.feeMinor - line.creditRepaidMinor).toBe(line.netMinor);
    expect(line.feeMinor).toBeGreaterThanOrEqual(0);
    // Nothing was collected for this sub-order, so "delivered" is the member's pledge, as allocated.
    const pledged = await prisma.pledge.findMany({
      where: { farmerId, window: { orderLines: { some: { subOrderId } } } },
      select: { quantity: true },
    });
    expect(line.deliveredQuantityMilli).toBe(pledged.reduce((s, p) => s + p.quantity * 1000, 0));
    expect(line.deliveredQuantityMilli).toBeGreaterThan(0);
    // …and the slip says the shares followed pledges.
    expect(line.basis).toBe("PLEDGE");

    // Over the sub-order, the members' nets on their slips are what the ledger says they are owed.
    const posted = await prisma.ledgerEntry.aggregate({
      where: {
        transaction: { subOrderId, kind: "MEMBER_ALLOCATION" },
        account: { kind: "MEMBERS_PAYABLE" },
      },
      _sum: { amountMinor: true },
    });
    let nets = 0;
    let grosses = 0;
    for (const r of await prisma.memberAllocation.findMany({
      where: { subOrderId },
      select: { farmerId: true },
    })) {
      const statement = await memberStatementFor(
        cooperativeId,
        r.farmerId,
        "KHR",
        { from: new Date(0), to: new Date(Date.now() + 60_000) },
        lead,
      );
      const l = statement.lines.find((x) => x.subOrderId === subOrderId)!;
      nets += l.netMinor;
      grosses += l.grossMinor;
    }
    expect(nets).toBe(-(posted._sum.amountMinor ?? 0));
    const sub = await prisma.subOrder.findUniqueOrThrow({
      where: { id: subOrderId },
      select: { lines: { select: { amountMinor: true, finalAmountMinor: true } } },
    });
    expect(grosses).toBe(sub.lines.reduce((s, l) => s + (l.finalAmountMinor ?? l.amountMinor), 0));
  });

  test("a statement over a period shows owed, paid and the balance carried", async () => {
    const { cooperativeId, rows } = await allocatedSubOrder();
    const farmerId = rows[1]!.farmerId;
    const midway = new Date();
    await recordMemberPayments(cooperativeId, form([{ farmerId, amountMinor: 300 }]), lead);
    const all = await memberStatementFor(
      cooperativeId,
      farmerId,
      "KHR",
      { from: new Date(0), to: new Date(Date.now() + 60_000) },
      lead,
    );
    const later = await memberStatementFor(
      cooperativeId,
      farmerId,
      "KHR",
      { from: midway, to: new Date(Date.now() + 60_000) },
      lead,
    );
    expect(all.openingBalanceMinor).toBe(0);
    expect(later.openingBalanceMinor + later.owedMinor - later.paidMinor).toBe(
      all.closingBalanceMinor,
    );
    expect(later.paidMinor).toBe(300);
    expect(all.closingBalanceMinor).toBe((await balanceOf(cooperativeId, farmerId)).balanceMinor);
  });

  test("the members-payable CSV lists each member's allocated, credit, paid and balance", async () => {
    const { cooperativeId } = await allocatedSubOrder();
    const rows = await membersPayable(cooperativeId, "KHR", lead);
    const table = membersPayableTable(rows, "KHR");
    const csv = toCsv(table.header, table.rows);
    expect(csv.startsWith("\uFEFFfarmer_id,name,")).toBe(true);
    expect(csv.trimEnd().split("\r\n")).toHaveLength(rows.length + 1);
    const total = rows.reduce((s, r) => s + r.balanceMinor, 0);
    expect(total).toBe(await membersPayableInLedger(cooperativeId));
  });
});
