// Paying by card, through the routes a buyer uses: the cart's checkout sends the buyer to Stripe's
// hosted page, the order's page offers it again, and the signed webhooks record the money. Stripe
// here is tests/fake-stripe.ts, reached by the real SDK through STRIPE_API_BASE.
import { publicUrl } from "~/http/public-url.server";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const stripe = await vi.hoisted(async () => {
  const { startFakeStripe } = await import("../../tests/fake-stripe");
  const fake = await startFakeStripe();
  const webhookSecret = "whsec_card_journey";
  process.env.STRIPE_SECRET_KEY = fake.secretKey;
  process.env.STRIPE_API_BASE = `http://${fake.host}:${fake.port}`;
  process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
  return { fake, webhookSecret };
});

import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { expireUnpaidOrders } from "~/orders/orders.server";
import { buyerOwes, ledgerIntegrity } from "~/payments/ledger.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { signedWebhookRequest } from "../../tests/fake-stripe";
import { action as cartAction, loader as cartLoader } from "./cart";
import { action as orderAction, loader as orderLoader } from "./orders.$orderId";
import { action as webhookAction } from "./webhooks.stripe";
import { responseOf, sessionRequest } from "../../tests/routes";

const { fake, webhookSecret } = stripe;
let cookie: string;
let userId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  userId = buyer.id;
  cookie = (await createSession(buyer.id)).split(";")[0]!;
});

afterAll(async () => {
  await fake.close();
});

const request = (path: string, fields?: Record<string, string>) =>
  sessionRequest(path, cookie, fields);

async function windowIn(currency: "USD" | "KHR", priceMinor: number) {
  const window = await buildWindow({
    cooperativeId: (await cooperativeIds())[0]!,
    priceMinor,
    pledges: [40],
  });
  await prisma.listing.update({ where: { id: window.listingId }, data: { currency } });
  return window.id;
}

async function fillCart(windowId: number) {
  const added = await responseOf(() =>
    cartAction({
      request: request("/cart", { intent: "update", windowId: String(windowId), quantity: "3" }),
      params: {},
      context: {},
    }),
  );
  expect(added.status).toBe(302);
}

const checkout = (windowId: number, priceMinor: number) =>
  responseOf(() =>
    cartAction({
      request: request("/cart", {
        intent: "checkout",
        idempotencyKey: crypto.randomUUID(),
        paymentMethod: "CARD",
        weightTolerancePct: "0",
        repeatWeeks: "1",
        prices: `${windowId}:${priceMinor}`,
      }),
      params: {},
      context: {},
    }),
  );

const orderPage = async (orderId: number) =>
  orderLoader({
    request: request(`/orders/${orderId}`),
    params: { orderId: String(orderId) },
    context: {},
  });

const payByCard = (orderId: number) =>
  responseOf(() =>
    orderAction({
      request: request(`/orders/${orderId}`, { intent: "pay-card" }),
      params: { orderId: String(orderId) },
      context: {},
    }),
  );

const postEvent = (event: object) =>
  responseOf(() =>
    webhookAction({
      request: signedWebhookRequest(event, webhookSecret),
      params: {},
      context: {},
    }),
  );

describe("paying an order by card", () => {
  test("checkout goes to Stripe's page; the order page offers it again until the webhook records the money", async () => {
    const windowId = await windowIn("USD", 1_250);
    await fillCart(windowId);
    const cart = await cartLoader({ request: request("/cart"), params: {}, context: {} });
    expect(cart.cardAvailable).toBe(true);

    const placed = await checkout(windowId, 1_250);
    expect(placed.status).toBe(302);
    const page = placed.headers.get("Location")!;
    expect(page).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${fake.port}/c/pay/cs_test_\\w+$`));
    const sessionId = page.split("/").at(-1)!;
    const order = await prisma.order.findFirstOrThrow({
      where: { placedById: userId },
      orderBy: { id: "desc" },
      select: { id: true, totalMinor: true, subOrders: { select: { status: true } } },
    });
    expect(order.totalMinor).toBe(3_750);
    expect(order.subOrders.map((s) => s.status)).toEqual(["PLACED"]);
    expect(fake.checkoutSessions.get(sessionId)).toMatchObject({
      amount_total: 3_750,
      currency: "usd",
      // Built from PUBLIC_URL, never from the request's Host.
      success_url: publicUrl(`/orders/${order.id}?card=returned`),
    });

    const before = await orderPage(order.id);
    expect(before.card).toMatchObject({ status: "PENDING", amountMinor: 3_750, payable: true });
    // Back from the page without paying: the same page again.
    const again = await payByCard(order.id);
    expect(again.headers.get("Location")).toBe(page);

    const { completed, succeeded } = fake.payCheckout(sessionId);
    expect((await postEvent(completed)).status).toBe(200);
    expect((await postEvent(succeeded)).status).toBe(200);
    const after = await orderPage(order.id);
    expect(after.card).toMatchObject({ status: "SUCCEEDED", payable: false });
    expect(after.order.subOrders.map((s) => s.status)).toEqual(["CONFIRMED"]);
    expect((await ledgerIntegrity()).unbalancedTransactions).toEqual([]);

    const paidAgain = await payByCard(order.id);
    expect(paidAgain.status).toBe(400);
    expect(await paidAgain.json()).toEqual({ cardError: "payments.alreadyPaid" });
  });

  test("a riel cart cannot be paid by card: refused before anything is placed", async () => {
    await prisma.cartItem.deleteMany({ where: { userId } });
    const windowId = await windowIn("KHR", 4_000);
    await fillCart(windowId);
    const cart = await cartLoader({ request: request("/cart"), params: {}, context: {} });
    expect(cart.cardAvailable).toBe(false);
    const orders = await prisma.order.count();
    const refused = await checkout(windowId, 4_000);
    expect(refused.status).toBe(400);
    expect(await prisma.order.count()).toBe(orders);
    expect(await prisma.cartItem.count({ where: { userId } })).toBe(1);
  });

  test("when Stripe does not answer, the order stays placed and the buyer is sent to it", async () => {
    await prisma.cartItem.deleteMany({ where: { userId } });
    const windowId = await windowIn("USD", 900);
    await fillCart(windowId);
    fake.failNext("POST", /^\/v1\/checkout\/sessions$/, { kind: "server_error" });
    fake.failNext("POST", /^\/v1\/checkout\/sessions$/, { kind: "server_error" });
    fake.failNext("POST", /^\/v1\/checkout\/sessions$/, { kind: "server_error" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const placed = await checkout(windowId, 900);
    warn.mockRestore();
    const location = placed.headers.get("Location")!;
    expect(location).toMatch(/^\/orders\/\d+\?placed=1&card=unavailable$/);
    const orderId = Number(location.split("/")[2]!.split("?")[0]);
    expect((await orderPage(orderId)).card).toMatchObject({ status: "PENDING", payable: true });
    // Stripe is back: the order's page makes the payment page.
    expect((await payByCard(orderId)).headers.get("Location")).toMatch(/\/c\/pay\/cs_test_/);
  });

  test("a card payment that arrives after the order's payment time ran out is refunded in full, once", async () => {
    await prisma.cartItem.deleteMany({ where: { userId } });
    const windowId = await windowIn("USD", 700);
    await fillCart(windowId);
    const page = (await checkout(windowId, 700)).headers.get("Location")!;
    const sessionId = page.split("/").at(-1)!;
    const order = await prisma.order.findFirstOrThrow({
      where: { placedById: userId },
      orderBy: { id: "desc" },
      select: { id: true, buyerId: true, totalMinor: true, paymentDueAt: true },
    });
    // The buyer paid at the last moment, but the order expired before Stripe's event arrived.
    await expireUnpaidOrders(new Date(order.paymentDueAt!.getTime() + 1_000));
    const { completed, succeeded } = fake.payCheckout(sessionId);
    expect((await postEvent(succeeded)).status).toBe(200);
    expect((await postEvent(completed)).status).toBe(200);
    expect((await postEvent(succeeded)).status).toBe(200); // a replay refunds nothing more

    const chargeId = String(
      fake.paymentIntents.get(String(succeeded.data.object.id))!.latest_charge,
    );
    const refunds = [...fake.refunds.values()].filter((r) => r.charge === chargeId);
    expect(refunds.map((r) => r.amount)).toEqual([order.totalMinor]);
    expect(
      await prisma.payment.findFirstOrThrow({
        where: { orderId: order.id, provider: "STRIPE" },
        select: { status: true, refundedMinor: true },
      }),
    ).toEqual({ status: "REFUNDED", refundedMinor: order.totalMinor });
    expect(
      (await prisma.subOrder.findMany({ where: { orderId: order.id } })).map((s) => s.status),
    ).toEqual(["CANCELLED"]);
    expect(await buyerOwes(order.buyerId, "USD")).toBe(0);
    expect((await ledgerIntegrity()).unbalancedTransactions).toEqual([]);
  });
});
