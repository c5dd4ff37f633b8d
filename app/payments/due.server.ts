// What a sub-order's money should be, decided under its lock from what is recorded: the buyer pays
// what was delivered. Money received and no longer due goes back (manual: recorded at once; card:
// the caller asks Stripe); on a pay-later account, what is no longer due is simply no longer owed.
import { recordAudit } from "~/audit/audit.server";
import { type Currency } from "~/db/generated/enums";
import {
  buyerReceivable,
  cooperativePayable,
  feeRevenue,
  postTransaction,
  refundEntries,
  type Tx,
} from "./ledger.server";
import {
  amountDue,
  causeOf,
  excessOf,
  nextRefundVersion,
  PaymentError,
  recordedShare,
  refundedSoFar,
  refundKey,
  refundPortion,
  type LockedSubOrder,
  type RefundCause,
} from "./settlement.server";

/** The buyer's money for the sub-order, once received: its own manual payment, or the order's card payment. */
export function receivedPayment(tx: Tx, subOrder: LockedSubOrder) {
  return tx.payment.findFirst({
    where: {
      orderId: subOrder.orderId,
      status: { in: ["SUCCEEDED", "REFUNDED"] },
      OR: [{ subOrderId: subOrder.id }, { subOrderId: null }],
    },
    orderBy: { id: "asc" },
    select: { id: true, provider: true, amountMinor: true, refundedMinor: true },
  });
}

async function orderOf(tx: Tx, orderId: number) {
  return tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { buyerId: true, currency: true },
  });
}

/**
 * A manual refund (the cooperative holds the buyer's money and gives it back): recorded at once,
 * under the sub-order's lock the caller holds.
 */
export async function recordManualRefund(
  tx: Tx,
  subOrder: LockedSubOrder,
  input: {
    paymentId: number;
    amountMinor: number;
    cause: RefundCause;
    reason?: string;
    actorUserId: number | null;
  },
) {
  const share = await recordedShare(tx, subOrder);
  if (!share) throw new PaymentError("payments.notPaid");
  const before = await refundedSoFar(tx, subOrder.id);
  const portion = refundPortion(share, before.grossMinor, input.amountMinor);
  const payment = await tx.payment.findUniqueOrThrow({
    where: { id: input.paymentId },
    select: { amountMinor: true, refundedMinor: true },
  });
  if (payment.refundedMinor + input.amountMinor > payment.amountMinor)
    throw new PaymentError("payments.refundTooLarge");
  await tx.payment.update({
    where: { id: input.paymentId },
    data: {
      refundedMinor: { increment: input.amountMinor },
      status:
        payment.refundedMinor + input.amountMinor === payment.amountMinor ? "REFUNDED" : undefined,
    },
    select: { id: true },
  });
  const key = refundKey(
    subOrder.id,
    "refund",
    input.cause,
    await nextRefundVersion(tx, subOrder.id),
  );
  const refund = await tx.refund.create({
    data: {
      paymentId: input.paymentId,
      subOrderId: subOrder.id,
      amountMinor: input.amountMinor,
      ...portion,
      status: "SUCCEEDED",
      reason: input.reason,
      idempotencyKey: key,
      // Manual refunds come before the payout, which counts them: nothing to take back.
      reversalSettledAt: new Date(),
    },
    select: { id: true },
  });
  const { currency } = await orderOf(tx, subOrder.orderId);
  await postTransaction(tx, {
    kind: "REFUND",
    idempotencyKey: key,
    currency,
    orderId: subOrder.orderId,
    subOrderId: subOrder.id,
    entries: refundEntries(subOrder.cooperativeId, {
      totalMinor: input.amountMinor,
      feeMinor: portion.feeMinor,
      shares: [{ key: share.key, grossMinor: input.amountMinor, ...portion }],
    }),
  });
  await recordAudit(
    {
      action: "payment.refunded",
      actorUserId: input.actorUserId,
      organizationId: subOrder.cooperativeId,
      targetType: "Refund",
      targetId: refund.id,
      details: { amountMinor: input.amountMinor, reason: input.reason ?? null, key },
    },
    tx,
  );
  return { refundId: refund.id, amountMinor: input.amountMinor, ...portion, debtMinor: 0 };
}

/** A pay-later amount no longer due: the buyer owes less, the cooperative and the union earn less. */
function creditEntries(
  buyerId: number,
  share: { key: { cooperativeId: number; unionId: number | null } },
  portion: { netMinor: number; feeMinor: number },
  amountMinor: number,
) {
  return [
    { ...cooperativePayable(share.key.cooperativeId), amountMinor: portion.netMinor },
    { ...feeRevenue(share.key.unionId), amountMinor: portion.feeMinor },
    { ...buyerReceivable(buyerId), amountMinor: -amountMinor },
  ].filter((p) => p.amountMinor !== 0);
}

async function recordCredit(
  tx: Tx,
  subOrder: LockedSubOrder,
  amountMinor: number,
  currencyAndBuyer: { buyerId: number; currency: Currency },
) {
  const share = (await recordedShare(tx, subOrder))!;
  const before = await refundedSoFar(tx, subOrder.id);
  const portion = refundPortion(share, before.grossMinor, amountMinor);
  const account = await tx.payment.findFirst({
    where: { subOrderId: subOrder.id, dueAt: { not: null } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  if (!account) throw new PaymentError("payments.paymentNotFound");
  const cause = causeOf(subOrder.status);
  const key = refundKey(subOrder.id, "credit", cause, await nextRefundVersion(tx, subOrder.id));
  const refund = await tx.refund.create({
    data: {
      paymentId: account.id,
      subOrderId: subOrder.id,
      amountMinor,
      ...portion,
      status: "SUCCEEDED",
      reason: `no longer owed: ${cause}`,
      idempotencyKey: key,
      reversalSettledAt: new Date(),
    },
    select: { id: true },
  });
  await postTransaction(tx, {
    kind: "REFUND",
    idempotencyKey: key,
    currency: currencyAndBuyer.currency,
    orderId: subOrder.orderId,
    subOrderId: subOrder.id,
    entries: creditEntries(currencyAndBuyer.buyerId, share, portion, amountMinor),
  });
  return refund.id;
}

/**
 * Under the sub-order's lock: brings its money in line with what is due now. A waiting payment
 * takes the amount due (or closes when nothing is); a pay-later sale is reduced to it; manual money
 * received and no longer due is refunded. Returns `stripe: true` when a card payment must give
 * money back (the caller asks Stripe, which cannot happen inside this transaction), and
 * `owedBackMinor` for a PayWay payment (refunds through PayWay are not built).
 */
export async function followDueInLock(tx: Tx, subOrder: LockedSubOrder) {
  const due = amountDue(subOrder);
  const share = await recordedShare(tx, subOrder);
  const received = await receivedPayment(tx, subOrder);
  const excess = share ? await excessOf(tx, subOrder, share) : 0;
  if (!received) {
    // Nothing paid yet. On account, the buyer owes what is due; a waiting payment asks for it.
    if (share && excess > 0)
      await recordCredit(tx, subOrder, excess, await orderOf(tx, subOrder.orderId));
    await tx.payment.updateMany({
      where: {
        subOrderId: subOrder.id,
        provider: "MANUAL",
        status: "PENDING",
        amountMinor: { not: due },
      },
      data: due === 0 ? { status: "FAILED" } : { amountMinor: due },
    });
    return { refundedMinor: 0, stripe: false };
  }
  if (!share || excess <= 0) return { refundedMinor: 0, stripe: false };
  if (received.provider === "STRIPE") return { refundedMinor: 0, stripe: true };
  // The platform's PayWay account holds this money and PayWay refunds are not built: it is owed
  // back (money-check shows it), never recorded as if the cooperative had handed it back.
  if (received.provider === "PAYWAY")
    return { refundedMinor: 0, stripe: false, owedBackMinor: excess };
  await recordManualRefund(tx, subOrder, {
    paymentId: received.id,
    amountMinor: excess,
    cause: causeOf(subOrder.status),
    reason: due === 0 ? `sub-order ${subOrder.status.toLowerCase()}` : "delivered amount changed",
    actorUserId: null,
  });
  return { refundedMinor: excess, stripe: false };
}
