// The Stripe provider and its webhooks, offline: the real `stripe` SDK talks to tests/fake-stripe.ts.
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";

const secrets = vi.hoisted(() => {
  const value = { platform: "whsec_test_platform_secret", connect: "whsec_test_connect_secret" };
  process.env.STRIPE_WEBHOOK_SECRET = value.platform;
  process.env.STRIPE_CONNECT_WEBHOOK_SECRET = value.connect;
  process.env.PLATFORM_FEE_BPS = "0";
  return value;
});

import { prisma } from "~/db/db.server";
import { postStripeEvent as post } from "../../tests/stripe-webhooks";
import { seedDemoData } from "../../prisma/seed";
import { startFakeStripe, type FakeStripe } from "../../tests/fake-stripe";
import {
  orderFromTwoCooperatives,
  organizationId,
  paymentActor as actor,
  deliverSubOrder as deliver,
} from "../../tests/payments-fixtures";
import { buyerOwes, cooperativeBalance, ledgerIntegrity } from "./ledger.server";
import { type PaymentActor } from "./settlement.server";
import { createStripeProvider, type StripeProvider } from "./stripe.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let fake: FakeStripe;
let provider: StripeProvider;
let buyer: PaymentActor;
let lead: PaymentActor;
let admin: PaymentActor;
let cooperativeIds: number[];

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await startFakeStripe();
  // A short client timeout, so the injected "timeout" failure is quick to test.
  provider = createStripeProvider(fake.client({ timeout: 400 }));
  buyer = await actor("buyer@phsar.test");
  lead = await actor("lead@phsar.test");
  admin = await actor("admin@phsar.test");
  const unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 500 } });
  cooperativeIds = [lead.memberships[0]!.organizationId];
  const lead2 = await actor("lead2@phsar.test");
  cooperativeIds.push(lead2.memberships[0]!.organizationId);
  for (const id of cooperativeIds)
    await prisma.paymentProfile.create({ data: { organizationId: id, unionId } });
});

afterAll(async () => {
  await fake?.close();
});

async function expectBalanced() {
  expect(await ledgerIntegrity()).toEqual({
    unbalancedTransactions: [],
    mixedCurrencyTransactions: [],
    nonZeroCurrencies: [],
  });
}

const statusOf = async (subOrderId: number) =>
  (await prisma.subOrder.findUniqueOrThrow({ where: { id: subOrderId }, select: { status: true } }))
    .status;

/** Onboards both cooperatives and lets Stripe say their transfers are active. */
async function onboardAndActivate() {
  for (const cooperativeId of cooperativeIds) {
    const leadOf = cooperativeId === cooperativeIds[0] ? lead : admin;
    await provider.onboardCooperative(
      cooperativeId,
      { returnUrl: "https://phsar.example/return", refreshUrl: "https://phsar.example/refresh" },
      leadOf,
    );
    const { stripeAccountId } = await prisma.connectedAccount.findUniqueOrThrow({
      where: { cooperativeId },
      select: { stripeAccountId: true },
    });
    expect((await post(fake.activateAccount(stripeAccountId), "connect")).status).toBe(200);
  }
}

/** A USD order from both cooperatives, paid by card through the fake: returns the order and its charge. */
async function paidOrder() {
  const order = await orderFromTwoCooperatives("USD");
  const start = await provider.startPayment(order.id, "CARD", buyer);
  if (start.provider !== "stripe") throw new Error("expected Stripe");
  const { completed, succeeded } = fake.payCheckout(await openPaymentPage(order.id));
  expect((await post(succeeded)).status).toBe(200);
  expect((await post(completed)).status).toBe(200);
  return { order, start };
}

const pageUrls = (orderId: number) => ({
  successUrl: `http://localhost/orders/${orderId}?card=returned`,
  cancelUrl: `http://localhost/orders/${orderId}?card=cancelled`,
});

/** The buyer opens the card payment page; returns its Checkout Session id. */
async function openPaymentPage(orderId: number, now?: Date) {
  const url = await provider.cardPaymentPage(orderId, buyer, pageUrls(orderId), now);
  return url.split("/").at(-1)!;
}

describe("fake Stripe", () => {
  test("checks parameters and keys, and replays the saved answer for a repeated key", async () => {
    const stripe = fake.client();
    const params = { amount: 1_000, currency: "usd" };
    const a = await stripe.paymentIntents.create(params, { idempotencyKey: "k1" });
    const b = await stripe.paymentIntents.create(params, { idempotencyKey: "k1" });
    expect(b.id).toBe(a.id);
    expect(fake.requests.at(-1)!.replayed).toBe(true);
    await expect(
      stripe.paymentIntents.create({ ...params, amount: 2_000 }, { idempotencyKey: "k1" }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(
      stripe.paymentIntents.create({ amount: -5, currency: "usd" }, { idempotencyKey: "k2" }),
    ).rejects.toThrow("must be a positive integer");
    // Without our own key (the SDK then makes up one), the fake refuses: every call must carry one.
    await expect(stripe.paymentIntents.create(params)).rejects.toThrow("Idempotency-Key");
    fake.failNext("POST", /^\/v1\/payment_intents$/, { kind: "server_error" });
    await expect(
      stripe.paymentIntents.create(params, { idempotencyKey: "k3" }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    // A 500 saved nothing: the same key now goes through.
    expect((await stripe.paymentIntents.create(params, { idempotencyKey: "k3" })).amount).toBe(
      1_000,
    );
  });
});

describe("Stripe provider", () => {
  test("onboarding: an Express account with the recipient agreement, ready only after account.updated", async () => {
    const cooperativeId = cooperativeIds[0]!;
    const urls = {
      returnUrl: "https://phsar.example/return",
      refreshUrl: "https://phsar.example/refresh",
    };
    await expect(provider.onboardCooperative(cooperativeId, urls, buyer)).rejects.toThrow(
      "payments.forbidden",
    );
    const first = await provider.onboardCooperative(cooperativeId, urls, lead);
    expect(first.url).toMatch(/^https:\/\/connect\.stripe\.com\//);
    expect(first.transfersActive).toBe(false);
    const created = fake.requests.find((r) => r.method === "POST" && r.path === "/v1/accounts")!;
    expect(created.idempotencyKey).toBe(`coop:${cooperativeId}:connect-account`);
    expect(created.params).toMatchObject({
      type: "express",
      country: "KH",
      capabilities: { transfers: { requested: "true" } },
      tos_acceptance: { service_agreement: "recipient" },
    });
    // Coming back does not make it ready, nor create a second account.
    await provider.onboardCooperative(cooperativeId, urls, lead);
    expect(fake.requests.filter((r) => r.path === "/v1/accounts")).toHaveLength(1);
    const account = await prisma.connectedAccount.findUniqueOrThrow({
      where: { cooperativeId },
      select: { stripeAccountId: true, transfersActive: true },
    });
    expect(account.transfersActive).toBe(false);

    const activated = fake.activateAccount(account.stripeAccountId);
    const stale = fake.event(
      "account.updated",
      { ...activated.data.object, capabilities: { transfers: "inactive" } },
      { account: account.stripeAccountId, created: activated.created - 60 },
    );
    expect(await post(activated, "connect")).toEqual({ status: 200, body: "ok" });
    expect(await post(activated, "connect")).toEqual({ status: 200, body: "already handled" });
    // An older event arriving late changes nothing.
    await post(stale, "connect");
    expect(
      (
        await prisma.connectedAccount.findUniqueOrThrow({
          where: { cooperativeId },
          select: { transfersActive: true },
        })
      ).transfersActive,
    ).toBe(true);
  });

  test("checkout: one card payment per order, paid on a Stripe-hosted page; bad signatures refused; failures and successes applied once, in any order", async () => {
    const order = await orderFromTwoCooperatives("USD");
    const start = await provider.startPayment(order.id, "CARD", buyer);
    if (start.provider !== "stripe") throw new Error("expected Stripe");
    const again = await provider.startPayment(order.id, "CARD", buyer);
    expect(again).toEqual(start);
    // Two taps on "pay": one page, asked of Stripe once and then read back.
    const sessionId = await openPaymentPage(order.id);
    expect(await openPaymentPage(order.id)).toBe(sessionId);
    const creations = fake.requests.filter(
      (r) => r.path === "/v1/checkout/sessions" && r.method === "POST",
    );
    expect(creations).toHaveLength(1);
    expect(creations[0]!.idempotencyKey).toBe(
      `order:${order.id}:payment:${start.paymentId}:page-after:none`,
    );
    const sent = creations[0]!.params as Record<string, unknown>;
    expect(sent).toMatchObject({
      mode: "payment",
      allowed_payment_method_types: { 0: "card" },
      client_reference_id: String(order.id),
      payment_intent_data: {
        transfer_group: `order:${order.id}`,
        metadata: { orderId: String(order.id), paymentId: String(start.paymentId) },
      },
    });
    // One line per cooperative, adding up to the order exactly.
    expect(fake.checkoutSessions.get(sessionId)!.amount_total).toBe(order.totalMinor);
    expect(Object.keys(sent.line_items as object)).toHaveLength(2);

    await expect(provider.startPayment(order.id, "CARD", lead)).rejects.toThrow(
      "payments.forbidden",
    );
    await expect(provider.cardPaymentPage(order.id, lead, pageUrls(order.id))).rejects.toThrow(
      "payments.forbidden",
    );
    const khrOrder = await orderFromTwoCooperatives("KHR");
    await expect(provider.startPayment(khrOrder.id, "CARD", buyer)).rejects.toThrow(
      "payments.stripeUsdOnly",
    );

    const paymentStatus = async () =>
      (
        await prisma.payment.findUniqueOrThrow({
          where: { id: start.paymentId },
          select: { status: true },
        })
      ).status;
    // The card was declined first (the page stays open), then a second card worked.
    const declined = fake.declineCheckout(sessionId);
    const { completed, succeeded } = fake.payCheckout(sessionId);

    // A bad signature: 400 and nothing changes.
    expect((await post(succeeded, "platform", "t=1,v1=deadbeef")).status).toBe(400);
    const platformSigned = Stripe.webhooks.generateTestHeaderString({
      payload: JSON.stringify(succeeded),
      secret: secrets.platform,
    });
    expect((await post(succeeded, "connect", platformSigned)).status).toBe(400); // the other endpoint's secret
    expect(await paymentStatus()).toBe("PENDING");
    expect(await prisma.stripeEvent.count({ where: { id: succeeded.id } })).toBe(0);

    await post(declined);
    expect(await paymentStatus()).toBe("FAILED");
    // Money first, the page's completion after: the PaymentIntent is found by our ids in its metadata.
    expect(await post(succeeded)).toEqual({ status: 200, body: "ok" });
    expect(await post(completed)).toEqual({ status: 200, body: "ok" });
    expect(await paymentStatus()).toBe("SUCCEEDED");
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: start.paymentId } });
    expect(payment.stripePaymentIntentId).toBe(succeeded.data.object.id);
    expect(payment.stripeCheckoutSessionId).toBe(sessionId);
    expect(await Promise.all(order.subOrders.map((s) => statusOf(s.id)))).toEqual([
      "CONFIRMED",
      "CONFIRMED",
    ]);
    const ledgerRows = () => prisma.ledgerTransaction.count({ where: { orderId: order.id } });
    expect(await ledgerRows()).toBe(3); // two sales and the payment
    expect(await buyerOwes(order.buyerId, "USD")).toBe(0);

    // The same event again, a copy under a new id, and a late failure: nothing changes twice.
    expect(await post(succeeded)).toEqual({ status: 200, body: "already handled" });
    await post(fake.event("payment_intent.succeeded", succeeded.data.object));
    await post(fake.event("payment_intent.payment_failed", succeeded.data.object));
    expect(await paymentStatus()).toBe("SUCCEEDED");
    expect(await ledgerRows()).toBe(3);
    await expectBalanced();
    await expect(provider.startPayment(order.id, "CARD", buyer)).rejects.toThrow(
      "payments.alreadyPaid",
    );
    await expect(openPaymentPage(order.id)).rejects.toThrow("payments.alreadyPaid");
  });

  test("payment page: an expired page is replaced by a new one; none is made when the order's payment time is nearly over", async () => {
    const order = await orderFromTwoCooperatives("USD");
    await provider.startPayment(order.id, "CARD", buyer);
    const first = await openPaymentPage(order.id);
    fake.expireCheckout(first);
    const second = await openPaymentPage(order.id);
    expect(second).not.toBe(first);
    expect(
      fake.requests.filter((r) => r.path === "/v1/checkout/sessions" && r.method === "POST").at(-1)!
        .idempotencyKey,
    ).toMatch(new RegExp(`:page-after:${first}$`));
    // The page never outlives the order's payment time...
    const { paymentDueAt } = await prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    const expiresAt = Number(fake.checkoutSessions.get(second)!.expires_at) * 1000;
    expect(expiresAt).toBeLessThanOrEqual(paymentDueAt!.getTime());
    // ...and Stripe keeps a page open at least 30 minutes, so near the end card payment is refused.
    const late = new Date(paymentDueAt!.getTime() - 20 * 60_000);
    fake.expireCheckout(second);
    await expect(openPaymentPage(order.id, late)).rejects.toThrow("payments.tooLateForCard");
    // A late success of a page for another order's payment is not taken for this one.
    const stranger = fake.event("payment_intent.succeeded", {
      id: "pi_stranger",
      object: "payment_intent",
      amount: 100,
      amount_received: 100,
      currency: "usd",
      metadata: { orderId: String(order.id), paymentId: "999999" },
      latest_charge: null,
    });
    expect((await post(stranger)).status).toBe(503);
    expect(
      (await prisma.payment.findFirstOrThrow({ where: { orderId: order.id, provider: "STRIPE" } }))
        .status,
    ).toBe("PENDING");
  });

  test("release: not before delivery nor before the account is ready; a timeout retried pays once", async () => {
    const { order } = await paidOrder();
    const [a, b] = order.subOrders as [
      (typeof order.subOrders)[number],
      (typeof order.subOrders)[number],
    ];
    await expect(provider.releaseSubOrder(a.id, null)).rejects.toThrow("payments.notDelivered");
    await deliver(a.id);
    await deliver(b.id);
    await prisma.connectedAccount.updateMany({ data: { transfersActive: false } });
    await expect(provider.releaseSubOrder(a.id, null)).rejects.toThrow(
      "payments.cooperativeNotReady",
    );
    await onboardAndActivate();
    await expect(provider.releaseSubOrder(a.id, lead)).rejects.toThrow("payments.forbidden");

    // Stripe makes the transfer but answers after our client gave up.
    fake.failNext("POST", /^\/v1\/transfers$/, { kind: "timeout", delayMs: 1_000 });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(provider.releaseSubOrder(a.id, null)).rejects.toThrow("payments.transferFailed");
    const pending = await prisma.transfer.findFirstOrThrow({
      where: { subOrderId: a.id },
      select: { status: true, amountMinor: true },
    });
    expect(pending.status).toBe("PENDING");
    await new Promise((resolve) => setTimeout(resolve, 700)); // let the late answer go by

    const release = await provider.releaseSubOrder(a.id, null);
    expect(release.status).toBe("PAID");
    const transferRequests = fake.requests.filter(
      (r) => r.path === "/v1/transfers" && r.idempotencyKey === `sub-order:${a.id}:payout`,
    );
    expect(transferRequests.map((r) => r.replayed)).toEqual([false, true]);
    const charge = [...fake.charges.values()].find(
      (c) => c.transfer_group === `order:${order.id}`,
    )!;
    expect(transferRequests[0]!.params).toMatchObject({
      amount: String(pending.amountMinor),
      currency: "usd",
      source_transaction: charge.id,
      transfer_group: `order:${order.id}`,
    });
    expect(
      [...fake.transfers.values()].filter((t) => t.source_transaction === charge.id),
    ).toHaveLength(1);
    // 5% union fee, rounded across the order.
    expect(Math.abs(pending.amountMinor - a.totalMinor * 0.95)).toBeLessThanOrEqual(1);
    expect(await statusOf(a.id)).toBe("SETTLED");
    expect((await provider.releaseSubOrder(a.id, null)).transferId).toBe(release.transferId);
    expect(await cooperativeBalance(a.cooperativeId, "USD")).toMatchObject({
      paidMinor: expect.any(Number),
      debtMinor: 0,
    });

    // A 500 on B's transfer: nothing saved at Stripe, the retry makes it.
    fake.failNext("POST", /^\/v1\/transfers$/, { kind: "server_error" });
    await expect(provider.releaseSubOrder(b.id, admin)).rejects.toThrow("payments.transferFailed");
    expect((await provider.releaseSubOrder(b.id, admin)).status).toBe("PAID");
    await expectBalanced();
  });

  test("a transfer Stripe refuses (balance_insufficient) is tried again under a new key, and pays once", async () => {
    const { order } = await paidOrder();
    const a = order.subOrders[0]!;
    await deliver(a.id);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fake.failNext("POST", /^\/v1\/transfers$/, { kind: "balance_insufficient" });
    await expect(provider.releaseSubOrder(a.id, null)).rejects.toThrow("payments.transferRefused");
    // Stripe saved the refusal under the first key: repeating it would only replay the refusal.
    const key = `sub-order:${a.id}:payout`;
    const first = fake.requests.filter((r) => r.idempotencyKey === key);
    expect(first).toHaveLength(1);
    const release = await provider.releaseSubOrder(a.id, null);
    expect(release.status).toBe("PAID");
    const attempts = await prisma.transfer.findMany({
      where: { subOrderId: a.id },
      orderBy: { id: "asc" },
      select: { status: true, idempotencyKey: true, amountMinor: true },
    });
    expect(attempts.map((t) => [t.status, t.idempotencyKey])).toEqual([
      ["FAILED", key],
      ["PAID", `${key}:attempt-2`],
    ]);
    expect(attempts[1]!.amountMinor).toBe(attempts[0]!.amountMinor);
    expect(
      await prisma.ledgerTransaction.count({ where: { subOrderId: a.id, kind: "TRANSFER" } }),
    ).toBe(1);
    await expectBalanced();
  });

  test("refunds: before release the cooperative is paid less; after release its part is reversed, or becomes debt taken from its next transfer", async () => {
    const { order } = await paidOrder();
    const [a, b] = order.subOrders as [
      (typeof order.subOrders)[number],
      (typeof order.subOrders)[number],
    ];
    await deliver(a.id);
    await deliver(b.id);

    // B: refund 100 cents before release.
    const early = await provider.refundSubOrder(b.id, 100, admin, "one crate short");
    expect(early).toMatchObject({ amountMinor: 100, netMinor: 95, feeMinor: 5, debtMinor: 0 });
    const releaseB = await provider.releaseSubOrder(b.id, null);
    const shareB = b.totalMinor - Math.round(b.totalMinor * 0.05);
    expect(Math.abs(releaseB.amountMinor - (shareB - 95))).toBeLessThanOrEqual(1);

    // A: released, then refunded 200 cents; its balance covers the reversal.
    await provider.releaseSubOrder(a.id, null);
    const reversed = await provider.refundSubOrder(a.id, 200, admin);
    expect(reversed.debtMinor).toBe(0);
    const transferA = await prisma.transfer.findFirstOrThrow({
      where: { subOrderId: a.id },
      select: { reversedMinor: true, stripeTransferId: true },
    });
    expect(transferA.reversedMinor).toBe(reversed.netMinor);
    // Stripe's transfer.reversed webhook for the same reversal records nothing more.
    const before = await prisma.ledgerTransaction.count();
    await post(
      fake.event("transfer.reversed", { ...fake.transfers.get(transferA.stripeTransferId!)! }),
    );
    expect(await prisma.ledgerTransaction.count()).toBe(before);
    await expectBalanced();

    // A again: it paid its balance out to its bank, so the reversal is refused: debt.
    const accountA = await prisma.connectedAccount.findUniqueOrThrow({
      where: { cooperativeId: a.cooperativeId },
      select: { stripeAccountId: true },
    });
    fake.drainBalance(accountA.stripeAccountId);
    const debt = await provider.refundSubOrder(a.id, 300, admin);
    expect(debt.debtMinor).toBe(debt.netMinor);
    expect((await cooperativeBalance(a.cooperativeId, "USD")).debtMinor).toBe(debt.netMinor);
    expect(await provider.reverseForRefund(debt.refundId)).toEqual({
      reversedMinor: 0,
      debtMinor: debt.netMinor,
    });
    await expectBalanced();

    // A's next sub-order: the debt comes off its transfer.
    const next = await paidOrder();
    const nextA = next.order.subOrders.find((s) => s.cooperativeId === a.cooperativeId)!;
    await deliver(nextA.id);
    const nextRelease = await provider.releaseSubOrder(nextA.id, null);
    expect(nextRelease.recoveredDebtMinor).toBe(debt.netMinor);
    expect((await cooperativeBalance(a.cooperativeId, "USD")).debtMinor).toBe(0);
    await expect(provider.refundSubOrder(a.id, 1_000_000, admin)).rejects.toThrow(
      "payments.refundTooLarge",
    );
    await expectBalanced();
  });

  test("a success for one of our orders that we have not recorded yet is deferred, not lost", async () => {
    const order = await orderFromTwoCooperatives("USD");
    const intent = await fake
      .client()
      .paymentIntents.create(
        { amount: order.totalMinor, currency: "usd", metadata: { orderId: String(order.id) } },
        { idempotencyKey: `early:${order.id}` },
      );
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const event = fake.succeedPayment(intent.id);
    expect(await post(event)).toEqual({ status: 503, body: "Try again later" });
    expect(await prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    expect(warn).toHaveBeenCalled();
  });

  test("disputes, failed payouts and unknown events", async () => {
    const { order } = await paidOrder();
    const charge = [...fake.charges.values()].find(
      (c) => c.transfer_group === `order:${order.id}`,
    )!;
    const dispute = fake.event("charge.dispute.created", {
      id: "dp_test1",
      object: "dispute",
      amount: 500,
      charge: charge.id,
      currency: "usd",
      reason: "product_not_received",
    });
    await post(dispute);
    await post(fake.event("charge.dispute.created", dispute.data.object)); // a copy: once only
    expect(await prisma.ledgerTransaction.count({ where: { idempotencyKey: "dp_test1" } })).toBe(0);
    expect(
      await prisma.ledgerTransaction.count({ where: { idempotencyKey: "dispute:dp_test1" } }),
    ).toBe(1);

    const { stripeAccountId } = await prisma.connectedAccount.findFirstOrThrow({
      select: { stripeAccountId: true },
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await post(
      fake.event(
        "payout.failed",
        { id: "po_test1", object: "payout", amount: 1_234, failure_code: "account_closed" },
        { account: stripeAccountId },
      ),
      "connect",
    );
    expect(
      await prisma.auditEvent.count({
        where: { action: "payment.payout_failed", targetId: "po_test1" },
      }),
    ).toBe(1);
    expect(warn).toHaveBeenCalled();

    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    expect(await post(fake.event("customer.created", { id: "cus_1", object: "customer" }))).toEqual(
      {
        status: 200,
        body: "ok",
      },
    );
    expect(info.mock.calls.some((c) => String(c[0]).includes("customer.created"))).toBe(true);
    await expectBalanced();
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
