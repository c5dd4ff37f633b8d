// Pay-later terms for trusted buyers (manual provider): the order is confirmed now and paid to each
// cooperative within the term, as long as what the buyer owes stays within its credit limit.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type Currency } from "~/db/generated/enums";
import { OrderError, transitionSubOrder } from "~/orders/orders.server";
import { buyerOwes } from "./ledger.server";
import { paymentReference } from "./manual.server";
import {
  assertCan,
  lockOrderSubOrders,
  orderSplit,
  PaymentError,
  recordSubOrderSale,
  type PaymentActor,
} from "./settlement.server";

const DAY = 24 * 60 * 60 * 1000;

/** An admin grants (or changes) a buyer's pay-later terms. */
export async function grantCreditTerms(
  buyerId: number,
  terms: { currency: Currency; creditLimitMinor: number; termDays: number },
  actor: PaymentActor,
) {
  if (!actor.isAdmin) throw new PaymentError("payments.forbidden");
  if (!Number.isSafeInteger(terms.creditLimitMinor) || terms.creditLimitMinor <= 0)
    throw new PaymentError("payments.invalidAmount");
  if (!Number.isInteger(terms.termDays) || terms.termDays < 1 || terms.termDays > 365)
    throw new PaymentError("payments.invalidTerm");
  const buyer = await prisma.organization.findUnique({
    where: { id: buyerId },
    select: { kind: true },
  });
  if (buyer?.kind !== "BUYER") throw new PaymentError("payments.notABuyer");
  await prisma.creditTerms.upsert({
    where: { buyerId },
    create: { buyerId, ...terms },
    update: terms,
    select: { buyerId: true },
  });
}

/**
 * Places an order on the buyer's credit: one payment per cooperative falls due after the term,
 * the sale is recorded now (the buyer owes it), and the sub-orders are confirmed. Refused when the
 * buyer has no terms in the order's currency or the order would take it over its limit.
 */
export async function payLater(orderId: number, actor: PaymentActor, now = new Date()) {
  const order = await prisma.order.findUnique({
    where: { id: orderId },
    select: {
      buyerId: true,
      currency: true,
      totalMinor: true,
      subOrders: {
        where: { status: "PLACED" },
        orderBy: { id: "asc" },
        select: { id: true, totalMinor: true },
      },
    },
  });
  if (!order) throw new PaymentError("payments.orderNotFound");
  assertCan(actor, "pay:orders:own", order.buyerId);
  const placed = await prisma.$transaction(async (tx) => {
    // One order at a time per buyer against the limit.
    const terms = await tx.$queryRaw<
      { currency: Currency; creditLimitMinor: number; termDays: number }[]
    >`SELECT "currency", "creditLimitMinor", "termDays" FROM "CreditTerms" WHERE "buyerId" = ${order.buyerId} FOR UPDATE`;
    const term = terms[0];
    if (!term || term.currency !== order.currency) throw new PaymentError("payments.noCreditTerms");
    // Its sales are money movements of each sub-order: under their locks.
    await lockOrderSubOrders(tx, orderId);
    const existing = await tx.payment.count({ where: { orderId } });
    if (existing > 0) return false;
    const owes = await buyerOwes(order.buyerId, order.currency, tx);
    if (owes + order.totalMinor > term.creditLimitMinor)
      throw new PaymentError("payments.overCreditLimit");
    const dueAt = new Date(now.getTime() + term.termDays * DAY);
    const { split } = await orderSplit(tx, orderId);
    for (const subOrder of order.subOrders) {
      await tx.payment.create({
        data: {
          orderId,
          subOrderId: subOrder.id,
          provider: "MANUAL",
          method: "BANK_TRANSFER",
          currency: order.currency,
          amountMinor: subOrder.totalMinor,
          reference: paymentReference(orderId, subOrder.id),
          dueAt,
          recordedById: actor.id,
        },
        select: { id: true },
      });
      const share = split.shares.find((s) => s.key.subOrderId === subOrder.id)!;
      await recordSubOrderSale(tx, orderId, order.buyerId, order.currency, share);
    }
    await recordAudit(
      {
        action: "payment.pay_later",
        actorUserId: actor.id,
        organizationId: order.buyerId,
        targetType: "Order",
        targetId: orderId,
        details: { amountMinor: order.totalMinor, dueAt: dueAt.toISOString() },
      },
      tx,
    );
    return true;
  });
  // Credit secures the payment: the sub-orders move on to the cooperatives.
  for (const subOrder of order.subOrders) {
    try {
      await transitionSubOrder(subOrder.id, "CONFIRMED", {
        userId: actor.id,
        reason: "pay later",
      });
    } catch (error) {
      if (!(error instanceof OrderError)) throw error;
    }
  }
  return { placed };
}

/** A buyer's account statement: what it owes, its limit, and each unpaid payment with its due date. */
export async function buyerStatement(buyerId: number, currency: Currency, now = new Date()) {
  const [owes, terms, open] = await Promise.all([
    buyerOwes(buyerId, currency),
    prisma.creditTerms.findUnique({
      where: { buyerId },
      select: { currency: true, creditLimitMinor: true, termDays: true },
    }),
    prisma.payment.findMany({
      where: { order: { buyerId }, currency, status: "PENDING", dueAt: { not: null } },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        orderId: true,
        amountMinor: true,
        reference: true,
        dueAt: true,
        subOrder: { select: { cooperative: { select: { nameKm: true, nameEn: true } } } },
      },
    }),
  ]);
  const limit = terms?.currency === currency ? terms.creditLimitMinor : 0;
  return {
    owesMinor: owes,
    creditLimitMinor: limit,
    availableMinor: Math.max(0, limit - owes),
    termDays: terms?.currency === currency ? terms.termDays : null,
    open: open.map((p) => ({ ...p, overdue: p.dueAt! < now })),
  };
}
