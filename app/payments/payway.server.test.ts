import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakePayWay, type FakePayWay } from "../../tests/fake-payway";
import {
  confirmPushback,
  createPayWayDriver,
  PayWayError,
  PayWayUnknownOutcome,
  paywayAmount,
  paywayMinor,
  paywayReqTime,
  purchaseFields,
  type PurchaseRequest,
} from "./payway.server";

let fake: FakePayWay;
beforeAll(async () => {
  fake = await startFakePayWay();
});
afterAll(() => fake.close());

const driver = () =>
  createPayWayDriver({ merchantId: fake.merchantId, apiKey: fake.apiKey, apiBase: fake.url });

let counter = 0;
const request = (over: Partial<PurchaseRequest> = {}): PurchaseRequest => ({
  tranId: `PH-${Date.now() % 1_000_000}-${++counter}`,
  currency: "USD",
  amountMinor: 1_250,
  paymentOption: "abapay_khqr",
  returnUrl: "https://phsar.example/webhooks/payway",
  ...over,
});

describe("request signing", () => {
  test("the purchase hash is base64 HMAC-SHA512 of the values in the documented order", () => {
    const now = new Date("2026-12-03T16:07:05Z");
    const fields = purchaseFields(
      { merchantId: "ec000002", apiKey: "k" },
      request({ tranId: "PH-1-2", amountMinor: 1_005, firstname: "Sokha" }),
      now,
    );
    const url = Buffer.from("https://phsar.example/webhooks/payway").toString("base64");
    // Written out by hand from PayWay's purchase documentation, not from PURCHASE_HASH_ORDER.
    const concatenated = `20261203160705ec000002PH-1-210.05Sokhapurchaseabapay_khqr${url}USD`;
    expect(fields.hash).toBe(createHmac("sha512", "k").update(concatenated).digest("base64"));
    expect(fields.req_time).toBe("20261203160705");
    expect(paywayReqTime(now)).toBe("20261203160705");
  });

  test("amounts go out and come back exactly, riel whole and dollars with two places", () => {
    expect(paywayAmount("USD", 5)).toBe("0.05");
    expect(paywayAmount("USD", 1_000)).toBe("10.00");
    expect(paywayAmount("KHR", 4_000)).toBe("4000");
    expect(() => paywayAmount("USD", 0)).toThrow(PayWayError);
    expect(() => paywayAmount("USD", 1.5)).toThrow(PayWayError);
    expect(paywayMinor("USD", 0.1)).toBe(10);
    expect(paywayMinor("USD", 1234.57)).toBe(123_457);
    expect(() => paywayMinor("KHR", "100.5")).toThrow(PayWayError);
    fc.assert(
      fc.property(
        fc.constantFrom("USD" as const, "KHR" as const),
        fc.integer({ min: 1, max: 99_999_999 }),
        (currency, minor) => {
          expect(paywayMinor(currency, paywayAmount(currency, minor))).toBe(minor);
          // The JSON answer is a number: the float PayWay sends must still come back exact.
          expect(paywayMinor(currency, Number(paywayAmount(currency, minor)))).toBe(minor);
        },
      ),
    );
  });
});

describe("purchase and check-transaction against the fake PayWay", () => {
  test("a purchase is accepted, and a wrong key's hash is refused", async () => {
    const r = request();
    const { checkoutHtml } = await driver().purchase(r);
    expect(checkoutHtml).toContain(r.tranId);
    const forged = createPayWayDriver({
      merchantId: fake.merchantId,
      apiKey: "wrong",
      apiBase: fake.url,
    });
    await expect(forged.purchase(request())).rejects.toMatchObject({
      key: "payments.paywayRefused",
      code: "1",
    });
    await expect(forged.checkTransaction(r.tranId)).rejects.toMatchObject({ code: "1" });
  });

  test("a retry with the same parameters is the same transaction; other parameters are refused", async () => {
    const r = request();
    await driver().purchase(r);
    await driver().purchase(r);
    expect([...fake.transactions.keys()].filter((k) => k === r.tranId)).toHaveLength(1);
    await expect(driver().purchase({ ...r, amountMinor: 999 })).rejects.toMatchObject({
      code: "5",
    });
    expect(fake.transactions.get(r.tranId)?.amountMinor).toBe(1_250);
  });

  test("check-transaction reports pending, then a short payment to the cent", async () => {
    const r = request({ currency: "KHR", amountMinor: 48_000 });
    await driver().purchase(r);
    expect(await driver().checkTransaction(r.tranId)).toMatchObject({
      status: "PENDING",
      paidMinor: 0,
    });
    fake.pay(r.tranId, 47_600);
    expect(await driver().checkTransaction(r.tranId)).toMatchObject({
      status: "APPROVED",
      currency: "KHR",
      originalMinor: 48_000,
      paidMinor: 47_600,
    });
  });

  test("a lost answer is an unknown outcome; the retry finds the purchase made once", async () => {
    const r = request();
    const impatient = createPayWayDriver({
      merchantId: fake.merchantId,
      apiKey: fake.apiKey,
      apiBase: fake.url,
      timeoutMs: 100,
    });
    fake.delayNext("purchase", 400);
    await expect(impatient.purchase(r)).rejects.toBeInstanceOf(PayWayUnknownOutcome);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(fake.transactions.get(r.tranId)?.status).toBe("PENDING");
    await driver().purchase(r);
    expect(await driver().checkTransaction(r.tranId)).toMatchObject({ status: "PENDING" });
  });
});

describe("pushback", () => {
  test("is confirmed by check-transaction; forged, unknown or mismatched ones are refused", async () => {
    const r = request({ amountMinor: 3_000 });
    await driver().purchase(r);
    const ours = async (tranId: string) =>
      tranId === r.tranId ? { currency: r.currency, amountMinor: r.amountMinor } : null;

    // A pushback claiming success before the buyer paid: PayWay says PENDING, so nothing is paid.
    const early = await confirmPushback(
      driver(),
      { tran_id: r.tranId, apv: "1", status: "0" },
      ours,
    );
    expect(early.status).toBe("PENDING");

    fake.pay(r.tranId, 2_970);
    const body = { tran_id: r.tranId, apv: "x", status: 0, return_params: "" };
    const first = await confirmPushback(driver(), body, ours);
    const replayed = await confirmPushback(driver(), body, ours);
    expect(first).toMatchObject({ status: "APPROVED", paidMinor: 2_970, shortMinor: 30 });
    expect(replayed).toEqual(first);

    await expect(
      confirmPushback(driver(), { tran_id: "PH-not-ours", status: "0" }, ours),
    ).rejects.toMatchObject({
      key: "payments.paywayUnknownTransaction",
    });
    await expect(
      confirmPushback(driver(), { tran_id: "bad id!", status: "0" }, ours),
    ).rejects.toMatchObject({
      key: "payments.paywayBadPushback",
    });
    await expect(
      confirmPushback(driver(), body, async () => ({ currency: "USD", amountMinor: 3_001 })),
    ).rejects.toMatchObject({ key: "payments.paywayMismatch" });
  });
});
