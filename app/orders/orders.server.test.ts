import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { setPledges } from "~/supply/listings.server";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail } from "../../tests/builders";
import { OrderError, placeOrder, transitionSubOrder } from "./orders.server";

let buyerId: number;
let placedById: number;
let leadId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await prisma.user.findUniqueOrThrow({
    where: { email: "buyer@phsar.test" },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  buyerId = buyer.memberships[0]!.organizationId;
  placedById = buyer.id;
  leadId = (
    await prisma.user.findUniqueOrThrow({
      where: { email: "lead@phsar.test" },
      select: { id: true },
    })
  ).id;
});

/** A published window of a cooperative with exactly `capacity` pledged and nothing reserved. */
async function freshWindow(capacity: number, skip = 0) {
  const window = await prisma.deliveryWindow.findFirstOrThrow({
    where: { listing: { status: "PUBLISHED" }, reserved: 0, cutoffAt: { gt: new Date() } },
    orderBy: { id: "asc" },
    skip,
    select: {
      id: true,
      listingId: true,
      listing: { select: { cooperativeId: true, priceMinor: true } },
    },
  });
  await prisma.listing.update({ where: { id: window.listingId }, data: { minOrderQuantity: 1 } });
  const farmers = await prisma.farmer.findMany({
    where: { cooperativeId: window.listing.cooperativeId },
    select: { id: true },
  });
  await prisma.pledge.deleteMany({ where: { windowId: window.id } });
  await setPledges(
    window.id,
    window.listing.cooperativeId,
    [{ farmerId: farmers[0]!.id, quantity: capacity }],
    // The platform admin: the window may be any cooperative's.
    { ...(await actorByEmail("admin@phsar.test")), ipAddress: "test" },
  );
  return window;
}

async function reservedOf(windowId: number) {
  return await prisma.deliveryWindow.findUniqueOrThrow({
    where: { id: windowId },
    select: { reserved: true, capacity: true },
  });
}

async function orderedQuantity(windowId: number) {
  const lines = await prisma.orderLine.findMany({
    where: { windowId, subOrder: { status: { notIn: ["CANCELLED", "REJECTED"] } } },
    select: { quantity: true },
  });
  return lines.reduce((sum, l) => sum + l.quantity, 0);
}

describe("placing an order", () => {
  test("60 buyers racing for the last 30 units: never oversold, every accepted order got its full quantity", async () => {
    const window = await freshWindow(30);
    const attempts = Array.from({ length: 60 }, (_, i) => ({
      quantity: (i % 3) + 1,
      key: randomUUID(),
    }));
    const results = await Promise.allSettled(
      attempts.map((a) =>
        placeOrder({
          buyerId,
          placedById,
          idempotencyKey: a.key,
          lines: [{ windowId: window.id, quantity: a.quantity }],
        }),
      ),
    );
    for (const result of results) {
      if (result.status === "rejected")
        expect(result.reason).toMatchObject({ key: "orders.notEnoughRemaining" });
    }
    const accepted = attempts.filter((_, i) => results[i]!.status === "fulfilled");
    const { reserved, capacity } = await reservedOf(window.id);
    expect(reserved).toBeLessThanOrEqual(capacity);
    expect(reserved).toBe(accepted.reduce((sum, a) => sum + a.quantity, 0));
    expect(capacity - reserved).toBeLessThan(3); // whoever was refused really did not fit
    for (const attempt of accepted) {
      const order = await prisma.order.findUniqueOrThrow({
        where: { idempotencyKey: attempt.key },
        select: {
          totalMinor: true,
          subOrders: { select: { lines: { select: { quantity: true } } } },
        },
      });
      expect(order.subOrders.flatMap((s) => s.lines.map((l) => l.quantity))).toEqual([
        attempt.quantity,
      ]);
      expect(order.totalMinor).toBe(attempt.quantity * window.listing.priceMinor);
    }
    expect(await orderedQuantity(window.id)).toBe(reserved);
  }, 60_000);

  test("one checkout from two cooperatives makes one order with a sub-order each, at the listed prices", async () => {
    const a = await freshWindow(50, 0);
    const other = await prisma.deliveryWindow.findFirstOrThrow({
      where: {
        listing: { status: "PUBLISHED", cooperativeId: { not: a.listing.cooperativeId } },
        cutoffAt: { gt: new Date() },
      },
      select: {
        id: true,
        listingId: true,
        listing: { select: { priceMinor: true, minOrderQuantity: true } },
      },
    });
    const { orderId } = await placeOrder({
      buyerId,
      placedById,
      idempotencyKey: randomUUID(),
      paymentMethod: "BANK_TRANSFER",
      lines: [
        { windowId: a.id, quantity: 4 },
        { windowId: other.id, quantity: other.listing.minOrderQuantity },
      ],
    });
    const order = await prisma.order.findUniqueOrThrow({
      where: { id: orderId },
      select: {
        totalMinor: true,
        paymentDueAt: true,
        subOrders: { select: { totalMinor: true, status: true } },
      },
    });
    expect(order.subOrders).toHaveLength(2);
    // A bank transfer is awaited before the cooperatives decide, and has a deadline.
    expect(order.subOrders.every((s) => s.status === "PLACED")).toBe(true);
    expect(order.paymentDueAt).not.toBeNull();
    expect(order.totalMinor).toBe(
      4 * a.listing.priceMinor + other.listing.minOrderQuantity * other.listing.priceMinor,
    );
    expect(order.subOrders.reduce((sum, s) => sum + s.totalMinor, 0)).toBe(order.totalMinor);
  });

  test("a double-submitted checkout makes one order and reserves once", async () => {
    const window = await freshWindow(20, 1);
    const key = randomUUID();
    const request = {
      buyerId,
      placedById,
      idempotencyKey: key,
      lines: [{ windowId: window.id, quantity: 5 }],
    };
    const [first, second] = await Promise.all([placeOrder(request), placeOrder(request)]);
    expect(first.orderId).toBe(second.orderId);
    expect(await prisma.order.count({ where: { idempotencyKey: key } })).toBe(1);
    expect((await reservedOf(window.id)).reserved).toBe(5);
  });

  test("refusals leave no order and no reservation behind", async () => {
    const window = await freshWindow(10, 2);
    const second = await freshWindow(10, 3);
    const tries: [Parameters<typeof placeOrder>[0]["lines"], string][] = [
      [[{ windowId: window.id, quantity: 11 }], "orders.notEnoughRemaining"],
      [
        [
          { windowId: window.id, quantity: 5 },
          { windowId: second.id, quantity: 99 },
        ],
        "orders.notEnoughRemaining",
      ],
      [[{ windowId: window.id, quantity: 0 }], "orders.quantity"],
      [[{ windowId: 999_999, quantity: 1 }], "orders.unknownWindow"],
      [[], "orders.emptyCart"],
    ];
    const before = await prisma.order.count();
    for (const [lines, key] of tries) {
      await expect(
        placeOrder({ buyerId, placedById, idempotencyKey: randomUUID(), lines }),
      ).rejects.toMatchObject({ key });
    }
    expect(await prisma.order.count()).toBe(before);
    expect((await reservedOf(window.id)).reserved).toBe(0);
    expect((await reservedOf(second.id)).reserved).toBe(0);
  });

  test("below the minimum, after the cutoff, or on a paused listing is refused", async () => {
    const window = await freshWindow(100, 4);
    await prisma.listing.update({
      where: { id: window.listingId },
      data: { minOrderQuantity: 10 },
    });
    const order = (quantity: number, now?: Date) =>
      placeOrder(
        {
          buyerId,
          placedById,
          idempotencyKey: randomUUID(),
          lines: [{ windowId: window.id, quantity }],
        },
        now,
      );
    await expect(order(5)).rejects.toMatchObject({ key: "orders.belowMinimum" });
    await expect(order(10, new Date(Date.now() + 60 * 86_400_000))).rejects.toMatchObject({
      key: "orders.afterCutoff",
    });
    await prisma.listing.update({ where: { id: window.listingId }, data: { status: "PAUSED" } });
    await expect(order(10)).rejects.toThrow(OrderError);
    await prisma.listing.update({ where: { id: window.listingId }, data: { status: "PUBLISHED" } });
    expect((await reservedOf(window.id)).reserved).toBe(0);
  });
});

describe("sub-order transitions", () => {
  test("illegal transitions are refused; rejection gives the quantity back; every step is recorded", async () => {
    const window = await freshWindow(40, 5);
    const { orderId } = await placeOrder({
      buyerId,
      placedById,
      idempotencyKey: randomUUID(),
      paymentMethod: "KHQR",
      lines: [{ windowId: window.id, quantity: 15 }],
    });
    const subOrder = await prisma.subOrder.findFirstOrThrow({
      where: { orderId },
      select: { id: true },
    });
    await expect(
      transitionSubOrder(subOrder.id, "DELIVERED", { userId: leadId }),
    ).rejects.toMatchObject({ key: "orders.illegalTransition" });
    await transitionSubOrder(subOrder.id, "CONFIRMED", { userId: null, reason: "payment secured" });
    // Only the cooperative decides: the buyer cannot accept their own order.
    await expect(
      transitionSubOrder(subOrder.id, "ACCEPTED", { userId: placedById, party: "BUYER" }),
    ).rejects.toMatchObject({ key: "orders.illegalTransition" });
    await transitionSubOrder(subOrder.id, "REJECTED", {
      userId: leadId,
      party: "COOPERATIVE",
      reason: "hail damaged the crop",
    });
    expect((await reservedOf(window.id)).reserved).toBe(0);
    await expect(
      transitionSubOrder(subOrder.id, "ACCEPTED", { userId: leadId, party: "COOPERATIVE" }),
    ).rejects.toThrow(OrderError);
    const steps = await prisma.subOrderTransition.findMany({
      where: { subOrderId: subOrder.id },
      orderBy: { id: "asc" },
      select: { from: true, to: true },
    });
    expect(steps).toEqual([
      { from: "PLACED", to: "CONFIRMED" },
      { from: "CONFIRMED", to: "REJECTED" },
    ]);
  });

  test("property: after any mix of orders and cancellations, reserved equals what live orders hold", async () => {
    const window = await freshWindow(25, 6);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ place: fc.integer({ min: 1, max: 6 }) }),
            fc.record({ cancel: fc.nat(20) }),
          ),
          { maxLength: 8 },
        ),
        async (steps) => {
          for (const step of steps) {
            if ("place" in step) {
              await placeOrder({
                buyerId,
                placedById,
                idempotencyKey: randomUUID(),
                paymentMethod: "BANK_TRANSFER",
                lines: [{ windowId: window.id, quantity: step.place }],
              }).catch((error: unknown) => {
                if (!(error instanceof OrderError)) throw error;
              });
            } else {
              const live = await prisma.subOrder.findMany({
                where: { status: "PLACED", lines: { some: { windowId: window.id } } },
                select: { id: true },
                orderBy: { id: "asc" },
              });
              const target = live[step.cancel % Math.max(1, live.length)];
              if (target)
                await transitionSubOrder(target.id, "CANCELLED", {
                  userId: placedById,
                  party: "BUYER",
                });
            }
          }
          const { reserved, capacity } = await reservedOf(window.id);
          expect(reserved).toBeLessThanOrEqual(capacity);
          expect(reserved).toBe(await orderedQuantity(window.id));
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
