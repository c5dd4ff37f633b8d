// Money follows what was delivered. A sub-order's amount due changes when it is packed (re-priced
// by weight), when the buyer records what arrived, and when it is rejected or cancelled (nothing is
// due). A payment still waiting is changed to the new amount; a pay-later sale is reduced to it;
// a payment already received gives back the difference through the provider that took it. Each
// follow-up decides under the sub-order's lock from what is recorded (app/payments/due.server.ts).
import { prisma } from "~/db/db.server";
import { followDueInLock } from "./due.server";
import { stripeProvider } from "./providers.server";
import { confirmPaidSubOrders, PaymentError, withSubOrderLock } from "./settlement.server";

export { amountDue } from "./settlement.server";

/**
 * Brings a sub-order's money in line with what is due now. Safe to run again, or at the same moment
 * as any other money movement of the sub-order: what to give back is computed under its lock from
 * what was received and what was already given back (or is on its way). Returns what was refunded.
 */
export async function followAmountDue(subOrderId: number) {
  const followed = await withSubOrderLock(subOrderId, followDueInLock);
  const { refundedMinor, stripe } = followed;
  if ("owedBackMinor" in followed && followed.owedBackMinor)
    console.warn(
      `Sub-order ${subOrderId}: ${followed.owedBackMinor} paid through PayWay is owed back to the buyer; PayWay refunds are not built, an admin refunds it in PayWay's merchant portal`,
    );
  if (!stripe) return { refundedMinor };
  const provider = stripeProvider();
  if (!provider) throw new PaymentError("payments.stripeNotConfigured");
  const refund = await provider.refundExcess(subOrderId);
  return { refundedMinor: refund?.amountMinor ?? 0 };
}

/**
 * Catches up on adjustments that did not happen (the process stopped between an order move and its
 * payment follow-up, or a provider refused). Run on a schedule; safe to run at any time. One
 * sub-order that fails is logged and tried again next time; the others go on.
 */
export async function followAllAmountsDue() {
  const candidates = await prisma.subOrder.findMany({
    where: {
      status: { in: ["PACKED", "DELIVERED", "SETTLED", "REJECTED", "CANCELLED"] },
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
  for (const subOrder of candidates) {
    try {
      if ((await followAmountDue(subOrder.id)).refundedMinor > 0) refunded += 1;
    } catch (error) {
      console.warn(
        `Money follow-up of sub-order ${subOrder.id} failed; retried next run:`,
        error instanceof Error ? error.message : error,
      );
    }
  }
  return refunded;
}

/**
 * The order's money is in (any provider): waiting parts are confirmed. A part cancelled or rejected
 * before it arrived (the payment time ran out while the buyer was paying) follows what is due, as
 * any part whose amount due fell. The payment is recorded whatever happens here: a follow-up that
 * cannot go now (another refund's outcome still unknown) is left to the hourly run, and the others
 * still go.
 */
export async function followOrderPaid(orderId: number) {
  await confirmPaidSubOrders(orderId, null);
  const gone = await prisma.subOrder.findMany({
    where: { orderId, status: { in: ["CANCELLED", "REJECTED"] } },
    select: { id: true },
  });
  for (const subOrder of gone) {
    try {
      await followAmountDue(subOrder.id);
    } catch (error) {
      console.warn(
        `Sub-order ${subOrder.id}: follow-up after payment deferred to the hourly run:`,
        error instanceof Error ? error.message : error,
      );
    }
  }
}
