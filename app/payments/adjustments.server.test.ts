// Money follows what was delivered: packing and partial deliveries change what a payment is worth;
// rejection and cancellation give everything back. Driven through the orders module, as people do.
import { BakongKHQR } from "bakong-khqr";
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { checkout, getCart, putInCart } from "~/checkout/cart.server";
import {
  acceptSubOrder,
  cancelSubOrder,
  confirmDelivery,
  expireUnpaidOrders,
  packSubOrder,
  placeOrder,
  rejectSubOrder,
  transitionSubOrder,
} from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow } from "../../tests/builders";
import {
  orderFromTwoCooperatives,
  organizationId,
  paymentActor as actor,
} from "../../tests/payments-fixtures";
import { followAllAmountsDue, followAmountDue } from "./adjustments.server";
import { paymentInstructions } from "./instructions.server";
import { buyerOwes, cashHeld, cooperativeBalance, ledgerIntegrity } from "./ledger.server";
import { manualProvider, markReceived } from "./manual.server";
import { recordedShare, type PaymentActor } from "./settlement.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let buyer: PaymentActor;
let admin: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
  const unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 300 } });
});

async function expectBalanced() {
  expect(await ledgerIntegrity()).toEqual({
    unbalancedTransactions: [],
    mixedCurrencyTransactions: [],
    nonZeroCurrencies: [],
  });
}

async function linesOf(subOrderId: number) {
  return prisma.orderLine.findMany({
    where: { subOrderId },
    orderBy: { id: "asc" },
    select: { id: true, quantity: true },
  });
}

/** Packs one unit short on the first line (the demo listings' minimum orders are 2 or more). */
async function packOneShort(subOrderId: number, cooperativeId: number) {
  const lines = await linesOf(subOrderId);
  expect(lines[0]!.quantity).toBeGreaterThanOrEqual(2);
  await packSubOrder(
    subOrderId,
    cooperativeId,
    lines.map((l, i) => ({ lineId: l.id, milli: (i === 0 ? l.quantity - 1 : l.quantity) * 1000 })),
    { userId: admin.id },
  );
}

async function subOrderMoney(subOrderId: number) {
  const s = await prisma.subOrder.findUniqueOrThrow({
    where: { id: subOrderId },
    select: {
      totalMinor: true,
      finalTotalMinor: true,
      payments: { select: { status: true, amountMinor: true, refundedMinor: true } },
      refunds: { select: { amountMinor: true } },
    },
  });
  return { ...s, payment: s.payments[0]! };
}

async function paymentOf(orderId: number, subOrderId: number) {
  return prisma.payment.findFirstOrThrow({
    where: { orderId, subOrderId },
    select: { id: true, amountMinor: true },
  });
}

describe("money follows what was delivered", () => {
  test("a received payment gives back what packing and a partial delivery took off, once each", async () => {
    const order = await orderFromTwoCooperatives();
    await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    const s = order.subOrders[0]!;
    const paid = await paymentOf(order.id, s.id);
    await markReceived(paid.id, { amountMinor: paid.amountMinor }, admin);
    await acceptSubOrder(s.id, s.cooperativeId, admin);
    const received = paid.amountMinor;

    await packOneShort(s.id, s.cooperativeId);
    const packed = await subOrderMoney(s.id);
    expect(packed.finalTotalMinor).toBeLessThan(received);
    expect(packed.payment.refundedMinor).toBe(received - packed.finalTotalMinor!);
    expect(packed.refunds).toHaveLength(1);

    // Running it again, even twice at once, refunds nothing more.
    expect(await Promise.all([followAmountDue(s.id), followAmountDue(s.id)])).toEqual([
      { refundedMinor: 0 },
      { refundedMinor: 0 },
    ]);
    expect((await subOrderMoney(s.id)).refunds).toHaveLength(1);

    // The buyer received only the first line's packed quantity, nothing of the others.
    const lines = await prisma.orderLine.findMany({
      where: { subOrderId: s.id },
      orderBy: { id: "asc" },
      select: { id: true, packedQuantityMilli: true },
    });
    await confirmDelivery(
      s.id,
      order.buyerId,
      lines.map((l, i) => ({ lineId: l.id, milli: i === 0 ? 1000 : 0 })),
      { userId: buyer.id },
    );
    const delivered = await subOrderMoney(s.id);
    expect(delivered.finalTotalMinor).toBeLessThan(packed.finalTotalMinor!);
    expect(delivered.payment.refundedMinor).toBe(received - delivered.finalTotalMinor!);
    expect(delivered.refunds).toHaveLength(2);
    expect(delivered.refunds.reduce((sum, r) => sum + r.amountMinor, 0)).toBe(
      received - delivered.finalTotalMinor!,
    );

    // Paid out: the cooperative keeps the delivered amount less the fee (no union: the platform's).
    const release = await manualProvider.releaseSubOrder(s.id, admin, "kept");
    const fee = delivered.finalTotalMinor! - release.amountMinor;
    const rate = env.PLATFORM_FEE_BPS / 10_000;
    expect(Math.abs(fee - delivered.finalTotalMinor! * rate)).toBeLessThanOrEqual(1);
    expect(await cooperativeBalance(s.cooperativeId, "KHR")).toMatchObject({ owedMinor: 0 });
    expect(await cashHeld(s.cooperativeId, "KHR")).toBe(fee);
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);
    await expectBalanced();
  });

  test("cash on delivery: the lead records the delivered amount, not the ordered one", async () => {
    const order = await orderFromTwoCooperatives();
    const s = order.subOrders[1]!;
    // Cash on delivery is secured at placement (what checkout does for this method).
    await transitionSubOrder(s.id, "CONFIRMED", { userId: null });
    await manualProvider.startPayment(order.id, "CASH_ON_DELIVERY", buyer);
    await acceptSubOrder(s.id, s.cooperativeId, admin);
    await packOneShort(s.id, s.cooperativeId);
    const lines = await linesOf(s.id);
    await confirmDelivery(
      s.id,
      order.buyerId,
      lines.map((l, i) => ({
        lineId: l.id,
        milli: (i === 0 ? l.quantity - 1 : l.quantity) * 1000,
      })),
      { userId: buyer.id },
    );
    const delivered = await subOrderMoney(s.id);
    expect(delivered.finalTotalMinor).toBeLessThan(delivered.totalMinor);
    expect(delivered.payment).toMatchObject({
      status: "PENDING",
      amountMinor: delivered.finalTotalMinor,
    });

    const payment = await paymentOf(order.id, s.id);
    await expect(
      markReceived(payment.id, { amountMinor: delivered.totalMinor }, admin),
    ).rejects.toMatchObject({ key: "payments.amountMismatch" });
    await markReceived(payment.id, { amountMinor: delivered.finalTotalMinor! }, admin);
    const share = await recordedShare(prisma, { ...s, orderId: order.id });
    expect(share?.grossMinor).toBe(delivered.finalTotalMinor);
    expect(share!.netMinor + share!.feeMinor).toBe(share!.grossMinor);
    const release = await manualProvider.releaseSubOrder(s.id, admin);
    expect(release.amountMinor).toBe(share!.netMinor);
    expect((await subOrderMoney(s.id)).refunds).toHaveLength(0);
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);
    await expectBalanced();
  });

  test("rejected after payment: refunded in full; a cancelled unpaid part's payment is closed", async () => {
    const order = await orderFromTwoCooperatives();
    await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    const [paid, unpaid] = order.subOrders as [
      (typeof order.subOrders)[0],
      (typeof order.subOrders)[0],
    ];
    const payment = await paymentOf(order.id, paid.id);
    await markReceived(payment.id, { amountMinor: payment.amountMinor }, admin);
    await rejectSubOrder(paid.id, paid.cooperativeId, admin);
    expect((await subOrderMoney(paid.id)).payment).toMatchObject({
      status: "REFUNDED",
      refundedMinor: payment.amountMinor,
    });
    await cancelSubOrder(unpaid.id, order.buyerId, { userId: buyer.id });
    expect((await subOrderMoney(unpaid.id)).payment.status).toBe("FAILED");
    // Nothing is left to record on the cooperative's payments page.
    expect(await prisma.payment.count({ where: { orderId: order.id, status: "PENDING" } })).toBe(0);
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);
    expect(await cashHeld(paid.cooperativeId, "KHR")).toBe(0);
    await expectBalanced();
  });
});

test("an order left unpaid past its due time is cancelled and its payments closed", async () => {
  const order = await orderFromTwoCooperatives();
  await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
  const now = new Date();
  await prisma.order.update({
    where: { id: order.id },
    data: { paymentDueAt: new Date(now.getTime() - 60_000) },
  });
  expect(await prisma.payment.count({ where: { orderId: order.id, status: "PENDING" } })).toBe(2);
  await expireUnpaidOrders(now);
  const payments = await prisma.payment.findMany({
    where: { orderId: order.id },
    select: { status: true, subOrder: { select: { status: true } } },
  });
  expect(payments).toEqual([
    { status: "FAILED", subOrder: { status: "CANCELLED" } },
    { status: "FAILED", subOrder: { status: "CANCELLED" } },
  ]);
  await expectBalanced();
});

test("an interrupted follow-up is caught up by the scheduled run, once", async () => {
  const order = await orderFromTwoCooperatives();
  await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
  const s = order.subOrders[0]!;
  const payment = await paymentOf(order.id, s.id);
  await markReceived(payment.id, { amountMinor: payment.amountMinor }, admin);
  await acceptSubOrder(s.id, s.cooperativeId, admin);
  // As if the process stopped after packing committed, before the refund.
  await prisma.subOrder.update({
    where: { id: s.id },
    data: { status: "PACKED", finalTotalMinor: payment.amountMinor - 500 },
  });
  expect((await subOrderMoney(s.id)).refunds).toHaveLength(0);
  expect(await followAllAmountsDue()).toBeGreaterThanOrEqual(1);
  expect((await subOrderMoney(s.id)).payment.refundedMinor).toBe(500);
  await followAllAmountsDue();
  expect((await subOrderMoney(s.id)).refunds).toHaveLength(1);
  await expectBalanced();
});

describe("checkout starts the payment", () => {
  async function cartWithOneWindow(cooperativeId: number) {
    const window = await prisma.deliveryWindow.findFirstOrThrow({
      where: { cutoffAt: { gt: new Date() }, listing: { cooperativeId, status: "PUBLISHED" } },
      orderBy: { id: "desc" },
      select: { id: true, listing: { select: { minOrderQuantity: true, priceMinor: true } } },
    });
    await putInCart(buyer.id, window.id, window.listing.minOrderQuantity);
    return {
      userId: buyer.id,
      payer: buyer,
      buyerId: buyer.memberships[0]!.organizationId,
      paymentMethod: "KHQR" as const,
      weightTolerancePct: 0,
      repeatWeeks: 1,
      expectedPrices: new Map([[window.id, window.listing.priceMinor]]),
    };
  }

  test("KHQR is refused before the order is placed when the cooperative has no Bakong account; with one, the buyer gets a code", async () => {
    const cooperativeId = (await orderFromTwoCooperatives()).subOrders[0]!.cooperativeId;
    const input = await cartWithOneWindow(cooperativeId);
    expect((await getCart(buyer.id)).khqrAvailable).toBe(false);
    const orders = await prisma.order.count();
    await expect(checkout({ ...input, idempotencyKey: randomUUID() })).rejects.toMatchObject({
      key: "orders.khqrNotAvailable",
    });
    expect(await prisma.order.count()).toBe(orders);
    expect((await getCart(buyer.id)).lines).toHaveLength(1);

    await prisma.paymentProfile.upsert({
      where: { organizationId: cooperativeId },
      create: { organizationId: cooperativeId, bakongAccountId: "coop@aclb" },
      update: { bakongAccountId: "coop@aclb" },
    });
    expect((await getCart(buyer.id)).khqrAvailable).toBe(true);
    const { orderId } = await checkout({ ...input, idempotencyKey: randomUUID() });
    const [instruction, ...more] = await paymentInstructions(orderId, input.buyerId);
    expect(more).toHaveLength(0);
    expect(instruction).toMatchObject({ method: "KHQR", status: "PENDING" });
    expect(instruction!.reference).toBe(`PH-${orderId}-${instruction!.subOrderId}`);
    expect(instruction!.khqr!.svg).toMatch(/^<svg[^>]*viewBox/);
    expect(BakongKHQR.verify(instruction!.khqr!.qr).isValid).toBe(true);
    const decoded = BakongKHQR.decode(instruction!.khqr!.qr).data!;
    expect(decoded.billNumber).toBe(instruction!.reference);
    expect(decoded.bakongAccountID).toBe("coop@aclb");
    // Another buyer cannot read this order's payment.
    expect(await paymentInstructions(orderId, input.buyerId + 100_000)).toEqual([]);
  });
});

// Last in this file: the money it leaves with the cooperative would show in the balances above.
test("paid in advance: extra weight within the buyer's tolerance may not cost more than was paid", async () => {
  const cooperativeId = await organizationId("tuek-phos-agricultural-cooperative");
  const window = await buildWindow({
    cooperativeId,
    unit: "KG",
    priceMinor: 3_000,
    pledges: [40],
  });
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: "BANK_TRANSFER",
    weightTolerancePct: 10,
    lines: [{ windowId: window.id, quantity: 10 }],
  });
  await manualProvider.startPayment(orderId, "BANK_TRANSFER", buyer);
  const s = await prisma.subOrder.findFirstOrThrow({ where: { orderId } });
  const paid = await paymentOf(orderId, s.id);
  expect(paid.amountMinor).toBe(30_000);
  await markReceived(paid.id, { amountMinor: paid.amountMinor }, admin);
  await acceptSubOrder(s.id, cooperativeId, admin);
  const [line] = await linesOf(s.id);
  const pack = (milli: number) =>
    packSubOrder(s.id, cooperativeId, [{ lineId: line!.id, milli }], { userId: admin.id });

  // 10.5 kg is within the 10 % the buyer accepted, but 31,500 riel is more than was paid.
  await expect(pack(10_500)).rejects.toThrow("orders.packedOverPaid");
  const unchanged = await prisma.subOrder.findUniqueOrThrow({
    where: { id: s.id },
    select: {
      status: true,
      finalTotalMinor: true,
      lines: { select: { packedQuantityMilli: true } },
    },
  });
  expect(unchanged).toEqual({
    status: "ACCEPTED",
    finalTotalMinor: null,
    lines: [{ packedQuantityMilli: null }],
  });
  // Exactly what was paid for goes through, and nothing is refunded.
  await pack(10_000);
  expect(await subOrderMoney(s.id)).toMatchObject({
    finalTotalMinor: 30_000,
    payment: { refundedMinor: 0 },
    refunds: [],
  });
  await expectBalanced();
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
