// The webhook routes end to end: a payment succeeds at the fake Stripe, the signed event is posted
// to /webhooks/stripe, and the order's sub-orders are confirmed once.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const secrets = vi.hoisted(() => {
  const value = { platform: "whsec_route_platform", connect: "whsec_route_connect" };
  process.env.STRIPE_WEBHOOK_SECRET = value.platform;
  process.env.STRIPE_CONNECT_WEBHOOK_SECRET = value.connect;
  return value;
});

import { prisma } from "~/db/db.server";
import { ledgerIntegrity } from "~/payments/ledger.server";
import { createStripeProvider } from "~/payments/stripe.server";
import { seedDemoData } from "../../prisma/seed";
import { signedWebhookRequest, startFakeStripe, type FakeStripe } from "../../tests/fake-stripe";
import { orderFromTwoCooperatives } from "../../tests/payments-fixtures";
import { action as connectAction } from "./webhooks.stripe-connect";
import { action as platformAction } from "./webhooks.stripe";

let fake: FakeStripe;

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await startFakeStripe();
});

afterAll(async () => {
  await fake?.close();
});

const call = (handler: typeof platformAction, request: Request) =>
  handler({ request, params: {}, context: { clientIp: "192.0.2.1" } });

describe("Stripe webhook routes", () => {
  test("a succeeded payment posted to /webhooks/stripe confirms the order once; a bad signature changes nothing", async () => {
    const provider = createStripeProvider(fake.client());
    const buyer = await prisma.user.findUniqueOrThrow({
      where: { email: "buyer@phsar.test" },
      select: {
        id: true,
        isAdmin: true,
        memberships: { select: { organizationId: true, role: true } },
      },
    });
    const order = await orderFromTwoCooperatives("USD");
    const start = await provider.startPayment(order.id, "CARD", buyer);
    if (start.provider !== "stripe") throw new Error("expected Stripe");
    const page = await provider.cardPaymentPage(order.id, buyer, {
      successUrl: "http://localhost/done",
      cancelUrl: "http://localhost/cancelled",
    });
    const event = fake.payCheckout(page.split("/").at(-1)!).succeeded;
    const statuses = async () =>
      (
        await prisma.subOrder.findMany({
          where: { orderId: order.id },
          select: { status: true },
          orderBy: { id: "asc" },
        })
      ).map((s) => s.status);

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const tampered = new Request("http://localhost/webhooks/stripe", {
      method: "POST",
      headers: {
        "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({
          payload: JSON.stringify(event),
          secret: secrets.platform,
        }),
      },
      body: JSON.stringify({
        ...event,
        data: { object: { ...event.data.object, amount_received: 1 } },
      }),
    });
    expect((await call(platformAction, tampered)).status).toBe(400);
    const unsigned = new Request("http://localhost/webhooks/stripe", {
      method: "POST",
      body: JSON.stringify(event),
    });
    expect((await call(platformAction, unsigned)).status).toBe(400);
    expect(warn).toHaveBeenCalled();
    expect(await statuses()).toEqual(["PLACED", "PLACED"]);

    const response = await call(platformAction, signedWebhookRequest(event, secrets.platform));
    expect(response.status).toBe(200);
    expect(await statuses()).toEqual(["CONFIRMED", "CONFIRMED"]);
    const again = await call(platformAction, signedWebhookRequest(event, secrets.platform));
    expect(await again.text()).toBe("already handled");
    expect(await prisma.stripeEvent.count({ where: { id: event.id } })).toBe(1);
    expect((await ledgerIntegrity()).unbalancedTransactions).toEqual([]);
  });

  test("the Connect route checks its own secret", async () => {
    const event = fake.event("account.updated", { id: "acct_unknown", object: "account" });
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    expect((await call(connectAction, signedWebhookRequest(event, secrets.platform))).status).toBe(
      400,
    );
    expect((await call(connectAction, signedWebhookRequest(event, secrets.connect))).status).toBe(
      200,
    );
    expect(info).toHaveBeenCalled();
    const get = new Request("http://localhost/webhooks/stripe-connect", { method: "PUT" });
    expect((await call(connectAction, get)).status).toBe(405);
  });
});
