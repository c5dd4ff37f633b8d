// The job that confirms KHQR payments without a person: every pending manual KHQR payment whose
// code has not long expired is checked with Bakong by its MD5, and a paid one is recorded as
// received (under the sub-order's lock, key `payment:ID:received`, so a second run or the lead's
// manual recording at the same moment records it once). The lead's manual recording stays the
// fallback. An amount other than what is due is not recorded: it is reported for the lead.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { BakongUnknownOutcome, createBakongDriver, type BakongDriver } from "./bakong-api.server";
import { recordReceived } from "./manual.server";

/** Bakong acknowledges a payment a little after the code's expiry; keep asking this long after. */
const GRACE_MS = 10 * 60_000;

export type KhqrCheckOutcome =
  | { paymentId: number; outcome: "recorded" | "already" | "unpaid" | "unknown" }
  | {
      paymentId: number;
      outcome: "mismatch";
      paidMinor: number;
      dueMinor: number;
      toAccountId: string;
    };

export async function confirmKhqrPayments(driver: BakongDriver, now = new Date()) {
  const pending = await prisma.payment.findMany({
    where: {
      provider: "MANUAL",
      method: "KHQR",
      status: "PENDING",
      khqrMd5: { not: null },
      khqrExpiresAt: { gt: new Date(now.getTime() - GRACE_MS) },
      subOrderId: { not: null },
    },
    orderBy: { id: "asc" },
    select: {
      id: true,
      orderId: true,
      currency: true,
      amountMinor: true,
      khqrMd5: true,
      subOrder: {
        select: {
          id: true,
          cooperativeId: true,
          cooperative: { select: { paymentProfile: { select: { bakongAccountId: true } } } },
        },
      },
    },
  });
  const outcomes: KhqrCheckOutcome[] = [];
  for (const payment of pending) {
    const subOrder = payment.subOrder!;
    let check;
    try {
      check = await driver.checkTransactionByMd5(payment.khqrMd5!);
    } catch (error) {
      // No answer is not "unpaid": the next run asks again; nothing is written.
      if (error instanceof BakongUnknownOutcome) {
        outcomes.push({ paymentId: payment.id, outcome: "unknown" });
        continue;
      }
      throw error;
    }
    if (!check.paid) {
      outcomes.push({ paymentId: payment.id, outcome: "unpaid" });
      continue;
    }
    const account = subOrder.cooperative.paymentProfile?.bakongAccountId;
    if (
      check.currency !== payment.currency ||
      check.amountMinor !== payment.amountMinor ||
      check.toAccountId !== account
    ) {
      await recordAudit({
        action: "payment.khqr_mismatch",
        actorUserId: null,
        organizationId: subOrder.cooperativeId,
        targetType: "Payment",
        targetId: payment.id,
        details: {
          paidMinor: check.amountMinor,
          currency: check.currency,
          dueMinor: payment.amountMinor,
          toAccountId: check.toAccountId,
          bakongHash: check.hash,
        },
      });
      outcomes.push({
        paymentId: payment.id,
        outcome: "mismatch",
        paidMinor: check.amountMinor,
        dueMinor: payment.amountMinor,
        toAccountId: check.toAccountId,
      });
      continue;
    }
    const { recorded } = await recordReceived(
      {
        id: payment.id,
        orderId: payment.orderId,
        subOrderId: subOrder.id,
        cooperativeId: subOrder.cooperativeId,
      },
      { amountMinor: check.amountMinor, reference: `bakong:${check.hash}` },
      null,
    );
    outcomes.push({ paymentId: payment.id, outcome: recorded ? "recorded" : "already" });
  }
  return outcomes;
}

/** The scheduled run: with the configured Bakong API, or nothing when no token is set. */
export async function confirmKhqrWithBakong() {
  if (!env.BAKONG_API_TOKEN) return [];
  return confirmKhqrPayments(
    createBakongDriver({ apiBase: env.BAKONG_API_BASE, token: env.BAKONG_API_TOKEN }),
  );
}
