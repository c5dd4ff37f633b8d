// Paying by KHQR through ABA PayWay, through the routes a buyer uses: the cart offers KHQR, the
// checkout places the order and sends the buyer to its page, which shows PayWay's checkout for the
// whole order. PayWay here is tests/fake-payway.ts, configured as if PAYWAY_* were set at boot.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { type FakePayWay } from "../../tests/fake-payway";
import { configureFakePayWay } from "../../tests/payway-fixtures";
import { action as cartAction, loader as cartLoader } from "./cart";
import { loader as orderLoader } from "./orders.$orderId";
import { responseOf, sessionRequest } from "../../tests/routes";

let fake: FakePayWay;
let cookie: string;
let userId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  fake = await configureFakePayWay();
  const buyer = await userByEmail("buyer@phsar.test");
  userId = buyer.id;
  cookie = (await createSession(buyer.id)).split(";")[0]!;
});

afterAll(async () => {
  await fake?.close();
});

const request = (path: string, fields?: Record<string, string>) =>
  sessionRequest(path, cookie, fields);

async function cartWith(currency: "USD" | "KHR", priceMinor: number) {
  const window = await buildWindow({
    cooperativeId: (await cooperativeIds())[0]!,
    priceMinor,
    pledges: [40],
  });
  await prisma.listing.update({ where: { id: window.listingId }, data: { currency } });
  const added = await responseOf(() =>
    cartAction({
      request: request("/cart", { intent: "update", windowId: String(window.id), quantity: "3" }),
      params: {},
      context: {},
    }),
  );
  expect(added.status).toBe(302);
  return window.id;
}

const checkout = (windowId: number, priceMinor: number) =>
  responseOf(() =>
    cartAction({
      request: request("/cart", {
        intent: "checkout",
        idempotencyKey: crypto.randomUUID(),
        paymentMethod: "KHQR",
        weightTolerancePct: "0",
        repeatWeeks: "1",
        prices: `${windowId}:${priceMinor}`,
      }),
      params: {},
      context: {},
    }),
  );

const orderPage = (orderId: number) =>
  orderLoader({
    request: request(`/orders/${orderId}`),
    params: { orderId: String(orderId) },
    context: {},
  });

describe("paying an order by KHQR through PayWay", () => {
  test.each([
    ["KHR", 4_000],
    ["USD", 1_250],
  ] as const)(
    "%s: checkout places the order; its page shows PayWay's checkout for the whole amount",
    async (currency, priceMinor) => {
      const windowId = await cartWith(currency, priceMinor);
      // KHQR through PayWay needs no Bakong account per cooperative.
      const cart = await cartLoader({ request: request("/cart"), params: {}, context: {} });
      expect(cart.cart.khqrAvailable).toBe(true);

      const placed = await checkout(windowId, priceMinor);
      expect(placed.status).toBe(302);
      const order = await prisma.order.findFirstOrThrow({
        where: { placedById: userId },
        orderBy: { id: "desc" },
        select: { id: true, totalMinor: true, payments: { select: { paywayTranId: true } } },
      });
      expect(placed.headers.get("Location")).toBe(`/orders/${order.id}?placed=1`);
      expect(order.totalMinor).toBe(3 * priceMinor);
      const tranId = order.payments[0]!.paywayTranId!;

      const page = await orderPage(order.id);
      expect(page.payments).toEqual([]);
      expect(page.payway).toMatchObject({
        status: "PENDING",
        currency,
        amountMinor: 3 * priceMinor,
        unavailable: false,
      });
      expect(page.payway!.checkoutHtml).toContain(`Pay ${tranId}`);
      expect(fake.transactions.get(tranId)).toMatchObject({
        currency,
        amountMinor: 3 * priceMinor,
        status: "PENDING",
      });
    },
  );

  test("PayWay down at checkout: the order is placed and waits; the page offers a retry that works once PayWay is back", async () => {
    const windowId = await cartWith("KHR", 2_000);
    fake.setDown(true);
    try {
      const placed = await checkout(windowId, 2_000);
      expect(placed.status).toBe(302);
      const order = await prisma.order.findFirstOrThrow({
        where: { placedById: userId },
        orderBy: { id: "desc" },
        select: { id: true, subOrders: { select: { status: true } } },
      });
      expect(order.subOrders.map((s) => s.status)).toEqual(["PLACED"]);
      const down = await orderPage(order.id);
      expect(down.payway).toMatchObject({
        status: "PENDING",
        unavailable: true,
        checkoutHtml: null,
      });
      fake.setDown(false);
      const back = await orderPage(order.id);
      expect(back.payway).toMatchObject({ status: "PENDING", unavailable: false });
      expect(back.payway!.checkoutHtml).toContain("Pay PH-");
    } finally {
      fake.setDown(false);
    }
  });
});
