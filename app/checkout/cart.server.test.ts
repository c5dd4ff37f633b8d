// One cart, two devices (issue #25, case 1): the cart is consumed inside the order's transaction,
// so it makes one order, and a quantity changed on another device during checkout is not lost.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { holdLocks } from "../../tests/lock-fixtures";
import { seedDemoData } from "../../prisma/seed";
import { checkout, putInCart } from "./cart.server";

let buyerId: number;
let userId: number;
let cooperativeId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  userId = buyer.id;
  cooperativeId = (await cooperativeIds())[0]!;
});

function input(prices: Map<number, number>) {
  return {
    userId,
    payer: {
      id: userId,
      isAdmin: false,
      memberships: [{ organizationId: buyerId, role: "OWNER" as const }],
    },
    buyerId,
    idempotencyKey: randomUUID(), // each device rendered its own checkout page
    paymentMethod: "CASH_ON_DELIVERY" as const,
    weightTolerancePct: 0,
    expectedPrices: prices,
    repeatWeeks: 1,
  };
}

async function ordersFor(windowIds: number[]) {
  return prisma.orderLine.findMany({
    where: { windowId: { in: windowIds } },
    select: { windowId: true, quantity: true, subOrder: { select: { orderId: true } } },
  });
}

const reservedOf = async (windowId: number) =>
  (
    await prisma.deliveryWindow.findUniqueOrThrow({
      where: { id: windowId },
      select: { reserved: true },
    })
  ).reserved;

const holdCart = () =>
  holdLocks([
    { sql: `SELECT "id" FROM "CartItem" WHERE "userId" = $1 FOR UPDATE`, values: [userId] },
  ]);

describe("one cart checked out from two devices", () => {
  test("in real parallel: one order, the other device is told the cart changed", async () => {
    for (let round = 0; round < 5; round++) {
      const a = await buildWindow({ cooperativeId, pledges: [50] });
      const b = await buildWindow({ cooperativeId, pledges: [50] });
      await putInCart(userId, a.id, 4);
      await putInCart(userId, b.id, 3);
      const prices = new Map([
        [a.id, 2_000],
        [b.id, 2_000],
      ]);
      const results = await Promise.allSettled([checkout(input(prices)), checkout(input(prices))]);
      const refused = results.filter((r) => r.status === "rejected");
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
        key: "orders.cartChanged",
      });
      const lines = await ordersFor([a.id, b.id]);
      expect(new Set(lines.map((l) => l.subOrder.orderId)).size).toBe(1);
      expect(await reservedOf(a.id)).toBe(4);
      expect(await reservedOf(b.id)).toBe(3);
      expect(await prisma.cartItem.count({ where: { userId } })).toBe(0);
    }
  });

  test("queued behind the cart's lock: the second checkout finds it empty and places nothing", async () => {
    const a = await buildWindow({ cooperativeId, pledges: [50] });
    await putInCart(userId, a.id, 4);
    const prices = new Map([[a.id, 2_000]]);
    const lock = await holdCart();
    const calls = Promise.allSettled([checkout(input(prices)), checkout(input(prices))]);
    try {
      await lock.waitForQueue(2);
    } finally {
      await lock.release();
    }
    const results = await calls;
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await ordersFor([a.id])).toHaveLength(1);
    expect(await reservedOf(a.id)).toBe(4);
  });

  test("a quantity changed on another device during checkout is not lost: the checkout is refused", async () => {
    const a = await buildWindow({ cooperativeId, pledges: [50] });
    await putInCart(userId, a.id, 4);
    const lock = await holdCart();
    const call = checkout(input(new Map([[a.id, 2_000]]))).then(
      () => null,
      (error: unknown) => error,
    );
    try {
      await lock.waitForQueue(1);
      // The other device sets 9 while the checkout (which read 4) waits.
      await lock.query(`UPDATE "CartItem" SET "quantity" = 9 WHERE "userId" = $1`, [userId]);
    } finally {
      await lock.release();
    }
    expect(await call).toMatchObject({ key: "orders.cartChanged" });
    expect(await ordersFor([a.id])).toHaveLength(0);
    expect(await reservedOf(a.id)).toBe(0);
    const cart = await prisma.cartItem.findMany({ where: { userId }, select: { quantity: true } });
    expect(cart).toEqual([{ quantity: 9 }]);
    await prisma.cartItem.deleteMany({ where: { userId } });
  });

  test("a quantity changed on another device while the checkout holds the cart is kept for later", async () => {
    const a = await buildWindow({ cooperativeId, pledges: [50] });
    await putInCart(userId, a.id, 4);
    const lock = await holdCart();
    const call = checkout(input(new Map([[a.id, 2_000]])));
    let change: Promise<void> | undefined;
    try {
      await lock.waitForQueue(1);
      change = putInCart(userId, a.id, 9); // queues behind the checkout, which queued first
      await lock.waitForQueue(2);
    } finally {
      await lock.release();
    }
    await call;
    await change;
    expect(await ordersFor([a.id])).toMatchObject([{ quantity: 4 }]);
    const cart = await prisma.cartItem.findMany({ where: { userId }, select: { quantity: true } });
    expect(cart).toEqual([{ quantity: 9 }]);
    await prisma.cartItem.deleteMany({ where: { userId } });
  });

  test("a line added on another device during checkout stays in the cart", async () => {
    const a = await buildWindow({ cooperativeId, pledges: [50] });
    const b = await buildWindow({ cooperativeId, pledges: [50] });
    await putInCart(userId, a.id, 4);
    const lock = await holdCart();
    const call = checkout(input(new Map([[a.id, 2_000]])));
    try {
      await lock.waitForQueue(1);
      await lock.query(
        `INSERT INTO "CartItem" ("userId", "windowId", "quantity") VALUES ($1, $2, 2)`,
        [userId, b.id],
      );
    } finally {
      await lock.release();
    }
    await call;
    expect(await ordersFor([a.id, b.id])).toMatchObject([{ windowId: a.id, quantity: 4 }]);
    const cart = await prisma.cartItem.findMany({
      where: { userId },
      select: { windowId: true, quantity: true },
    });
    expect(cart).toEqual([{ windowId: b.id, quantity: 2 }]);
    await prisma.cartItem.deleteMany({ where: { userId } });
  });
});

describe("checkout's own rules, whoever calls it", () => {
  test("a weight tolerance or a number of weeks the form does not offer is refused, and the cart and window stay", async () => {
    const a = await buildWindow({ cooperativeId, pledges: [50] });
    await putInCart(userId, a.id, 3);
    const refusals = [];
    for (const options of [
      { weightTolerancePct: 7 },
      { weightTolerancePct: -5 },
      { repeatWeeks: 0 },
      { repeatWeeks: -2 },
      { repeatWeeks: 1.5 },
      { repeatWeeks: 53 },
    ]) {
      refusals.push(
        await checkout({ ...input(new Map([[a.id, 2_000]])), ...options }).then(
          () => "placed",
          (error: { key?: string }) => error.key,
        ),
      );
    }
    expect(refusals).toEqual([
      "orders.toleranceInvalid",
      "orders.toleranceInvalid",
      "orders.repeatWeeksInvalid",
      "orders.repeatWeeksInvalid",
      "orders.repeatWeeksInvalid",
      "orders.repeatWeeksInvalid",
    ]);
    expect(await ordersFor([a.id])).toEqual([]);
    expect(await reservedOf(a.id)).toBe(0);
    expect(
      await prisma.cartItem.findMany({ where: { userId }, select: { quantity: true } }),
    ).toEqual([{ quantity: 3 }]);
    await prisma.cartItem.deleteMany({ where: { userId } });
  });
});
