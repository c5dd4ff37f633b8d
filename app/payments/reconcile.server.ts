// Outcomes we never heard: a Stripe request that timed out or got a 500 left its row PENDING. Our
// rows carry the key and amount of the request, so asking Stripe again with the same key makes it
// at most once and tells us what happened; the answer is then recorded as if it had arrived.
import { prisma } from "~/db/db.server";
import { followAmountDue } from "./adjustments.server";
import { reconcilePayWayPayments } from "./payway-payments.server";
import { stripeProvider } from "./providers.server";

function warn(what: string, error: unknown) {
  console.warn(
    `Reconciling ${what} failed; retried next run:`,
    error instanceof Error ? error.message : error,
  );
}

/**
 * Records PayWay payments PayWay says are paid (reconcilePayWayPayments), settles every Stripe
 * refund and transfer whose outcome is unknown for longer than `olderThanMs`, and takes back the
 * cooperative's part of refunds that waited for a transfer.
 * Each row on its own: one that fails is logged and tried again next run.
 */
export async function reconcilePaymentOutcomes({
  olderThanMs = 10 * 60_000,
  now = new Date(),
}: { olderThanMs?: number; now?: Date } = {}) {
  // PayWay payments whose pushback never came (or whose recording was cut short) are asked about.
  const payway = await reconcilePayWayPayments({ now });
  const stripe = stripeProvider();
  if (!stripe) return { refunds: 0, transfers: 0, reversals: 0, payway };
  const before = new Date(now.getTime() - olderThanMs);
  const counts = { refunds: 0, transfers: 0, reversals: 0, payway };

  const transfers = await prisma.transfer.findMany({
    where: { status: "PENDING", stripeTransferId: null, createdAt: { lte: before } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  for (const transfer of transfers) {
    try {
      await stripe.resumeTransfer(transfer.id);
      counts.transfers += 1;
    } catch (error) {
      warn(`transfer ${transfer.id}`, error);
    }
  }

  const refunds = await prisma.refund.findMany({
    where: { status: "PENDING", payment: { provider: "STRIPE" }, createdAt: { lte: before } },
    orderBy: { id: "asc" },
    select: { id: true, subOrderId: true },
  });
  for (const refund of refunds) {
    try {
      await stripe.resumeRefund(refund.id);
      counts.refunds += 1;
    } catch (error) {
      warn(`refund ${refund.id}`, error);
      // Refused after all: what is due back is worked out again and asked for anew.
      try {
        await followAmountDue(refund.subOrderId);
      } catch (again) {
        warn(`sub-order ${refund.subOrderId}`, again);
      }
    }
  }

  const waiting = await prisma.refund.groupBy({
    by: ["subOrderId"],
    where: {
      status: "SUCCEEDED",
      reversalSettledAt: null,
      payment: { provider: "STRIPE" },
      subOrder: { transfers: { some: { status: { in: ["PAID", "REVERSED"] } } } },
    },
  });
  for (const { subOrderId } of waiting) {
    try {
      await stripe.reversePendingRefunds(subOrderId);
      counts.reversals += 1;
    } catch (error) {
      warn(`reversals of sub-order ${subOrderId}`, error);
    }
  }
  return counts;
}
