// Faults of PayWay checkout against tests/fake-payway.ts, made deterministic: racing pushbacks
// queue behind sub-order locks a test holds (no sleeps), PayWay is switched down and up, and a
// crash is a driver that gets PayWay's answer and then stops before anything is written.
// checkMoney runs after each test (tests/money-fixtures.ts).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { type FakePayWay } from "../../tests/fake-payway";
import { expectMoneyExact, holdSubOrderLocks } from "../../tests/money-fixtures";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { configureFakePayWay } from "../../tests/payway-fixtures";
import { PayWayUnknownOutcome, type PayWayDriver } from "./payway.server";
import {
  receivePayWayPushback,
  reconcilePayWay,
  reconcilePayWayPayments,
} from "./payway-payments.server";
import { paywayProvider, providerForMethod } from "./providers.server";
import { reconcilePaymentOutcomes } from "./reconcile.server";
import { type PaymentActor } from "./settlement.server";

let fake: FakePayWay;
let buyer: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await configureFakePayWay();
  buyer = await actor("buyer@phsar.test");
});

afterEach(async () => {
  fake.setDown(false);
  await expectMoneyExact();
});

afterAll(async () => {
  await fake?.close();
});

async function paidAtPayWay(currency: "KHR" | "USD" = "KHR") {
  const order = await orderFromTwoCooperatives(currency, "KHQR");
  const page = await paywayProvider()!.checkoutPage(order.id, buyer);
  fake.pay(page.tranId);
  return { order, tranId: page.tranId, paymentId: page.paymentId };
}

const ledgerOf = (orderId: number) =>
  prisma.ledgerTransaction.findMany({
    where: { orderId },
    orderBy: { id: "asc" },
    select: { kind: true, idempotencyKey: true },
  });

const statusesOf = async (orderId: number) => ({
  payments: (
    await prisma.payment.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { status: true },
    })
  ).map((p) => p.status),
  subOrders: (
    await prisma.subOrder.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { status: true },
    })
  ).map((s) => s.status),
});

describe("pushback replayed concurrently", () => {
  test("two pushbacks and a reconciliation at the same moment record the money once", async () => {
    const { order, tranId, paymentId } = await paidAtPayWay();
    const held = await holdSubOrderLocks(order.subOrders.map((s) => s.id));
    const racing = [
      receivePayWayPushback({ tran_id: tranId, status: "0" }),
      receivePayWayPushback({ tran_id: tranId, status: "0" }),
      reconcilePayWay(order.id),
    ] as const;
    // All three asked PayWay and now wait on the money lock: each decides only once it has it.
    await held.waitForQueue(3);
    await held.release();
    const [first, second, reconciled] = await Promise.all(racing);
    const outcomes = [first.body, second.body, ...reconciled.map((r) => r.outcome)];
    expect(outcomes.filter((o) => o === "recorded")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "already recorded")).toHaveLength(2);
    expect([first.status, second.status]).toEqual([200, 200]);
    const ledger = await ledgerOf(order.id);
    expect(ledger.filter((t) => t.kind === "PAYMENT")).toEqual([
      { kind: "PAYMENT", idempotencyKey: `payment:${paymentId}:received` },
    ]);
    expect(ledger.filter((t) => t.kind === "SALE")).toHaveLength(2);
    expect(await statusesOf(order.id)).toEqual({
      payments: ["SUCCEEDED"],
      subOrders: ["CONFIRMED", "CONFIRMED"],
    });
  });

  test("ten copies at once, without a held lock: one ledger entry", async () => {
    const { order } = await paidAtPayWay("USD");
    const tranId = (await prisma.payment.findFirstOrThrow({
      where: { orderId: order.id },
      select: { paywayTranId: true },
    }))!.paywayTranId!;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => receivePayWayPushback({ tran_id: tranId, status: "0" })),
    );
    expect(answers.filter((a) => a.body === "recorded")).toHaveLength(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await ledgerOf(order.id)).filter((t) => t.kind === "PAYMENT")).toHaveLength(1);
  });
});

describe("PayWay down during checkout", () => {
  test("the order stays placed and waiting; the buyer pays once PayWay is back", async () => {
    fake.setDown(true);
    // What checkout does after placing the order: no PayWay request, so nothing can fail here.
    const order = await orderFromTwoCooperatives("KHR", "KHQR");
    const started = await providerForMethod("KHQR").startPayment(order.id, "KHQR", buyer);
    expect(started).toMatchObject({ provider: "payway", status: "PENDING" });
    // The buyer opens the order's page: PayWay does not answer.
    await expect(paywayProvider()!.checkoutPage(order.id, buyer)).rejects.toBeInstanceOf(
      PayWayUnknownOutcome,
    );
    const tranId = (await prisma.payment.findFirstOrThrow({
      where: { orderId: order.id },
      select: { paywayTranId: true },
    }))!.paywayTranId!;
    // A pushback while PayWay cannot be asked records nothing (503: PayWay sends it again).
    expect(await receivePayWayPushback({ tran_id: tranId, status: "0" })).toEqual({
      status: 503,
      body: "Try again later",
    });
    // The reconciliation job logs and carries on.
    expect(await reconcilePayWayPayments({ now: new Date(Date.now() + 10 * 60_000) })).toBe(0);
    expect(await statusesOf(order.id)).toEqual({
      payments: ["PENDING"],
      subOrders: ["PLACED", "PLACED"],
    });
    expect(await ledgerOf(order.id)).toEqual([]);

    // PayWay is back: the retry shows the same transaction, the buyer pays, it is recorded.
    fake.setDown(false);
    const page = await paywayProvider()!.checkoutPage(order.id, buyer);
    expect(page.tranId).toBe(tranId);
    fake.pay(tranId);
    expect((await receivePayWayPushback({ tran_id: tranId, status: "0" })).body).toBe("recorded");
    expect(await statusesOf(order.id)).toEqual({
      payments: ["SUCCEEDED"],
      subOrders: ["CONFIRMED", "CONFIRMED"],
    });
  });
});

describe("crash between PayWay's answer and our write", () => {
  test("the next run finds the transaction by its tran_id and records it once", async () => {
    const { order, tranId, paymentId } = await paidAtPayWay();
    const real = paywayProvider()!.driver;
    let answered = 0;
    // PayWay answers "approved"; the process stops before anything is written.
    const crashing: PayWayDriver = {
      ...real,
      async checkTransaction(id, now) {
        const status = await real.checkTransaction(id, now);
        answered += 1;
        expect(status.status).toBe("APPROVED");
        throw new Error("process stopped");
      },
    };
    await expect(receivePayWayPushback({ tran_id: tranId, status: "0" }, crashing)).rejects.toThrow(
      "process stopped",
    );
    expect(answered).toBe(1);
    expect(await statusesOf(order.id)).toEqual({
      payments: ["PENDING"],
      subOrders: ["PLACED", "PLACED"],
    });
    expect(await ledgerOf(order.id)).toEqual([]);

    // PayWay does not send the pushback again: the reconciliation job (every ten minutes) asks.
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await reconcilePaymentOutcomes({ now: later })).toMatchObject({ payway: 1 });
    // Run again, by hand for this order, and a late pushback: all find it recorded.
    expect(await reconcilePaymentOutcomes({ now: later })).toMatchObject({ payway: 0 });
    expect(await reconcilePayWay(order.id)).toEqual([]);
    expect((await receivePayWayPushback({ tran_id: tranId, status: "0" })).body).toBe(
      "already recorded",
    );
    expect((await ledgerOf(order.id)).filter((t) => t.kind === "PAYMENT")).toEqual([
      { kind: "PAYMENT", idempotencyKey: `payment:${paymentId}:received` },
    ]);
    expect(await statusesOf(order.id)).toEqual({
      payments: ["SUCCEEDED"],
      subOrders: ["CONFIRMED", "CONFIRMED"],
    });
  });

  test("a payment PayWay never heard of (purchase lost while down) is left waiting, not failed", async () => {
    const order = await orderFromTwoCooperatives("USD", "KHQR");
    const started = await paywayProvider()!.startPayment(order.id, "KHQR", buyer);
    expect(await reconcilePayWay(order.id)).toEqual([
      { paymentId: started.paymentId, outcome: "unknown at PayWay" },
    ]);
    expect((await statusesOf(order.id)).payments).toEqual(["PENDING"]);
  });
});
