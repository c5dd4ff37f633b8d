// What both providers share: who may act, how an order's money is split (from the database), the
// sale recorded per sub-order, what is left to release, and moving paid sub-orders on.
import { can, type Actor, type Permission } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { type Currency } from "~/db/generated/enums";
import { env } from "~/env.server";
import { OrderError, transitionSubOrder } from "~/orders/orders.server";
import {
  debtRecoveryEntries,
  paymentEntries,
  postTransaction,
  saleEntries,
  type SplitShareRef,
  type Tx,
} from "./ledger.server";
import { splitPayment, type Share } from "./split";
import { DomainError } from "~/validation/errors";

/** A refusal the person can act on; `key` is a translation key. */
export class PaymentError extends DomainError {
  constructor(key: string) {
    super(key);
    this.name = "PaymentError";
  }
}

/** The signed-in user, as `requireUser` returns it. */
export type PaymentActor = Actor & { id: number };

export function assertCan(actor: PaymentActor, permission: Permission, organizationId: number) {
  if (!can(actor, permission, organizationId)) throw new PaymentError("payments.forbidden");
}

/** The order a payment is started for, once the actor may pay it (its buyer's people). */
export async function orderToPay(orderId: number, actor: PaymentActor) {
  const order = await prisma.order.findUnique({
    where: { id: orderId },
    select: { buyerId: true, currency: true, totalMinor: true },
  });
  if (!order) throw new PaymentError("payments.orderNotFound");
  assertCan(actor, "pay:orders:own", order.buyerId);
  return order;
}

/**
 * The permission check for a sub-order's money, before anything about its payments is read: an
 * outsider gets "forbidden" whether the sub-order exists, is paid or not (no `notPaid` leak).
 */
export async function assertCanManageSubOrder(actor: PaymentActor | null, subOrderId: number) {
  if (!actor) return;
  const subOrder = await prisma.subOrder.findUnique({
    where: { id: subOrderId },
    select: { cooperativeId: true },
  });
  if (!subOrder) {
    if (actor.isAdmin) throw new PaymentError("payments.subOrderNotFound");
    throw new PaymentError("payments.forbidden");
  }
  assertCan(actor, "manage:payments:own", subOrder.cooperativeId);
}

/** The union fee rate for a cooperative: its union's own rate, else the platform default. */
async function feeRates(db: Tx, cooperativeIds: number[]) {
  const profiles = await db.paymentProfile.findMany({
    where: { organizationId: { in: cooperativeIds } },
    select: {
      organizationId: true,
      unionId: true,
      union: { select: { paymentProfile: { select: { serviceFeeBps: true } } } },
    },
  });
  const byId = new Map(profiles.map((p) => [p.organizationId, p]));
  return (cooperativeId: number) => {
    const profile = byId.get(cooperativeId);
    return {
      unionId: profile?.unionId ?? null,
      feeRateBps: profile?.union?.paymentProfile?.serviceFeeBps ?? env.PLATFORM_FEE_BPS,
    };
  };
}

/**
 * The order's split, computed from what each sub-order is worth now: what was ordered until it is
 * packed, then what was packed and then delivered (`finalTotalMinor`). Largest-remainder rounding
 * across the whole order; deterministic, so it can be recomputed. A sale is recorded from it when
 * the sub-order's money is secured; later changes are refunds, never a second sale.
 */
export async function orderSplit(db: Tx, orderId: number) {
  const order = await db.order.findUnique({
    where: { id: orderId },
    select: {
      id: true,
      buyerId: true,
      currency: true,
      totalMinor: true,
      subOrders: {
        orderBy: { id: "asc" },
        select: {
          id: true,
          cooperativeId: true,
          totalMinor: true,
          finalTotalMinor: true,
          status: true,
        },
      },
    },
  });
  if (!order) throw new PaymentError("payments.orderNotFound");
  const worth = (s: { totalMinor: number; finalTotalMinor: number | null }) =>
    s.finalTotalMinor ?? s.totalMinor;
  const rateOf = await feeRates(
    db,
    order.subOrders.map((s) => s.cooperativeId),
  );
  const split = splitPayment<SplitShareRef>(
    order.subOrders.reduce((sum, s) => sum + worth(s), 0),
    order.subOrders.map((s) => {
      const { unionId, feeRateBps } = rateOf(s.cooperativeId);
      return {
        key: { subOrderId: s.id, cooperativeId: s.cooperativeId, unionId },
        amountMinor: worth(s),
        feeRateBps,
      };
    }),
  );
  return { order, split };
}

export function shareOf(split: { shares: Share<SplitShareRef>[] }, subOrderId: number) {
  const share = split.shares.find((s) => s.key.subOrderId === subOrderId);
  if (!share) throw new PaymentError("payments.subOrderNotFound");
  return share;
}

/** What the buyer owes for a sub-order now: nothing once it is rejected or cancelled. */
export function amountDue(subOrder: {
  status: string;
  totalMinor: number;
  finalTotalMinor: number | null;
}) {
  if (subOrder.status === "CANCELLED" || subOrder.status === "REJECTED") return 0;
  return subOrder.finalTotalMinor ?? subOrder.totalMinor;
}

/**
 * Every money movement of a sub-order (its sale, payment, refunds, payout, reversals, pay-later
 * credit) holds this row lock while it reads what is recorded and decides what to do, so two of
 * them never decide on the same facts. Taken first, before anything is read.
 */
export async function lockSubOrder(tx: Tx, subOrderId: number) {
  const rows = await tx.$queryRaw<LockedSubOrder[]>`
    SELECT "id", "orderId", "cooperativeId", "status"::text AS "status", "totalMinor", "finalTotalMinor"
      FROM "SubOrder" WHERE "id" = ${subOrderId} FOR UPDATE`;
  const subOrder = rows[0];
  if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
  return subOrder;
}

export type LockedSubOrder = {
  id: number;
  orderId: number;
  cooperativeId: number;
  status: string;
  totalMinor: number;
  finalTotalMinor: number | null;
};

/** Locks all of an order's sub-orders (a card payment covers them all), in id order. */
export async function lockOrderSubOrders(tx: Tx, orderId: number) {
  await tx.$queryRaw`SELECT "id" FROM "SubOrder" WHERE "orderId" = ${orderId} ORDER BY "id" FOR UPDATE`;
}

/** Runs `work` in a transaction holding the sub-order's money lock. */
export function withSubOrderLock<T>(
  subOrderId: number,
  work: (tx: Tx, subOrder: LockedSubOrder) => Promise<T>,
) {
  return prisma.$transaction(async (tx) => work(tx, await lockSubOrder(tx, subOrderId)), {
    maxWait: 10_000,
    timeout: 30_000,
  });
}

// Keys name the sub-order and the fact, never the cooperative: one cooperative can have several
// sub-orders (delivery dates) in one order.
export const saleKey = (subOrderId: number) => `sub-order:${subOrderId}:sale`;
export const payoutKey = (subOrderId: number, attempt = 1) =>
  attempt === 1
    ? `sub-order:${subOrderId}:payout`
    : `sub-order:${subOrderId}:payout:attempt-${attempt}`;
/** Money given back (`refund`) or a pay-later amount no longer owed (`credit`), numbered per sub-order. */
export const refundKey = (
  subOrderId: number,
  kind: "refund" | "credit",
  cause: RefundCause,
  version: number,
) => `sub-order:${subOrderId}:${kind}:${cause}:v${version}`;
export type RefundCause = "delivery-change" | "cancelled" | "rejected" | "requested";

/** Why what is due fell, for a follow-up refund's key. */
export function causeOf(status: string): RefundCause {
  if (status === "CANCELLED") return "cancelled";
  if (status === "REJECTED") return "rejected";
  return "delivery-change";
}

/** The next version number of a sub-order's refund keys (under its lock). */
export async function nextRefundVersion(tx: Tx, subOrderId: number) {
  return (await tx.refund.count({ where: { subOrderId } })) + 1;
}

/** Records one sub-order's sale (once): the buyer owes its amount, the cooperative its net, the union its fee. */
export async function recordSubOrderSale(
  tx: Tx,
  orderId: number,
  buyerId: number,
  currency: Currency,
  share: Share<SplitShareRef>,
) {
  return postTransaction(tx, {
    kind: "SALE",
    idempotencyKey: saleKey(share.key.subOrderId),
    currency,
    orderId,
    subOrderId: share.key.subOrderId,
    entries: saleEntries(buyerId, {
      totalMinor: share.grossMinor,
      feeMinor: share.feeMinor,
      shares: [share],
    }),
  });
}

/**
 * A sub-order's share as its sale recorded it in the ledger (amounts may change after delivery;
 * what was sold, and its fee, stay as recorded). Null when the sub-order has not been paid.
 */
export async function recordedShare(
  tx: Tx,
  subOrder: { id: number; orderId: number; cooperativeId: number },
): Promise<Share<SplitShareRef> | null> {
  // Found by kind and sub-order, so sales recorded under the older per-cooperative key still count.
  const sale = await tx.ledgerTransaction.findFirst({
    where: { kind: "SALE", subOrderId: subOrder.id },
    orderBy: { id: "asc" },
    select: {
      entries: {
        select: {
          amountMinor: true,
          account: { select: { kind: true, organizationId: true } },
        },
      },
    },
  });
  if (!sale) return null;
  let grossMinor = 0;
  let netMinor = 0;
  let feeMinor = 0;
  let unionId: number | null = null;
  for (const entry of sale.entries) {
    if (entry.account.kind === "BUYER_RECEIVABLE") grossMinor += entry.amountMinor;
    if (entry.account.kind === "COOPERATIVE_PAYABLE") netMinor -= entry.amountMinor;
    if (entry.account.kind === "FEE_REVENUE") {
      feeMinor -= entry.amountMinor;
      unionId = entry.account.organizationId;
    }
  }
  return {
    key: { subOrderId: subOrder.id, cooperativeId: subOrder.cooperativeId, unionId },
    grossMinor,
    netMinor,
    feeMinor,
  };
}

/**
 * How a refund of `amountMinor` on a sub-order divides between the cooperative and the union.
 * Cumulative rounding: refunding the whole sub-order in any number of steps gives back exactly
 * its net share and its fee.
 */
export function refundPortion(
  share: Share<SplitShareRef>,
  refundedBeforeMinor: number,
  amountMinor: number,
) {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
    throw new PaymentError("payments.invalidAmount");
  if (refundedBeforeMinor + amountMinor > share.grossMinor)
    throw new PaymentError("payments.refundTooLarge");
  const netAt = (refunded: number) =>
    share.grossMinor === 0 ? 0 : Math.round((refunded * share.netMinor) / share.grossMinor);
  const netMinor = netAt(refundedBeforeMinor + amountMinor) - netAt(refundedBeforeMinor);
  return { netMinor, feeMinor: amountMinor - netMinor };
}

/**
 * What of a sub-order has been refunded so far (gross, and the cooperative's part), and how much of
 * it was refunds someone asked for (a concession, on top of what delivery changes give back).
 */
export async function refundedSoFar(db: Tx, subOrderId: number) {
  const [sums, requested] = await Promise.all([
    db.refund.aggregate({
      where: { subOrderId, status: { not: "FAILED" } },
      _sum: { amountMinor: true, netMinor: true },
    }),
    db.refund.aggregate({
      where: {
        subOrderId,
        status: { not: "FAILED" },
        idempotencyKey: { startsWith: `sub-order:${subOrderId}:refund:requested:` },
      },
      _sum: { amountMinor: true },
    }),
  ]);
  return {
    grossMinor: sums._sum.amountMinor ?? 0,
    netMinor: sums._sum.netMinor ?? 0,
    requestedMinor: requested._sum.amountMinor ?? 0,
  };
}

/**
 * What the buyer should end up paying for a sub-order: what is due for what was delivered, less
 * the refunds asked for. A requested refund is a concession whichever comes first, it or the
 * delivery change, so the outcome does not depend on the order of the clicks.
 */
export function amountToKeep(due: number, refunded: { requestedMinor: number }) {
  return Math.max(0, due - refunded.requestedMinor);
}

/** Money received (or owed) for a sub-order that is no longer to be kept: to give back. */
export async function excessOf(
  db: Tx,
  subOrder: { id: number; status: string; totalMinor: number; finalTotalMinor: number | null },
  share: { grossMinor: number },
) {
  const refunded = await refundedSoFar(db, subOrder.id);
  return share.grossMinor - refunded.grossMinor - amountToKeep(amountDue(subOrder), refunded);
}

/**
 * What to pay a delivered sub-order's cooperative now (both providers, under the sub-order's lock):
 * its recorded net share, less its part of refunds, less the debt earlier attempts already
 * recovered from it, less the cooperative's debt (recorded as recovered here under `key`).
 * Refuses an unpaid sub-order, one whose amount due was not yet given back, or one with nothing left.
 */
export async function releasableShare(
  tx: Tx,
  subOrder: LockedSubOrder & { order: { currency: Currency } },
  key: string,
) {
  const share = await recordedShare(tx, subOrder);
  if (!share) throw new PaymentError("payments.notPaid");
  const refunded = await refundedSoFar(tx, subOrder.id);
  // A payout never goes ahead of a refund still owed to the buyer.
  if (share.grossMinor - refunded.grossMinor > amountToKeep(amountDue(subOrder), refunded))
    throw new PaymentError("payments.tryAgain");
  const recoveredBefore = await tx.ledgerEntry.aggregate({
    where: {
      transaction: { kind: "DEBT_RECOVERY", subOrderId: subOrder.id },
      account: { kind: "COOPERATIVE_PAYABLE" },
    },
    _sum: { amountMinor: true },
  });
  const due = share.netMinor - refunded.netMinor - (recoveredBefore._sum.amountMinor ?? 0);
  const debt = await tx.ledgerEntry.aggregate({
    where: {
      account: { key: `COOPERATIVE_DEBT:${subOrder.cooperativeId}:${subOrder.order.currency}` },
    },
    _sum: { amountMinor: true },
  });
  const recovered = Math.min(Math.max(due, 0), debt._sum.amountMinor ?? 0);
  if (recovered > 0) {
    await postTransaction(tx, {
      kind: "DEBT_RECOVERY",
      idempotencyKey: `${key}:debt`,
      currency: subOrder.order.currency,
      orderId: subOrder.orderId,
      subOrderId: subOrder.id,
      entries: debtRecoveryEntries(subOrder.cooperativeId, recovered),
    });
  }
  const amountMinor = due - recovered;
  if (amountMinor <= 0) throw new PaymentError("payments.nothingToRelease");
  return { amountMinor, recoveredMinor: recovered };
}

/**
 * Payment secured: moves the order's paid sub-orders from PLACED to CONFIRMED. Safe to run again
 * (a replayed event, or after a crash between the payment and this step): only PLACED sub-orders
 * with a succeeded payment move.
 */
export async function confirmPaidSubOrders(orderId: number, actorUserId: number | null) {
  const subOrders = await prisma.subOrder.findMany({
    where: {
      orderId,
      status: "PLACED",
      OR: [
        { payments: { some: { status: "SUCCEEDED" } } },
        { order: { payments: { some: { status: "SUCCEEDED", subOrderId: null } } } },
      ],
    },
    select: { id: true },
  });
  for (const subOrder of subOrders) {
    try {
      await transitionSubOrder(subOrder.id, "CONFIRMED", {
        userId: actorUserId,
        reason: "payment secured",
      });
    } catch (error) {
      // Someone moved it first (cancelled, or confirmed by a concurrent call): nothing to do.
      if (!(error instanceof OrderError)) throw error;
    }
  }
}

/** Marks a released sub-order settled, unless it is already. */
export async function settleSubOrder(subOrderId: number, actorUserId: number | null) {
  try {
    await transitionSubOrder(subOrderId, "SETTLED", { userId: actorUserId, reason: "paid out" });
  } catch (error) {
    if (!(error instanceof OrderError)) throw error;
  }
}

/**
 * A whole-order payment taken into the platform's account (a card through Stripe, a KHQR through
 * PayWay) is recorded: each sub-order's sale and the payment itself, once (the key names the
 * payment). The caller holds every sub-order's lock and has just moved the payment to SUCCEEDED.
 */
export async function recordOrderPaymentReceived(
  tx: Tx,
  payment: { id: number; orderId: number; amountMinor: number },
) {
  const { order, split } = await orderSplit(tx, payment.orderId);
  for (const share of split.shares)
    await recordSubOrderSale(tx, order.id, order.buyerId, order.currency, share);
  await postTransaction(tx, {
    kind: "PAYMENT",
    idempotencyKey: `payment:${payment.id}:received`,
    currency: order.currency,
    orderId: order.id,
    // The platform's account holds the money until the payouts.
    entries: paymentEntries(order.buyerId, null, payment.amountMinor),
  });
  return order;
}
