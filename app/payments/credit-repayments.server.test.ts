// Cash repayments of input credits, on real PostgreSQL: the lead records part of what is owed,
// never more, once per form, and never more than owed when racing another repayment or a deduction.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { holdLocks } from "../../tests/lock-fixtures";
import { paymentActor as actor } from "../../tests/payments-fixtures";
import { cancelCredit, recordCredit, recordCreditRepayment } from "./credits.server";
import { PaymentError, type PaymentActor } from "./settlement.server";

let lead: PaymentActor;
let clerk: PaymentActor;
let otherLead: PaymentActor;
let cooperativeId: number;
let farmerId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  lead = await actor("lead@phsar.test");
  clerk = await actor("clerk@phsar.test");
  otherLead = await actor("lead2@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  farmerId = (
    await prisma.farmer.findFirstOrThrow({ where: { cooperativeId }, select: { id: true } })
  ).id;
});

const newCredit = (amountMinor = 100_000) =>
  recordCredit(
    cooperativeId,
    { farmerId, currency: "KHR", amountMinor, issuedOn: "2026-11-02", purpose: "Seed rice" },
    lead,
  );

const repay = (creditId: number, amountMinor: number, formKey = randomUUID(), by = lead) =>
  recordCreditRepayment(
    cooperativeId,
    creditId,
    { currency: "KHR", amountMinor, repaidOn: "2026-12-01", note: "Cash at the meeting", formKey },
    by,
  );

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "repaid",
    (error: PaymentError) => error.key,
  );

async function state(creditId: number) {
  const credit = await prisma.farmerCredit.findUniqueOrThrow({
    where: { id: creditId },
    select: { repaidMinor: true, repayments: { select: { amountMinor: true } } },
  });
  const audits = await prisma.auditEvent.count({
    where: { action: "credit.repaid", targetType: "FarmerCredit", targetId: String(creditId) },
  });
  return {
    repaidMinor: credit.repaidMinor,
    repayments: credit.repayments.map((r) => r.amountMinor).sort((a, b) => a - b),
    audits,
  };
}

describe("a cash repayment of an input credit", () => {
  test("the lead records part of it: a row, repaidMinor raised, audited", async () => {
    const id = await newCredit();
    const result = await repay(id, 40_000);
    expect(result.created).toBe(true);
    expect(await state(id)).toEqual({ repaidMinor: 40_000, repayments: [40_000], audits: 1 });
    const row = await prisma.farmerCreditRepayment.findUniqueOrThrow({
      where: { id: result.repaymentId },
      select: { note: true, repaidOn: true, recordedById: true, idempotencyKey: true },
    });
    expect(row.note).toBe("Cash at the meeting");
    expect(row.repaidOn.toISOString().slice(0, 10)).toBe("2026-12-01");
    expect(row.recordedById).toBe(lead.id);
    expect(row.idempotencyKey).toMatch(new RegExp(`^credit:${id}:repaid:`));
  });

  test("more than is still owed, nothing, a cancelled credit, a clerk or another lead: refused, nothing written", async () => {
    const id = await newCredit();
    await repay(id, 70_000);
    await expect(repay(id, 30_001)).rejects.toThrow(new PaymentError("credits.moreThanOwed"));
    for (const amount of [0, -1, 2.5])
      await expect(repay(id, amount)).rejects.toThrow(new PaymentError("credits.repaymentInvalid"));
    for (const outsider of [clerk, otherLead])
      await expect(repay(id, 1_000, randomUUID(), outsider)).rejects.toThrow(
        new PaymentError("payments.forbidden"),
      );
    await expect(repay(2_000_000_000, 1_000)).rejects.toThrow(new PaymentError("credits.notFound"));
    const cancelled = await newCredit();
    await cancelCredit(cooperativeId, cancelled, lead);
    await expect(repay(cancelled, 1_000)).rejects.toThrow(new PaymentError("credits.isCancelled"));
    await expect(
      recordCreditRepayment(
        cooperativeId,
        id,
        { currency: "USD", amountMinor: 100, repaidOn: "2026-12-01", formKey: randomUUID() },
        lead,
      ),
    ).rejects.toThrow(new PaymentError("credits.otherCurrency"));
    expect(await state(id)).toEqual({ repaidMinor: 70_000, repayments: [70_000], audits: 1 });
    // Exactly what is left is accepted, and the credit is then repaid in full.
    await repay(id, 30_000);
    expect((await state(id)).repaidMinor).toBe(100_000);
  });

  test("a resubmitted form records once; the same form key with another amount is refused", async () => {
    const id = await newCredit();
    const formKey = randomUUID();
    const first = await repay(id, 25_000, formKey);
    const again = await repay(id, 25_000, formKey);
    expect(again).toEqual({ created: false, repaymentId: first.repaymentId });
    await expect(repay(id, 26_000, formKey)).rejects.toThrow(
      new PaymentError("payments.idempotencyConflict"),
    );
    // Both at once with the same key: still one.
    const formKey2 = randomUUID();
    const both = await Promise.all([repay(id, 5_000, formKey2), repay(id, 5_000, formKey2)]);
    expect(both.filter((r) => r.created)).toHaveLength(1);
    expect(await state(id)).toEqual({
      repaidMinor: 30_000,
      repayments: [5_000, 25_000],
      audits: 2,
    });
  });

  test("two callers at once cannot repay more than is owed", async () => {
    const id = await newCredit(60_000);
    const results = await Promise.all([outcome(repay(id, 40_000)), outcome(repay(id, 40_000))]);
    expect(results.sort()).toEqual(["credits.moreThanOwed", "repaid"]);
    expect(await state(id)).toEqual({ repaidMinor: 40_000, repayments: [40_000], audits: 1 });
  });

  test("a repayment waiting behind an allocation's lock sees what the deduction left", async () => {
    const id = await newCredit(50_000);
    // An allocation holds the credit's row, as allocateSubOrder does while it deducts.
    const lock = await holdLocks([
      { sql: `SELECT "id" FROM "FarmerCredit" WHERE "id" = $1 FOR UPDATE`, values: [id] },
    ]);
    const waiting = outcome(repay(id, 30_000));
    try {
      await lock.waitForQueue(1);
      await lock.query(
        `UPDATE "FarmerCredit" SET "repaidMinor" = "repaidMinor" + 30000 WHERE "id" = $1`,
        [id],
      );
    } finally {
      await lock.release();
    }
    // Read before the lock, 50,000 would be owed and the repayment would go through.
    expect(await waiting).toBe("credits.moreThanOwed");
    expect(await state(id)).toEqual({ repaidMinor: 30_000, repayments: [], audits: 0 });
    await repay(id, 20_000);
    expect((await state(id)).repaidMinor).toBe(50_000);
  });
});
