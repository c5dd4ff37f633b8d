// PayWay's pushback, through the route PayWay posts to, against tests/fake-payway.ts: never trusted
// alone (every recording comes from check-transaction), recorded once, forged prompts change nothing,
// and a payment arriving after the order was cancelled is recorded as a late card payment is.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { expireUnpaidOrders } from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { type FakePayWay } from "../../tests/fake-payway";
import { expectMoneyExact } from "../../tests/money-fixtures";
import {
  orderFromTwoCooperatives,
  organizationId,
  paymentActor as actor,
} from "../../tests/payments-fixtures";
import { configureFakePayWay, transactionOf } from "../../tests/payway-fixtures";
import { action as pushbackAction } from "./payments.payway.pushback";
import { buyerOwes, ledgerIntegrity } from "~/payments/ledger.server";
import { checkMoney } from "~/payments/money-check.server";
import { paywayProvider } from "~/payments/providers.server";
import { type PaymentActor } from "~/payments/settlement.server";

let fake: FakePayWay;
let buyer: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await configureFakePayWay();
  buyer = await actor("buyer@phsar.test");
  // A union fee, so the sales split between cooperatives and the union.
  const unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 500 } });
  for (const email of ["lead@phsar.test", "lead2@phsar.test"]) {
    const lead = await actor(email);
    await prisma.paymentProfile.upsert({
      where: { organizationId: lead.memberships[0]!.organizationId },
      create: { organizationId: lead.memberships[0]!.organizationId, unionId },
      update: { unionId },
    });
  }
});

afterAll(async () => {
  await fake?.close();
});

/** An order paid by KHQR whose checkout the buyer opened (the transaction exists at PayWay). */
async function orderAtPayWay(currency: "KHR" | "USD" = "KHR") {
  const order = await orderFromTwoCooperatives(currency, "KHQR");
  const page = await paywayProvider()!.checkoutPage(order.id, buyer);
  return { order, tranId: page.tranId, paymentId: page.paymentId };
}

function pushback(body: unknown, as: "json" | "form" = "json") {
  const request =
    as === "json"
      ? new Request("http://localhost/payments/payway/pushback", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        })
      : new Request("http://localhost/payments/payway/pushback", {
          method: "POST",
          body: new URLSearchParams(body as Record<string, string>),
        });
  return pushbackAction({ request, params: {}, context: {} });
}

async function answer(body: unknown, as: "json" | "form" = "json") {
  const response = await pushback(body, as);
  return { status: response.status, body: await response.text() };
}

/** What a forged or early prompt must leave untouched. */
async function moneyOf(orderId: number) {
  return {
    payments: await prisma.payment.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { status: true, amountMinor: true, paywayApv: true },
    }),
    ledger: await prisma.ledgerTransaction.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { kind: true, idempotencyKey: true },
    }),
    subOrders: await prisma.subOrder.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: { status: true },
    }),
  };
}

const paymentKeys = async (orderId: number) =>
  (
    await prisma.ledgerTransaction.findMany({
      where: { orderId, kind: "PAYMENT" },
      select: { idempotencyKey: true },
    })
  ).map((t) => t.idempotencyKey);

describe("a genuine pushback", () => {
  test.each([
    ["KHR", "json"],
    ["USD", "form"],
  ] as const)(
    "%s (%s body): confirmed by check-transaction, recorded once, the order confirmed",
    async (currency, as) => {
      const { order, tranId, paymentId } = await orderAtPayWay(currency);
      fake.pay(tranId);
      const checksBefore = fake.requests.filter((r) =>
        r.path.endsWith("check-transaction-2"),
      ).length;
      expect(await answer({ tran_id: tranId, apv: "000001", status: "0" }, as)).toEqual({
        status: 200,
        body: "recorded",
      });
      // The money was recorded from PayWay's answer, asked for after the pushback.
      expect(fake.requests.filter((r) => r.path.endsWith("check-transaction-2")).length).toBe(
        checksBefore + 1,
      );
      const money = await moneyOf(order.id);
      expect(money.payments).toEqual([
        {
          status: "SUCCEEDED",
          amountMinor: order.totalMinor,
          paywayApv: transactionOf(fake, tranId).apv,
        },
      ]);
      expect(money.subOrders.map((s) => s.status)).toEqual(["CONFIRMED", "CONFIRMED"]);
      expect(await paymentKeys(order.id)).toEqual([`payment:${paymentId}:received`]);
      expect(money.ledger.filter((t) => t.kind === "SALE")).toHaveLength(2);
      expect(await buyerOwes(order.buyerId, currency)).toBe(0);

      // Replayed (PayWay retries, or someone posts it again): nothing twice.
      expect(await answer({ tran_id: tranId, status: "0" })).toEqual({
        status: 200,
        body: "already recorded",
      });
      expect(await moneyOf(order.id)).toEqual(money);
      await expectMoneyExact();
    },
  );
});

describe("forged or early pushbacks change nothing", () => {
  test("not a pushback, or a transaction we never started: 400", async () => {
    const { order, tranId } = await orderAtPayWay();
    fake.pay(tranId);
    const before = await moneyOf(order.id);
    expect((await answer("not json")).status).toBe(400);
    expect((await answer({ status: "0" })).status).toBe(400);
    expect((await answer({ tran_id: "../../etc", status: "0" })).status).toBe(400);
    expect(await answer({ tran_id: "PH-999999-1", status: "0" })).toEqual({
      status: 400,
      body: "Not confirmed by PayWay",
    });
    expect(await moneyOf(order.id)).toEqual(before);
    await expectMoneyExact();
  });

  test("a pushback claiming success that PayWay does not confirm: 200, ignored", async () => {
    const { order, tranId } = await orderAtPayWay();
    const before = await moneyOf(order.id);
    // "status 0" is what a paid pushback says; PayWay itself says the transaction is pending.
    expect(await answer({ tran_id: tranId, apv: "999999", status: "0" })).toEqual({
      status: 200,
      body: "not paid",
    });
    expect(await moneyOf(order.id)).toEqual(before);
    expect(before.payments[0]!.status).toBe("PENDING");
    await expectMoneyExact();
  });

  test("our payment row whose purchase never reached PayWay: 400, nothing changes", async () => {
    const order = await orderFromTwoCooperatives("KHR", "KHQR");
    const started = await paywayProvider()!.startPayment(order.id, "KHQR", buyer);
    const before = await moneyOf(order.id);
    expect((await answer({ tran_id: started.tranId, status: "0" })).status).toBe(400);
    expect(await moneyOf(order.id)).toEqual(before);
  });

  test("PayWay describes another amount: 400; paid short: not recorded, left to a person", async () => {
    const other = await orderAtPayWay();
    fake.pay(other.tranId);
    transactionOf(fake, other.tranId).amountMinor += 100;
    const otherBefore = await moneyOf(other.order.id);
    expect((await answer({ tran_id: other.tranId, status: "0" })).status).toBe(400);
    expect(await moneyOf(other.order.id)).toEqual(otherBefore);

    const short = await orderAtPayWay();
    fake.pay(short.tranId, short.order.totalMinor - 100);
    const shortBefore = await moneyOf(short.order.id);
    expect(await answer({ tran_id: short.tranId, status: "0" })).toEqual({
      status: 200,
      body: "mismatch",
    });
    expect(await moneyOf(short.order.id)).toEqual(shortBefore);
    expect(
      await prisma.auditEvent.count({
        where: { action: "payment.payway_mismatch", targetId: String(short.paymentId) },
      }),
    ).toBe(1);
    await expectMoneyExact();
  });

  test("declined: the attempt fails, and the buyer can pay again with a new transaction", async () => {
    const { order, tranId, paymentId } = await orderAtPayWay();
    fake.decline(tranId);
    expect(await answer({ tran_id: tranId, status: "3" })).toEqual({ status: 200, body: "failed" });
    expect((await moneyOf(order.id)).payments.map((p) => p.status)).toEqual(["FAILED"]);
    const again = await paywayProvider()!.checkoutPage(order.id, buyer);
    expect(again.paymentId).not.toBe(paymentId);
    fake.pay(again.tranId);
    expect((await answer({ tran_id: again.tranId, status: "0" })).body).toBe("recorded");
    // The declined attempt stays failed; should PayWay ever call it paid, it is no second payment.
    expect((await answer({ tran_id: tranId, status: "0" })).body).toBe("failed");
    fake.pay(tranId);
    expect((await answer({ tran_id: tranId, status: "0" })).body).toBe("mismatch");
    expect(await paymentKeys(order.id)).toEqual([`payment:${again.paymentId}:received`]);
    await expectMoneyExact();
  });
});

describe("out of order", () => {
  test("paid after the order expired: recorded once, the parts stay cancelled, the money is owed back", async () => {
    const { order, tranId, paymentId } = await orderAtPayWay();
    const { paymentDueAt } = await prisma.order.findUniqueOrThrow({
      where: { id: order.id },
      select: { paymentDueAt: true },
    });
    await expireUnpaidOrders(new Date(paymentDueAt!.getTime() + 60_000));
    expect((await moneyOf(order.id)).subOrders.map((s) => s.status)).toEqual([
      "CANCELLED",
      "CANCELLED",
    ]);
    // The buyer paid just before the code expired; the pushback arrives after the expiry.
    fake.pay(tranId);
    expect(await answer({ tran_id: tranId, status: "0" })).toEqual({
      status: 200,
      body: "recorded",
    });
    expect(await answer({ tran_id: tranId, status: "0" })).toEqual({
      status: 200,
      body: "already recorded",
    });
    const money = await moneyOf(order.id);
    expect(money.payments.map((p) => p.status)).toEqual(["SUCCEEDED"]);
    expect(money.subOrders.map((s) => s.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(await paymentKeys(order.id)).toEqual([`payment:${paymentId}:received`]);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "payment.received", targetId: String(paymentId) },
      select: { details: true },
    });
    expect(audit.details).toMatchObject({
      paidAfterCancelled: order.subOrders.map((s) => s.id).sort((a, b) => a - b),
    });
    // The books balance; what they show is the whole amount owed back to the buyer (a PayWay
    // refund is not built), one line per cancelled part, and nothing else.
    expect(await ledgerIntegrity()).toEqual({
      unbalancedTransactions: [],
      mixedCurrencyTransactions: [],
      nonZeroCurrencies: [],
    });
    const problems = await checkMoney();
    expect(problems.map((p) => p.subOrderId).sort()).toEqual(
      order.subOrders.map((s) => s.id).sort(),
    );
    for (const p of problems)
      expect(p.problem).toMatch(/^sold \d+, credited 0, refunded 0: \d+ kept, 0 due$/);
  });
});
