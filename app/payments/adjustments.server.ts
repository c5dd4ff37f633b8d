// Money follows what was delivered. A sub-order's amount due changes when it is packed (re-priced
// by weight), when the buyer records what arrived, and when it is rejected or cancelled (nothing is
// due). A payment still waiting (cash on delivery, or not yet paid) is changed to the new amount; a
// payment already received gives back the difference through the provider that took it.
import { prisma } from "~/db/db.server";
import { providerOf } from "./providers.server";
import { PaymentError, recordedShare, refundedSoFar } from "./settlement.server";

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
 * Brings a sub-order's payment in line with what is due now. Safe to run again at any time: the
 * refund is the difference between what was received, what was already given back and what is
 * due, so a second run (or a run racing the first) refunds nothing more. Returns what was refunded.
 */
export async function followAmountDue(subOrderId: number) {
  const subOrder = await prisma.subOrder.findUnique({
    where: { id: subOrderId },
    select: {
      id: true,
      orderId: true,
      cooperativeId: true,
      status: true,
      totalMinor: true,
      finalTotalMinor: true,
    },
  });
  if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
  const due = amountDue(subOrder);

  // Not paid yet: what the cooperative will record as received is what is due now.
  await prisma.payment.updateMany({
    where: { subOrderId, provider: "MANUAL", status: "PENDING", amountMinor: { not: due } },
    data: due === 0 ? { status: "FAILED" } : { amountMinor: due },
  });

  // Paid already: give back what is no longer due, once.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const share = await recordedShare(prisma, subOrder);
    if (!share) return { refundedMinor: 0 };
    const refunded = await refundedSoFar(prisma, subOrderId);
    const excess = share.grossMinor - refunded.grossMinor - due;
    if (excess <= 0) return { refundedMinor: 0 };
    const paid = await prisma.payment.findFirst({
      where: {
        orderId: subOrder.orderId,
        status: { in: ["SUCCEEDED", "REFUNDED"] },
        OR: [{ subOrderId }, { subOrderId: null }],
      },
      orderBy: { id: "asc" },
      select: { provider: true },
    });
    if (!paid) return { refundedMinor: 0 };
    try {
      await providerOf(paid.provider).refundSubOrder(
        subOrderId,
        excess,
        null,
        due === 0 ? `sub-order ${subOrder.status.toLowerCase()}` : "delivered amount changed",
      );
      return { refundedMinor: excess };
    } catch (error) {
      // Another run refunded at the same moment: look again at what is left.
      if (error instanceof PaymentError && error.key === "payments.tryAgain") continue;
      throw error;
    }
  }
  throw new PaymentError("payments.tryAgain");
}

/**
 * Catches up on adjustments that did not happen (the process stopped between an order move and its
 * payment follow-up): every sub-order whose money is still held by its cooperative and whose amount
 * due may differ from what was received. Run on a schedule; safe to run at any time.
 */
export async function followAllAmountsDue() {
  const candidates = await prisma.subOrder.findMany({
    where: {
      status: { in: ["PACKED", "DELIVERED", "REJECTED", "CANCELLED"] },
      transfers: { none: {} },
      OR: [
        { payments: { some: { provider: "MANUAL", status: { in: ["PENDING", "SUCCEEDED"] } } } },
        // A card payment covers the whole order.
        { order: { payments: { some: { provider: "STRIPE", status: "SUCCEEDED" } } } },
      ],
    },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  let refunded = 0;
  for (const subOrder of candidates)
    if ((await followAmountDue(subOrder.id)).refundedMinor > 0) refunded += 1;
  return refunded;
}
