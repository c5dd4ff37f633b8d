// Builds real orders for the payments tests: the demo data, then one order from two cooperatives.
import { randomUUID } from "node:crypto";
import { prisma } from "~/db/db.server";
import { actorByEmail } from "./builders";
import { type Currency } from "~/db/generated/enums";
import { placeOrder, transitionSubOrder } from "~/orders/orders.server";
import { manualProvider, markReceived } from "~/payments/manual.server";
import { type PaymentActor } from "~/payments/settlement.server";
import { demoCooperatives } from "../prisma/seed/demo-data";

export async function userId(email: string) {
  return (await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
}

export async function organizationId(slug: string) {
  return (await prisma.organization.findUniqueOrThrow({ where: { slug }, select: { id: true } }))
    .id;
}

/** The demo cooperatives with a lead account: lead@phsar.test and lead2@phsar.test. */
export const cooperativeSlugs = [demoCooperatives[0]!.slug, demoCooperatives[2]!.slug] as const;

/** A published window of the cooperative that still has room for its listing's minimum order. */
async function openWindow(cooperativeId: number, currency: Currency) {
  const windows = await prisma.deliveryWindow.findMany({
    where: {
      cutoffAt: { gt: new Date() },
      listing: { cooperativeId, status: "PUBLISHED" },
    },
    orderBy: { id: "asc" },
    select: {
      id: true,
      capacity: true,
      reserved: true,
      listing: { select: { id: true, minOrderQuantity: true, currency: true } },
    },
  });
  const window = windows.find((w) => w.capacity - w.reserved >= w.listing.minOrderQuantity);
  if (!window) throw new Error(`No open window left for cooperative ${cooperativeId}`);
  if (window.listing.currency !== currency)
    await prisma.listing.update({ where: { id: window.listing.id }, data: { currency } });
  return { windowId: window.id, quantity: window.listing.minOrderQuantity };
}

/** Places an order from both demo cooperatives as buyer@phsar.test. */
export async function orderFromTwoCooperatives(
  currency: Currency = "KHR",
  // Paid before the cooperatives decide: the order waits (PLACED) until the payment is secured.
  paymentMethod: "BANK_TRANSFER" | "CARD" | "KHQR" = currency === "USD" ? "CARD" : "BANK_TRANSFER",
) {
  const buyer = await prisma.user.findUniqueOrThrow({
    where: { email: "buyer@phsar.test" },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  const cooperativeIds = await Promise.all(cooperativeSlugs.map(organizationId));
  const lines = [];
  for (const id of cooperativeIds) lines.push(await openWindow(id, currency));
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod,
    lines,
  });
  return prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      id: true,
      buyerId: true,
      currency: true,
      totalMinor: true,
      subOrders: {
        orderBy: { cooperativeId: "asc" },
        select: { id: true, cooperativeId: true, totalMinor: true, status: true },
      },
    },
  });
}

/** A signed-in person as the payments module checks them (id, admin flag, memberships). */
export const paymentActor: (email: string) => Promise<PaymentActor> = actorByEmail;

/** The cooperative accepts and packs a sub-order, and its buyer confirms delivery. */
export async function deliverSubOrder(subOrderId: number) {
  for (const to of ["ACCEPTED", "PACKED", "DELIVERED"] as const)
    await transitionSubOrder(subOrderId, to, {
      userId: null,
      party: to === "DELIVERED" ? "BUYER" : "COOPERATIVE",
    });
}

/** `count` two-cooperative orders paid by bank transfer, each payment received in full (demo data). */
export async function paidOrdersFromTwoCooperatives(count: number) {
  const buyer = await paymentActor("buyer@phsar.test");
  const admin = await paymentActor("admin@phsar.test");
  for (let i = 0; i < count; i++) {
    const order = await orderFromTwoCooperatives();
    await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    const payments = await prisma.payment.findMany({
      where: { orderId: order.id },
      select: { id: true, amountMinor: true },
    });
    for (const payment of payments)
      await markReceived(payment.id, { amountMinor: payment.amountMinor }, admin);
  }
}
