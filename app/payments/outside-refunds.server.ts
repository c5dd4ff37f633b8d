// Refunds made outside Phsar (the Stripe Dashboard) on a card charge that paid several
// sub-orders: the charge.refunded webhook records them (stripe-events.server.ts), and a platform
// admin says which sub-orders they were for. The allocation is an ordinary refund of each
// sub-order, under the order's sub-order locks, so payouts, reversals, member allocations and the
// money checker treat it like any other refund asked for.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { allocateAfterPayout } from "./members.server";
import { postTransaction, refundEntries } from "./ledger.server";
import { stripeProvider } from "./providers.server";
import {
  assertCan,
  lockOrderSubOrders,
  PaymentError,
  recordedShare,
  refundedSoFar,
  refundPortion,
  type LockedSubOrder,
  type PaymentActor,
} from "./settlement.server";

export type OutsideRefundPart = { subOrderId: number; amountMinor: number };

export const outsideRefundKey = (subOrderId: number, outsideRefundId: number) =>
  `sub-order:${subOrderId}:refund:requested:outside-${outsideRefundId}`;

/** Outside refunds not yet allocated, oldest first, with what each sub-order could still take. */
export async function listOutsideRefunds(actor: PaymentActor) {
  assertCan(actor, "allocate:refunds:any", 0);
  const rows = await prisma.outsideRefund.findMany({
    where: { allocatedAt: null },
    orderBy: { id: "asc" },
    take: 100,
    select: {
      id: true,
      amountMinor: true,
      stripeChargeId: true,
      createdAt: true,
      payment: { select: { orderId: true, currency: true } },
    },
  });
  const result = [];
  for (const row of rows) {
    const subOrders = await prisma.subOrder.findMany({
      where: { orderId: row.payment.orderId },
      orderBy: { id: "asc" },
      select: {
        id: true,
        orderId: true,
        status: true,
        deliveryDate: true,
        cooperativeId: true,
        cooperative: { select: { nameKm: true, nameEn: true } },
      },
    });
    const parts = [];
    for (const s of subOrders) {
      const share = await recordedShare(prisma, s);
      const refunded = await refundedSoFar(prisma, s.id);
      parts.push({ ...s, refundableMinor: share ? share.grossMinor - refunded.grossMinor : 0 });
    }
    result.push({ ...row, subOrders: parts });
  }
  return result;
}

/**
 * Allocates outside refund `outsideRefundId` to sub-orders of its order, once: the parts must add
 * up to it and none may take more than its sub-order still holds. All or nothing.
 */
export async function allocateOutsideRefund(
  outsideRefundId: number,
  parts: OutsideRefundPart[],
  actor: PaymentActor,
) {
  assertCan(actor, "allocate:refunds:any", 0);
  const found = await prisma.outsideRefund.findUnique({
    where: { id: outsideRefundId },
    select: { payment: { select: { orderId: true } } },
  });
  if (!found) throw new PaymentError("payments.outsideRefundNotFound");
  const orderId = found.payment.orderId;
  const given = parts.filter((p) => p.amountMinor !== 0);
  if (given.some((p) => !Number.isSafeInteger(p.amountMinor) || p.amountMinor < 0))
    throw new PaymentError("payments.invalidAmount");
  if (new Set(given.map((p) => p.subOrderId)).size !== given.length)
    throw new PaymentError("payments.invalidAmount");

  const made = await prisma.$transaction(
    async (tx) => {
      // The webhook takes the same sub-order locks before this row's: same order, no deadlock.
      await lockOrderSubOrders(tx, orderId);
      const [row] = await tx.$queryRaw<
        { amountMinor: number; allocatedAt: Date | null; paymentId: number; currency: string }[]
      >`
        SELECT o."amountMinor", o."allocatedAt", o."paymentId", p."currency"::text AS "currency"
          FROM "OutsideRefund" o JOIN "Payment" p ON p."id" = o."paymentId"
         WHERE o."id" = ${outsideRefundId} FOR UPDATE OF o`;
      if (row!.allocatedAt) throw new PaymentError("payments.outsideRefundAllocated");
      if (given.reduce((sum, p) => sum + p.amountMinor, 0) !== row!.amountMinor)
        throw new PaymentError("payments.outsideRefundSum");
      const subOrders = await tx.$queryRaw<LockedSubOrder[]>`
        SELECT "id", "orderId", "cooperativeId", "status"::text AS "status", "totalMinor", "finalTotalMinor"
          FROM "SubOrder" WHERE "orderId" = ${orderId} ORDER BY "id"`;
      const refunds = [];
      for (const part of given) {
        const subOrder = subOrders.find((s) => s.id === part.subOrderId);
        if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
        const share = await recordedShare(tx, subOrder);
        if (!share) throw new PaymentError("payments.notPaid");
        const before = await refundedSoFar(tx, subOrder.id);
        if (part.amountMinor > share.grossMinor - before.grossMinor)
          throw new PaymentError("payments.refundTooLarge");
        const portion = refundPortion(share, before.grossMinor, part.amountMinor);
        // Counted in a payout not yet started; after one started, its part is taken back.
        const transferStarted = await tx.transfer.count({
          where: { subOrderId: subOrder.id, status: { not: "FAILED" } },
        });
        const key = outsideRefundKey(subOrder.id, outsideRefundId);
        const refund = await tx.refund.create({
          data: {
            paymentId: row!.paymentId,
            subOrderId: subOrder.id,
            amountMinor: part.amountMinor,
            ...portion,
            status: "SUCCEEDED",
            reason: "refunded outside Phsar (Stripe Dashboard)",
            idempotencyKey: key,
            reversalSettledAt: transferStarted > 0 ? null : new Date(),
          },
          select: { id: true },
        });
        await postTransaction(tx, {
          kind: "REFUND",
          idempotencyKey: key,
          currency: row!.currency as "KHR" | "USD",
          orderId,
          subOrderId: subOrder.id,
          entries: refundEntries(null, {
            totalMinor: part.amountMinor,
            feeMinor: portion.feeMinor,
            shares: [{ key: share.key, grossMinor: part.amountMinor, ...portion }],
          }),
        });
        refunds.push({
          refundId: refund.id,
          subOrderId: subOrder.id,
          reverse: transferStarted > 0,
        });
      }
      await tx.outsideRefund.update({
        where: { id: outsideRefundId },
        data: { allocatedAt: new Date(), allocatedById: actor.id },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "payment.outside_refund_allocated",
          actorUserId: actor.id,
          targetType: "OutsideRefund",
          targetId: outsideRefundId,
          details: { parts: given },
        },
        tx,
      );
      return refunds;
    },
    { maxWait: 10_000, timeout: 30_000 },
  );

  // After a payout the cooperative's part is taken back from its account (or becomes its debt);
  // a reversal whose answer is lost is finished by the reconciliation job.
  const stripe = stripeProvider();
  for (const refund of made) {
    if (refund.reverse && stripe) {
      try {
        await stripe.reverseForRefund(refund.refundId);
      } catch (error) {
        if (!(error instanceof PaymentError)) throw error;
        console.warn(`Reversal for refund ${refund.refundId} left to reconciliation: ${error.key}`);
      }
    }
    if (await prisma.memberAllocation.count({ where: { subOrderId: refund.subOrderId } }))
      await allocateAfterPayout(refund.subOrderId);
  }
  return made;
}
