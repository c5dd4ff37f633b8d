import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { startFakeBakong, type FakeBakong } from "../../tests/fake-bakong";
import { expectMoneyExact, holdSubOrderLocks } from "../../tests/money-fixtures";
import {
  orderFromTwoCooperatives,
  organizationId,
  paymentActor as actor,
} from "../../tests/payments-fixtures";
import { createBakongDriver } from "./bakong-api.server";
import { confirmKhqrPayments } from "./bakong-confirm.server";
import { ledgerIntegrity } from "./ledger.server";
import { manualProvider, markReceived } from "./manual.server";
import { type PaymentActor } from "./settlement.server";

let fake: FakeBakong;
let buyer: PaymentActor;
let lead: PaymentActor;
const driver = (timeoutMs?: number) =>
  createBakongDriver({ apiBase: fake.url, token: fake.token, timeoutMs });

beforeAll(async () => {
  fake = await startFakeBakong();
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  lead = await actor("lead@phsar.test");
  const lead2 = await actor("lead2@phsar.test");
  const unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 300 } });
  for (const m of [...lead.memberships, ...lead2.memberships])
    await prisma.paymentProfile.create({
      data: {
        organizationId: m.organizationId,
        unionId,
        bakongAccountId: `coop${m.organizationId}@aclb`,
      },
    });
});
afterAll(() => fake.close());

async function khqrOrder() {
  const order = await orderFromTwoCooperatives();
  const start = await manualProvider.startPayment(order.id, "KHQR", buyer);
  if (start.provider !== "manual") throw new Error("expected manual");
  const payments = await prisma.payment.findMany({
    where: { id: { in: start.payments.map((p) => p.paymentId) } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      subOrderId: true,
      amountMinor: true,
      currency: true,
      khqrMd5: true,
      subOrder: { select: { cooperativeId: true } },
    },
  });
  return { order, payments };
}

const pay = (
  p: Awaited<ReturnType<typeof khqrOrder>>["payments"][number],
  amountMinor = p.amountMinor,
) =>
  fake.pay(p.khqrMd5!, {
    toAccountId: `coop${p.subOrder!.cooperativeId}@aclb`,
    currency: p.currency,
    amountMinor,
  });

async function statuses(orderId: number) {
  return (
    await prisma.subOrder.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { status: true },
    })
  ).map((s) => s.status);
}

describe("Bakong KHQR confirmation", () => {
  test("the MD5 is stored; a paid KHQR is recorded by the job, once, and the order turns paid", async () => {
    const { order, payments } = await khqrOrder();
    expect(payments.every((p) => /^[0-9a-f]{32}$/.test(p.khqrMd5 ?? ""))).toBe(true);
    const mine = (o: { paymentId: number }) => payments.some((p) => p.id === o.paymentId);

    expect((await confirmKhqrPayments(driver())).filter(mine).map((o) => o.outcome)).toEqual([
      "unpaid",
      "unpaid",
    ]);
    for (const p of payments) pay(p);
    expect((await confirmKhqrPayments(driver())).filter(mine).map((o) => o.outcome)).toEqual([
      "recorded",
      "recorded",
    ]);
    // A second run finds nothing pending; the lead recording by hand afterwards changes nothing.
    expect((await confirmKhqrPayments(driver())).filter(mine)).toEqual([]);
    const first = payments[0]!;
    const leadOwns = lead.memberships.some(
      (m) => m.organizationId === first.subOrder!.cooperativeId,
    );
    if (leadOwns)
      expect(await markReceived(first.id, { amountMinor: first.amountMinor }, lead)).toEqual({
        recorded: false,
      });
    expect(await statuses(order.id)).toEqual(["CONFIRMED", "CONFIRMED"]);
    const rows = await prisma.ledgerTransaction.count({
      where: { idempotencyKey: { in: payments.map((p) => `payment:${p.id}:received`) } },
    });
    expect(rows).toBe(2);
    const recorded = await prisma.payment.findMany({
      where: { id: { in: payments.map((p) => p.id) } },
      select: { status: true, reference: true, recordedById: true },
    });
    expect(
      recorded.every(
        (p) =>
          p.status === "SUCCEEDED" && p.reference?.startsWith("bakong:") && p.recordedById === null,
      ),
    ).toBe(true);
    expect((await ledgerIntegrity()).unbalancedTransactions).toEqual([]);
    await expectMoneyExact();
  });

  test("a short payment, or one to another account, is reported, not recorded", async () => {
    const { payments } = await khqrOrder();
    const [short, elsewhere] = payments;
    pay(short!, short!.amountMinor - 100);
    fake.pay(elsewhere!.khqrMd5!, {
      toAccountId: "someone@aclb",
      currency: elsewhere!.currency,
      amountMinor: elsewhere!.amountMinor,
    });
    const outcomes = (await confirmKhqrPayments(driver())).filter((o) =>
      payments.some((p) => p.id === o.paymentId),
    );
    expect(outcomes).toEqual([
      {
        paymentId: short!.id,
        outcome: "mismatch",
        paidMinor: short!.amountMinor - 100,
        dueMinor: short!.amountMinor,
        toAccountId: `coop${short!.subOrder!.cooperativeId}@aclb`,
      },
      {
        paymentId: elsewhere!.id,
        outcome: "mismatch",
        paidMinor: elsewhere!.amountMinor,
        dueMinor: elsewhere!.amountMinor,
        toAccountId: "someone@aclb",
      },
    ]);
    expect(
      await prisma.payment.count({
        where: { id: { in: payments.map((p) => p.id) }, status: "PENDING" },
      }),
    ).toBe(2);
    await expectMoneyExact();
  });

  test("a lost answer (timeout) or a 500 writes nothing; the next run records it", async () => {
    const { payments } = await khqrOrder();
    for (const p of payments) pay(p);
    const mine = (o: { paymentId: number }) => payments.some((p) => p.id === o.paymentId);
    const [p0, p1] = payments;
    fake.failNext(p0!.khqrMd5!, { delayMs: 300 });
    expect((await confirmKhqrPayments(driver(100))).filter(mine)).toEqual([
      { paymentId: p0!.id, outcome: "unknown" },
      { paymentId: p1!.id, outcome: "recorded" },
    ]);
    fake.failNext(p0!.khqrMd5!, { status: 500 });
    expect((await confirmKhqrPayments(driver())).filter(mine)).toEqual([
      { paymentId: p0!.id, outcome: "unknown" },
    ]);
    expect(
      await prisma.payment.findUniqueOrThrow({ where: { id: p0!.id }, select: { status: true } }),
    ).toEqual({ status: "PENDING" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await confirmKhqrPayments(driver())).filter(mine)).toEqual([
      { paymentId: p0!.id, outcome: "recorded" },
    ]);
    expect(
      await prisma.payment.count({
        where: { id: { in: payments.map((p) => p.id) }, status: "SUCCEEDED" },
      }),
    ).toBe(2);
    await expectMoneyExact();
  });

  test("two runs at once, and the lead at the same moment, record each payment once", async () => {
    const { payments } = await khqrOrder();
    for (const p of payments) pay(p);
    const first = payments[0]!;
    const leadOwns = lead.memberships.some(
      (m) => m.organizationId === first.subOrder!.cooperativeId,
    );
    await Promise.all([
      confirmKhqrPayments(driver()),
      confirmKhqrPayments(driver()),
      leadOwns
        ? markReceived(first.id, { amountMinor: first.amountMinor }, lead)
        : Promise.resolve(),
    ]);
    expect(
      await prisma.ledgerTransaction.count({
        where: { idempotencyKey: { in: payments.map((p) => `payment:${p.id}:received`) } },
      }),
    ).toBe(2);
    await expectMoneyExact();
  });

  test("held lock: a run queued behind the sub-order's lock sees the lead's record and adds nothing", async () => {
    const { payments } = await khqrOrder();
    const first = payments[0]!;
    pay(first);
    const held = await holdSubOrderLocks([first.subOrderId!]);
    const run = confirmKhqrPayments(driver());
    await held.waitForQueue(1);
    // While the job waits, the payment is recorded by hand inside the holding transaction.
    await held.query(`UPDATE "Payment" SET "status" = 'SUCCEEDED' WHERE "id" = $1`, [first.id]);
    await held.release();
    const outcome = (await run).find((o) => o.paymentId === first.id);
    expect(outcome).toEqual({ paymentId: first.id, outcome: "already" });
    expect(
      await prisma.ledgerTransaction.count({
        where: { idempotencyKey: `payment:${first.id}:received` },
      }),
    ).toBe(0);
  });
});
