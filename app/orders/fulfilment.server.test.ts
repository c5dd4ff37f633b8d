import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { addDays, dateOnly } from "~/calendar/dates";
import { actorByEmail, buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import { grantCreditTerms } from "~/payments/credit.server";
import { checkout, getCart, putInCart } from "~/checkout/cart.server";
import {
  acceptSubOrder,
  autoConfirmDeliveries,
  cancelSubOrder,
  confirmDelivery,
  expireUnpaidOrders,
  LineQuantityError,
  OrderError,
  packSubOrder,
  placeOrder,
  rejectSubOrder,
  secureOrderPayment,
} from "./orders.server";
import { pickList } from "./queries.server";
import { runStandingOrders } from "~/checkout/standing.server";

let buyerId: number;
let otherBuyerId: number;
let userId: number;
let coopA: number;
let coopB: number;
const actor = () => ({ userId, ipAddress: "test" });
let admin: Awaited<ReturnType<typeof actorByEmail>>;
const decider = () => ({ ...admin, ipAddress: "test" });
const payer = () => ({
  id: userId,
  isAdmin: false,
  memberships: [{ organizationId: buyerId, role: "OWNER" as const }],
});

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  userId = buyer.id;
  admin = await actorByEmail("admin@phsar.test");
  otherBuyerId = (await userByEmail("trader@phsar.test")).memberships[0]!.organizationId;
  const ids = await cooperativeIds();
  coopA = ids[0]!;
  coopB = ids[1]!;
});

async function subOrdersOf(orderId: number) {
  return prisma.subOrder.findMany({
    where: { orderId },
    select: {
      id: true,
      status: true,
      cooperativeId: true,
      totalMinor: true,
      finalTotalMinor: true,
      lines: {
        select: { id: true, quantity: true, finalAmountMinor: true, packedQuantityMilli: true },
      },
    },
    orderBy: { cooperativeId: "asc" },
  });
}

async function reservedOf(windowId: number) {
  const w = await prisma.deliveryWindow.findUniqueOrThrow({
    where: { id: windowId },
    select: { reserved: true },
  });
  return w.reserved;
}

describe("from order to delivery", () => {
  test("two cooperatives: accepted, packed by weight within the tolerance, one full and one partial delivery", async () => {
    const kg = await buildWindow({
      cooperativeId: coopA,
      unit: "KG",
      priceMinor: 2_600,
      pledges: [30, 20],
    });
    const bunch = await buildWindow({
      cooperativeId: coopB,
      unit: "BUNCH",
      priceMinor: 1_500,
      pledges: [40],
    });
    const { orderId } = await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      weightTolerancePct: 10,
      lines: [
        { windowId: kg.id, quantity: 20 },
        { windowId: bunch.id, quantity: 12 },
      ],
    });
    const [a, b] = await subOrdersOf(orderId);
    // Cash on delivery: payment counts as secured at once; each cooperative decides on its own part.
    expect(a!.status).toBe("CONFIRMED");
    expect(b!.status).toBe("CONFIRMED");
    await expect(acceptSubOrder(a!.id, coopB, decider())).rejects.toMatchObject({
      key: "orders.notFound",
    });
    await acceptSubOrder(a!.id, coopA, decider());
    await acceptSubOrder(b!.id, coopB, decider());

    // 20 kg ordered with 10% tolerance: 22.5 kg is too much, 21.35 kg is fine and re-priced.
    await expect(
      packSubOrder(a!.id, coopA, [{ lineId: a!.lines[0]!.id, milli: 22_500 }], actor()),
    ).rejects.toBeInstanceOf(LineQuantityError);
    await packSubOrder(a!.id, coopA, [{ lineId: a!.lines[0]!.id, milli: 21_350 }], actor());
    // Counted goods are never packed in fractions or above what was ordered.
    await expect(
      packSubOrder(b!.id, coopB, [{ lineId: b!.lines[0]!.id, milli: 12_500 }], actor()),
    ).rejects.toMatchObject({ problems: { [b!.lines[0]!.id]: "orders.packedNotWhole" } });
    await expect(
      packSubOrder(b!.id, coopB, [{ lineId: b!.lines[0]!.id, milli: 13_000 }], actor()),
    ).rejects.toMatchObject({ problems: { [b!.lines[0]!.id]: "orders.packedTooMuch" } });
    await packSubOrder(b!.id, coopB, [{ lineId: b!.lines[0]!.id, milli: 12_000 }], actor());

    let [pa, pb] = await subOrdersOf(orderId);
    expect(pa!.status).toBe("PACKED");
    expect(pa!.finalTotalMinor).toBe(55_510); // 21.35 kg × 2,600 riel
    expect(pb!.finalTotalMinor).toBe(18_000);

    // Full delivery of the chickens… of the kilograms; partial delivery of the bunches.
    await confirmDelivery(a!.id, buyerId, [{ lineId: a!.lines[0]!.id, milli: 21_350 }], actor());
    await expect(
      confirmDelivery(b!.id, buyerId, [{ lineId: b!.lines[0]!.id, milli: 13_000 }], actor()),
    ).rejects.toMatchObject({ problems: { [b!.lines[0]!.id]: "orders.deliveredMoreThanPacked" } });
    await expect(
      confirmDelivery(b!.id, otherBuyerId, [{ lineId: b!.lines[0]!.id, milli: 9_000 }], actor()),
    ).rejects.toMatchObject({ key: "orders.notFound" });
    await confirmDelivery(b!.id, buyerId, [{ lineId: b!.lines[0]!.id, milli: 9_000 }], actor());
    [pa, pb] = await subOrdersOf(orderId);
    expect([pa!.status, pb!.status]).toEqual(["DELIVERED", "DELIVERED"]);
    expect(pa!.finalTotalMinor).toBe(55_510);
    expect(pb!.finalTotalMinor).toBe(13_500);
    expect(pb!.totalMinor).toBe(18_000); // what was ordered stays on record

    const kinds = await prisma.notification.findMany({
      where: { orderId },
      select: { kind: true, organizationId: true },
      orderBy: { id: "asc" },
    });
    expect(kinds.filter((n) => n.organizationId === buyerId).map((n) => n.kind)).toEqual([
      "ORDER_ACCEPTED",
      "ORDER_ACCEPTED",
      "ORDER_PACKED",
      "ORDER_PACKED",
      "ORDER_DELIVERED",
      "ORDER_DELIVERED",
    ]);
    expect(kinds.filter((n) => n.organizationId === coopA).map((n) => n.kind)).toEqual([
      "ORDER_PLACED",
      "ORDER_DELIVERED",
    ]);
    const audited = await prisma.auditEvent.count({
      where: { action: "order.transition", targetId: String(a!.id) },
    });
    expect(audited).toBe(4); // confirmed, accepted, packed, delivered
  });

  test("a rejected or cancelled sub-order gives its quantity back; cancelling after the cutoff is refused", async () => {
    const w = await buildWindow({ cooperativeId: coopA, pledges: [10] });
    const place = () =>
      placeOrder({
        buyerId,
        placedById: userId,
        idempotencyKey: randomUUID(),
        lines: [{ windowId: w.id, quantity: 4 }],
      });
    const first = (await subOrdersOf((await place()).orderId))[0]!;
    const second = (await subOrdersOf((await place()).orderId))[0]!;
    expect(await reservedOf(w.id)).toBe(8);
    await rejectSubOrder(first.id, coopA, decider());
    expect(await reservedOf(w.id)).toBe(4);
    const afterCutoff = new Date(w.cutoffAt.getTime() + 1000);
    await expect(cancelSubOrder(second.id, buyerId, actor(), afterCutoff)).rejects.toMatchObject({
      key: "orders.cancelAfterCutoff",
    });
    await cancelSubOrder(second.id, buyerId, actor());
    expect(await reservedOf(w.id)).toBe(0);
    await expect(cancelSubOrder(second.id, buyerId, actor())).rejects.toMatchObject({
      key: "orders.illegalTransition",
    });
  });

  test("an unpaid bank-transfer order expires and releases its reservation; a paid one goes on", async () => {
    const w = await buildWindow({ cooperativeId: coopA, pledges: [10] });
    const unpaid = await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      paymentMethod: "BANK_TRANSFER",
      lines: [{ windowId: w.id, quantity: 3 }],
    });
    const paid = await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      paymentMethod: "KHQR",
      lines: [{ windowId: w.id, quantity: 2 }],
    });
    expect(await secureOrderPayment(paid.orderId, { userId: null, reason: "test" })).toBe(1);
    const due = await prisma.order.findUniqueOrThrow({
      where: { id: unpaid.orderId },
      select: { paymentDueAt: true },
    });
    expect(await expireUnpaidOrders(new Date(due.paymentDueAt!.getTime() - 1000))).toBe(0);
    expect(await expireUnpaidOrders(new Date(due.paymentDueAt!.getTime() + 1000))).toBe(1);
    expect((await subOrdersOf(unpaid.orderId))[0]!.status).toBe("CANCELLED");
    expect((await subOrdersOf(paid.orderId))[0]!.status).toBe("CONFIRMED");
    expect(await reservedOf(w.id)).toBe(2);
    // Running it again changes nothing.
    expect(await expireUnpaidOrders(new Date(due.paymentDueAt!.getTime() + 5000))).toBe(0);
  });

  test("a packed order the buyer does not confirm is auto-confirmed as packed after the set days", async () => {
    const w = await buildWindow({
      cooperativeId: coopB,
      unit: "KG",
      priceMinor: 1_000,
      pledges: [30],
    });
    const { orderId } = await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      weightTolerancePct: 5,
      lines: [{ windowId: w.id, quantity: 10 }],
    });
    const [s] = await subOrdersOf(orderId);
    await acceptSubOrder(s!.id, coopB, decider());
    await packSubOrder(s!.id, coopB, [{ lineId: s!.lines[0]!.id, milli: 9_800 }], actor());
    const deliveryDay = new Date(`${dateOnly(w.deliveryDate)}T05:00:00Z`);
    expect(await autoConfirmDeliveries(deliveryDay, 3)).toBe(0);
    expect(await autoConfirmDeliveries(new Date(deliveryDay.getTime() + 3 * 86_400_000), 3)).toBe(
      0,
    );
    expect(await autoConfirmDeliveries(new Date(deliveryDay.getTime() + 4 * 86_400_000), 3)).toBe(
      1,
    );
    const [after] = await subOrdersOf(orderId);
    expect(after!.status).toBe("DELIVERED");
    expect(after!.finalTotalMinor).toBe(9_800);
  });
});

describe("cart and checkout", () => {
  test("checkout refuses a changed or tampered price and keeps the cart; then places the order and empties the cart", async () => {
    const w = await buildWindow({
      cooperativeId: coopA,
      priceMinor: 3_000,
      pledges: [20],
      minOrderQuantity: 2,
    });
    await expect(putInCart(userId, w.id, 1)).rejects.toMatchObject({ key: "orders.belowMinimum" });
    await expect(putInCart(userId, w.id, 21)).rejects.toMatchObject({
      key: "orders.notEnoughRemaining",
    });
    await putInCart(userId, w.id, 5);
    const cart = await getCart(userId);
    expect(cart.lines).toHaveLength(1);
    expect(cart.totals).toEqual([{ currency: "KHR", totalMinor: 15_000 }]);
    const base = {
      userId,
      payer: payer(),
      buyerId,
      paymentMethod: "CASH_ON_DELIVERY" as const,
      weightTolerancePct: 0,
      repeatWeeks: 1,
    };
    const orders = await prisma.order.count();
    await expect(
      checkout({ ...base, idempotencyKey: randomUUID(), expectedPrices: new Map([[w.id, 1]]) }),
    ).rejects.toMatchObject({ key: "orders.priceChanged" });
    expect(await prisma.order.count()).toBe(orders);
    expect(await reservedOf(w.id)).toBe(0);
    expect((await getCart(userId)).lines).toHaveLength(1);

    const key = randomUUID();
    const input = { ...base, idempotencyKey: key, expectedPrices: new Map([[w.id, 3_000]]) };
    const [one, two] = await Promise.all([checkout(input), checkout(input)]);
    expect(one.orderId).toBe(two.orderId);
    expect(await reservedOf(w.id)).toBe(5);
    expect((await getCart(userId)).lines).toHaveLength(0);
    // Submitting the same checkout again later finds the same order.
    expect((await checkout(input)).orderId).toBe(one.orderId);
    // Its payment was started once, however often it was submitted: one per sub-order.
    const payments = await prisma.payment.findMany({
      where: { orderId: one.orderId },
      select: { method: true, status: true, amountMinor: true, reference: true, subOrderId: true },
    });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      method: "CASH_ON_DELIVERY",
      status: "PENDING",
      amountMinor: 15_000,
      reference: `PH-${one.orderId}-${payments[0]!.subOrderId}`,
    });
  });
});

describe("pay later", () => {
  test("a buyer with terms puts an order on account (confirmed at once, due within the term); over the limit nothing is placed", async () => {
    const w = await buildWindow({ cooperativeId: coopB, priceMinor: 2_000, pledges: [40] });
    const admin = { id: userId, isAdmin: true, memberships: [] };
    const base = {
      userId,
      payer: payer(),
      buyerId,
      paymentMethod: "BANK_TRANSFER" as const,
      weightTolerancePct: 0,
      repeatWeeks: 1,
      payLater: true,
      expectedPrices: new Map([[w.id, 2_000]]),
    };
    await putInCart(userId, w.id, 4);
    await expect(checkout({ ...base, idempotencyKey: randomUUID() })).rejects.toMatchObject({
      key: "payments.noCreditTerms",
    });
    await grantCreditTerms(
      buyerId,
      { currency: "KHR", creditLimitMinor: 10_000, termDays: 7 },
      admin,
    );
    const { orderId } = await checkout({ ...base, idempotencyKey: randomUUID() });
    const [sub] = await subOrdersOf(orderId);
    expect(sub!.status).toBe("CONFIRMED");
    const payment = await prisma.payment.findFirstOrThrow({
      where: { orderId },
      select: { dueAt: true, amountMinor: true },
    });
    expect(payment.amountMinor).toBe(8_000);
    expect(payment.dueAt!.getTime() - Date.now()).toBeGreaterThan(6 * 86_400_000);

    await putInCart(userId, w.id, 2);
    const orders = await prisma.order.count();
    await expect(checkout({ ...base, idempotencyKey: randomUUID() })).rejects.toMatchObject({
      key: "payments.overCreditLimit",
    });
    expect(await prisma.order.count()).toBe(orders);
    expect(await reservedOf(w.id)).toBe(4);
    expect((await getCart(userId)).lines).toHaveLength(1);
    await prisma.cartItem.deleteMany({ where: { userId } });
  });
});

describe("standing orders", () => {
  test("each week is placed against that week's window; lines it cannot fill are reported", async () => {
    const first = await buildWindow({ cooperativeId: coopA, pledges: [20], days: 3 });
    const listing = first.listingId;
    const date0 = dateOnly(first.deliveryDate);
    // Week 1 has a window with too little left; week 2 has none at all; week 3 is fine.
    const week1 = await prisma.deliveryWindow.create({
      data: {
        listingId: listing,
        deliveryDate: new Date(`${addDays(date0, 7)}T00:00:00Z`),
        cutoffAt: new Date(first.cutoffAt.getTime() + 7 * 86_400_000),
        capacity: 3,
      },
      select: { id: true },
    });
    await prisma.deliveryWindow.create({
      data: {
        listingId: listing,
        deliveryDate: new Date(`${addDays(date0, 21)}T00:00:00Z`),
        cutoffAt: new Date(first.cutoffAt.getTime() + 21 * 86_400_000),
        capacity: 50,
      },
      select: { id: true },
    });
    await putInCart(userId, first.id, 6);
    const { orderId } = await checkout({
      userId,
      payer: payer(),
      buyerId,
      idempotencyKey: randomUUID(),
      paymentMethod: "CASH_ON_DELIVERY",
      weightTolerancePct: 0,
      expectedPrices: new Map([[first.id, 2_000]]),
      repeatWeeks: 4,
    });
    const standing = await prisma.standingOrder.findFirstOrThrow({
      where: { orders: { some: { id: orderId } } },
      select: { id: true },
    });
    // Each week comes due a week before its delivery date; running twice places a week once.
    const at = (days: number) => new Date(Date.now() + days * 86_400_000);
    expect(await runStandingOrders(at(0))).toBe(0);
    expect(await runStandingOrders(at(3))).toBe(1); // week 1
    expect(await runStandingOrders(at(3))).toBe(0);
    expect(await runStandingOrders(at(10))).toBe(1); // week 2
    expect(await runStandingOrders(at(17))).toBe(1); // week 3
    const runs = await prisma.standingOrderRun.findMany({
      where: { standingOrderId: standing.id },
      select: { week: true, orderId: true, unfilled: true },
      orderBy: { week: "asc" },
    });
    expect(runs.map((r) => r.week)).toEqual([0, 1, 2, 3]);
    expect(runs[1]!.orderId).toBeNull();
    expect(runs[1]!.unfilled).toMatchObject([{ reason: "orders.notEnoughRemaining", quantity: 6 }]);
    expect(runs[2]!.unfilled).toMatchObject([{ reason: "orders.noWindowThatWeek" }]);
    expect(runs[3]!.orderId).not.toBeNull();
    expect(await reservedOf(week1.id)).toBe(0);
    expect(await runStandingOrders(at(24))).toBe(0);
    expect(await prisma.order.count({ where: { standingOrderId: standing.id } })).toBe(2);
    const done = await prisma.standingOrder.findUniqueOrThrow({
      where: { id: standing.id },
      select: { active: true },
    });
    expect(done.active).toBe(false);
  });
});

describe("pick list", () => {
  test("what was ordered is shared among the pledging farmers and adds up", async () => {
    const w = await buildWindow({
      cooperativeId: coopB,
      unit: "HEAD",
      pledges: [10, 5, 5],
      days: 9,
    });
    for (const quantity of [7, 4]) {
      await placeOrder({
        buyerId,
        placedById: userId,
        idempotencyKey: randomUUID(),
        lines: [{ windowId: w.id, quantity }],
      });
    }
    const list = await pickList(coopB, dateOnly(w.deliveryDate));
    const product = list.products.find((p) => p.windowId === w.id)!;
    expect(product.ordered).toBe(11);
    const shares = list.farmers
      .flatMap((f) =>
        f.items.filter((i) => i.listing.id === w.listingId).map((i) => [f.farmer.id, i.quantity]),
      )
      .sort((x, y) => x[0]! - y[0]!);
    expect(shares.reduce((sum, [, q]) => sum + q!, 0)).toBe(11);
    expect(shares).toEqual([
      [w.farmerIds[0], 5], // 5.5
      [w.farmerIds[1], 3], // 2.75
      [w.farmerIds[2], 3], // 2.75
    ]);
  });

  test("an order for someone else's sub-order is not found", async () => {
    await expect(packSubOrder(999_999, coopA, [], actor())).rejects.toBeInstanceOf(OrderError);
  });
});
