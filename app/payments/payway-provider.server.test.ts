// The payway provider at checkout, offline against tests/fake-payway.ts: the payment row for the
// whole order (riel and dollars) with a tran_id from our ids, and PayWay's checkout for the buyer.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { publicUrl } from "~/http/public-url.server";
import { seedDemoData } from "../../prisma/seed";
import { type FakePayWay } from "../../tests/fake-payway";
import { expectMoneyExact } from "../../tests/money-fixtures";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { configureFakePayWay, transactionOf } from "../../tests/payway-fixtures";
import { manualProvider } from "./manual.server";
import { paywayProvider, providerForMethod, providerOf } from "./providers.server";
import { paywayTranId, withPayWayBase, type PayWayProvider } from "./payway-provider.server";
import { type PaymentActor } from "./settlement.server";

let fake: FakePayWay;
let provider: PayWayProvider;
let buyer: PaymentActor;
let otherBuyer: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await configureFakePayWay();
  provider = paywayProvider()!;
  buyer = await actor("buyer@phsar.test");
  otherBuyer = await actor("trader@phsar.test");
});

afterAll(async () => {
  await fake?.close();
});

describe("configuration", () => {
  test("with PAYWAY_* set, KHQR goes through PayWay; other methods keep their providers", () => {
    expect(providerForMethod("KHQR").name).toBe("payway");
    expect(providerForMethod("BANK_TRANSFER")).toBe(manualProvider);
    expect(providerForMethod("CASH_ON_DELIVERY")).toBe(manualProvider);
    expect(providerOf("PAYWAY").name).toBe("payway");
  });

  test("tran_ids come from our ids and fit PayWay's 20 characters", () => {
    expect(paywayTranId(12, 345)).toBe("PH-12-345");
    expect(paywayTranId(2_000_000_000, 2_000_000_001)).toBe("PH-2000000001");
    expect(paywayTranId(2_000_000_000, 2_000_000_001).length).toBeLessThanOrEqual(20);
  });

  test("PayWay's checkout page loads its own files from PayWay", () => {
    expect(
      withPayWayBase("<html><head><title>x</title></head></html>", "https://pw.example/"),
    ).toBe('<html><head><base href="https://pw.example/"><title>x</title></head></html>');
    expect(withPayWayBase('<base href="https://a/">x', "https://pw.example")).toBe(
      '<base href="https://a/">x',
    );
  });
});

describe("startPayment", () => {
  test.each(["KHR", "USD"] as const)(
    "one payment for the whole %s order, the same one when repeated at once",
    async (currency) => {
      const order = await orderFromTwoCooperatives(currency, "KHQR");
      const [a, b] = await Promise.all([
        provider.startPayment(order.id, "KHQR", buyer),
        provider.startPayment(order.id, "KHQR", buyer),
      ]);
      expect(a).toEqual(b);
      expect(a).toMatchObject({
        provider: "payway",
        currency,
        amountMinor: order.totalMinor,
        status: "PENDING",
        tranId: `PH-${order.id}-${a.paymentId}`,
      });
      const rows = await prisma.payment.findMany({
        where: { orderId: order.id },
        select: { provider: true, subOrderId: true, paywayTranId: true, method: true },
      });
      expect(rows).toEqual([
        { provider: "PAYWAY", subOrderId: null, paywayTranId: a.tranId, method: "KHQR" },
      ]);
      // Nothing is asked of PayWay, and no money moves, until the buyer opens the checkout.
      expect(fake.transactions.has(a.tranId)).toBe(false);
      expect(await prisma.ledgerTransaction.count({ where: { orderId: order.id } })).toBe(0);
      await expectMoneyExact();
    },
  );

  test("only KHQR, and only the buyer's own order", async () => {
    const order = await orderFromTwoCooperatives("KHR", "KHQR");
    await expect(provider.startPayment(order.id, "CARD", buyer)).rejects.toThrow(
      "payments.methodNotAvailable",
    );
    await expect(provider.startPayment(order.id, "KHQR", otherBuyer)).rejects.toThrow(
      "payments.forbidden",
    );
    await expect(provider.startPayment(999_999, "KHQR", buyer)).rejects.toThrow(
      "payments.orderNotFound",
    );
  });
});

describe("checkoutPage", () => {
  test.each(["KHR", "USD"] as const)(
    "purchases the %s order's KHQR at PayWay, the same transaction each time",
    async (currency) => {
      const order = await orderFromTwoCooperatives(currency, "KHQR");
      const started = await provider.startPayment(order.id, "KHQR", buyer);
      const page = await provider.checkoutPage(order.id, buyer);
      expect(page).toMatchObject({
        tranId: started.tranId,
        amountMinor: order.totalMinor,
        currency,
      });
      expect(page.checkoutHtml).toContain(`Pay ${started.tranId}`);
      expect(page.checkoutHtml).toContain(`<base href="${fake.url}/">`);
      expect(transactionOf(fake, started.tranId)).toMatchObject({
        currency,
        amountMinor: order.totalMinor,
        status: "PENDING",
      });
      // Opening the page again (a reload, a retry) sends the same signed fields: no duplicate refusal.
      const again = await provider.checkoutPage(order.id, buyer, new Date(Date.now() + 60_000));
      expect(again.tranId).toBe(started.tranId);
      expect(fake.transactions.get(started.tranId)!.fingerprint).toContain(
        "payment_option=abapay_khqr",
      );
      // PayWay posts its pushback to our route (return_url goes base64-encoded, as documented).
      const returnUrl = Buffer.from(publicUrl("/payments/payway/pushback")).toString("base64");
      expect(fake.transactions.get(started.tranId)!.fingerprint).toContain(
        `return_url=${returnUrl}`,
      );
    },
  );

  test("an order without its payment row (checkout stopped after placing it) gets one here", async () => {
    const order = await orderFromTwoCooperatives("KHR", "KHQR");
    const page = await provider.checkoutPage(order.id, buyer);
    const row = await prisma.payment.findFirstOrThrow({
      where: { orderId: order.id, provider: "PAYWAY" },
      select: { id: true, paywayTranId: true },
    });
    expect(page).toMatchObject({ paymentId: row.id, tranId: row.paywayTranId });
  });

  test("a declined attempt is followed by a new payment with a new tran_id", async () => {
    const order = await orderFromTwoCooperatives("USD", "KHQR");
    const first = await provider.checkoutPage(order.id, buyer);
    fake.decline(first.tranId);
    await prisma.payment.update({ where: { id: first.paymentId }, data: { status: "FAILED" } });
    const second = await provider.checkoutPage(order.id, buyer);
    expect(second.paymentId).not.toBe(first.paymentId);
    expect(second.tranId).toBe(`PH-${order.id}-${second.paymentId}`);
    expect(transactionOf(fake, second.tranId).status).toBe("PENDING");
  });

  test("refused when not the buyer's, not paid by KHQR, or no longer waiting for its money", async () => {
    const order = await orderFromTwoCooperatives("KHR", "KHQR");
    await expect(provider.checkoutPage(order.id, otherBuyer)).rejects.toThrow("payments.forbidden");
    const bank = await orderFromTwoCooperatives("KHR", "BANK_TRANSFER");
    await expect(provider.checkoutPage(bank.id, buyer)).rejects.toThrow(
      "payments.methodNotAvailable",
    );
    await prisma.subOrder.update({
      where: { id: order.subOrders[0]!.id },
      data: { status: "CANCELLED" },
    });
    await expect(provider.checkoutPage(order.id, buyer)).rejects.toThrow(
      "payments.notAwaitingPayment",
    );
  });

  test("payouts and refunds through PayWay are refused as not built", async () => {
    await expect(provider.releaseSubOrder(1, null)).rejects.toThrow("payments.paywayNotBuilt");
    await expect(provider.refundSubOrder(1, 100, null)).rejects.toThrow("payments.paywayNotBuilt");
  });
});
