import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./cart";

let cookie: string;
let userId: number;
let windowId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  userId = buyer.id;
  cookie = (await createSession(buyer.id)).split(";")[0]!;
  windowId = (
    await buildWindow({
      cooperativeId: (await cooperativeIds())[0]!,
      priceMinor: 2_500,
      pledges: [30],
    })
  ).id;
});

async function post(fields: Record<string, string | string[]>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of [value].flat()) body.append(key, v);
  try {
    return await action({
      request: new Request("http://localhost/cart", {
        method: "POST",
        headers: { Cookie: cookie },
        body,
      }),
      params: {},
      context: { clientIp: "192.0.2.60" },
    });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const checkout = (overrides: Record<string, string | string[]> = {}) => ({
  intent: "checkout",
  idempotencyKey: crypto.randomUUID(),
  paymentMethod: "CASH_ON_DELIVERY",
  weightTolerancePct: "0",
  repeatWeeks: "1",
  prices: `${windowId}:2500`,
  ...overrides,
});

async function state() {
  const [orders, window, cart] = await Promise.all([
    prisma.order.count(),
    prisma.deliveryWindow.findUniqueOrThrow({
      where: { id: windowId },
      select: { reserved: true },
    }),
    prisma.cartItem.count({ where: { userId } }),
  ]);
  return { orders, reserved: window.reserved, cart };
}

describe("checkout answers bad input with a 400 and changes nothing", () => {
  test("bad fields, a tampered price and an unknown intent", async () => {
    expect(
      (await post({ intent: "update", windowId: String(windowId), quantity: "4" })).status,
    ).toBe(302);
    const before = await state();
    expect(before.cart).toBe(1);
    const cases: Record<string, string | string[]>[] = [
      checkout({ paymentMethod: "GOLD_BARS" }),
      checkout({ weightTolerancePct: "7" }),
      checkout({ repeatWeeks: "0" }),
      checkout({ repeatWeeks: "abc" }),
      checkout({ idempotencyKey: "not-a-uuid" }),
      checkout({ prices: `${windowId}:1` }), // tampered price
      checkout({ prices: "nonsense" }),
      checkout({ paymentMethod: "CARD" }), // no Stripe on this Phsar: refused before placing
      { intent: "explode" },
      { intent: "update", windowId: String(windowId), quantity: "-3" },
      { intent: "update", windowId: "99999999", quantity: "3" },
      { intent: "update", windowId: String(windowId), quantity: "1000000" },
    ];
    for (const fields of cases) {
      const response = await post(fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
    }
    expect(await state()).toEqual(before);
    const tampered = (await (await post(checkout({ prices: `${windowId}:1` }))).json()) as {
      checkout: { error: Record<string, string[]> };
    };
    expect(tampered.checkout.error[""]).toEqual(["orders.priceChanged"]);
  });

  test("a good checkout places the order, empties the cart and sends the buyer to it", async () => {
    const response = await post(checkout());
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/orders\/\d+\?placed=1$/);
    const after = await state();
    expect(after.cart).toBe(0);
    expect(after.reserved).toBe(4);
  });
});
