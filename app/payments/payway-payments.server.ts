// PayWay money in: the pushback route and the reconciliation both end here. A pushback is only a
// prompt ("look at transaction X"): anyone can post one and it carries no signature, so what is
// recorded comes from PayWay's check-transaction answer, under the money lock of every sub-order
// of the order, with the ledger key `payment:ID:received` — a replayed, concurrent or late prompt,
// or a re-run after a crash, records the money once.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { followOrderPaid } from "./adjustments.server";
import {
  confirmPushback,
  PayWayError,
  PayWayUnknownOutcome,
  PushbackBody,
  type PayWayDriver,
  type TransactionStatus,
} from "./payway.server";
import { paywayProvider } from "./providers.server";
import { lockOrderSubOrders, recordOrderPaymentReceived } from "./settlement.server";

export type PayWayRecording =
  /** The money is recorded now. */
  | "recorded"
  /** It was recorded before (a replay, a second run). */
  | "already recorded"
  /** PayWay says it is not paid (yet): nothing changes. */
  | "not paid"
  /** PayWay says it was declined or cancelled: this attempt is over, the buyer may pay again. */
  | "failed"
  /** Paid, but not what we asked for: not recorded, left to a person (audit log). */
  | "mismatch";

const paymentFields = {
  id: true,
  orderId: true,
  status: true,
  currency: true,
  amountMinor: true,
  paywayTranId: true,
} as const;

/**
 * Records what PayWay's check-transaction said about one of our payments. Decides under the locks
 * from the payment as it is then, so it may run at the same moment as another copy of itself.
 */
export async function recordPayWayStatus(
  paymentId: number,
  status: TransactionStatus,
): Promise<PayWayRecording> {
  const { orderId } = await prisma.payment.findUniqueOrThrow({
    where: { id: paymentId },
    select: { orderId: true },
  });
  const outcome = await prisma.$transaction(
    async (tx) => {
      // The sales and the payment are money movements of every sub-order of the order.
      await lockOrderSubOrders(tx, orderId);
      const payment = await tx.payment.findUniqueOrThrow({
        where: { id: paymentId },
        select: paymentFields,
      });
      if (payment.status === "SUCCEEDED" || payment.status === "REFUNDED")
        return "already recorded" as const;
      if (status.tranId !== payment.paywayTranId) return "mismatch" as const;
      if (status.status === "DECLINED" || status.status === "CANCELLED") {
        await tx.payment.updateMany({
          where: { id: paymentId, status: "PENDING" },
          data: { status: "FAILED" },
        });
        return "failed" as const;
      }
      if (status.status !== "APPROVED") return "not paid" as const;
      // An earlier attempt paid after all, once a later one was recorded: money arrived twice.
      // Never a second sale; a person gives it back (PayWay refunds are not built).
      const paidBefore = await tx.payment.count({
        where: { orderId, provider: "PAYWAY", status: { in: ["SUCCEEDED", "REFUNDED"] } },
      });
      if (paidBefore > 0) {
        await recordAudit(
          {
            action: "payment.payway_mismatch",
            targetType: "Payment",
            targetId: paymentId,
            details: { tranId: status.tranId, reason: "order already paid by another attempt" },
          },
          tx,
        );
        return "mismatch" as const;
      }
      if (
        status.currency !== payment.currency ||
        status.originalMinor !== payment.amountMinor ||
        status.paidMinor !== payment.amountMinor
      ) {
        // A short payment needs "the buyer still owes X" in the ledger, which is not built.
        await recordAudit(
          {
            action: "payment.payway_mismatch",
            targetType: "Payment",
            targetId: paymentId,
            details: {
              tranId: status.tranId,
              expected: { currency: payment.currency, amountMinor: payment.amountMinor },
              payway: {
                currency: status.currency,
                originalMinor: status.originalMinor,
                paidMinor: status.paidMinor,
              },
            },
          },
          tx,
        );
        return "mismatch" as const;
      }
      const moved = await tx.payment.updateMany({
        where: { id: paymentId, status: { in: ["PENDING", "FAILED"] } },
        data: { status: "SUCCEEDED", paywayApv: status.apv },
      });
      if (moved.count !== 1) return "already recorded" as const;
      const order = await recordOrderPaymentReceived(tx, payment);
      const gone = order.subOrders.filter(
        (s) => s.status === "CANCELLED" || s.status === "REJECTED",
      );
      await recordAudit(
        {
          action: "payment.received",
          organizationId: order.buyerId,
          targetType: "Payment",
          targetId: paymentId,
          details: {
            amountMinor: payment.amountMinor,
            provider: "PAYWAY",
            tranId: status.tranId,
            apv: status.apv,
            // Paid after the order was cancelled (its payment time ran out): owed back to the buyer.
            paidAfterCancelled: gone.map((s) => s.id),
          },
        },
        tx,
      );
      return "recorded" as const;
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
  if (outcome === "recorded" || outcome === "already recorded") await followOrderPaid(orderId);
  return outcome;
}

export type PushbackOutcome = { status: number; body: string };

/** Reads a pushback body as PayWay may send it: JSON or a form. Null when it is neither. */
export async function readPushback(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return (await request.json()) as unknown;
    return Object.fromEntries(await request.formData());
  } catch {
    return null;
  }
}

/**
 * The pushback route's whole job. 400: not a pushback, a transaction we never started, or one
 * PayWay does not know or describes differently (a forgery changes nothing). 200: handled, or
 * PayWay says it is not paid (ignored). 503: PayWay did not answer the check; PayWay retries,
 * and the reconciliation job asks again anyway.
 */
export async function receivePayWayPushback(
  body: unknown,
  driver: PayWayDriver | undefined = paywayProvider()?.driver,
): Promise<PushbackOutcome> {
  if (!driver) return { status: 404, body: "PayWay is not configured" };
  const parsed = PushbackBody.safeParse(body);
  if (!parsed.success) return { status: 400, body: "Not a PayWay pushback" };
  const payment = await prisma.payment.findUnique({
    where: { paywayTranId: parsed.data.tran_id },
    select: { id: true, provider: true, currency: true, amountMinor: true },
  });
  let confirmed;
  try {
    confirmed = await confirmPushback(driver, parsed.data, async () =>
      payment?.provider === "PAYWAY"
        ? { currency: payment.currency, amountMinor: payment.amountMinor }
        : null,
    );
  } catch (error) {
    if (error instanceof PayWayUnknownOutcome) {
      console.warn(`PayWay pushback for ${parsed.data.tran_id}: check-transaction unanswered`);
      return { status: 503, body: "Try again later" };
    }
    if (!(error instanceof PayWayError)) throw error;
    console.warn(`PayWay pushback for ${parsed.data.tran_id} refused: ${error.message}`);
    return { status: 400, body: "Not confirmed by PayWay" };
  }
  const outcome = await recordPayWayStatus(payment!.id, confirmed);
  if (outcome === "not paid")
    console.info(`PayWay pushback for ${parsed.data.tran_id}: not paid, ignored`);
  return { status: 200, body: outcome };
}

/**
 * Asks PayWay about the order's payments still waiting, by their tran_id, and records what it
 * says: a pushback that never came, or one whose check answered and then our process stopped
 * before writing. Safe to run at any time, any number of times.
 */
export async function reconcilePayWay(
  orderId: number,
  driver: PayWayDriver | undefined = paywayProvider()?.driver,
) {
  if (!driver) return [];
  const waiting = await prisma.payment.findMany({
    where: { orderId, provider: "PAYWAY", status: "PENDING", paywayTranId: { not: null } },
    orderBy: { id: "asc" },
    select: { id: true, paywayTranId: true },
  });
  const outcomes: { paymentId: number; outcome: PayWayRecording | "unknown at PayWay" }[] = [];
  for (const payment of waiting) {
    let status: TransactionStatus;
    try {
      status = await driver.checkTransaction(payment.paywayTranId!);
    } catch (error) {
      // Never purchased (PayWay was down when the buyer opened the page): nothing to record.
      if (error instanceof PayWayError && error.code === "2") {
        outcomes.push({ paymentId: payment.id, outcome: "unknown at PayWay" });
        continue;
      }
      throw error;
    }
    outcomes.push({ paymentId: payment.id, outcome: await recordPayWayStatus(payment.id, status) });
  }
  return outcomes;
}

/**
 * Every PayWay payment waiting longer than `olderThanMs` (and for at most `withinMs`), for the
 * payments-reconcile job. One order that fails is logged and tried again on the next run.
 */
export async function reconcilePayWayPayments({
  olderThanMs = 5 * 60_000,
  withinMs = 31 * 24 * 3_600_000,
  now = new Date(),
  driver = paywayProvider()?.driver,
}: { olderThanMs?: number; withinMs?: number; now?: Date; driver?: PayWayDriver } = {}) {
  if (!driver) return 0;
  const orders = await prisma.payment.groupBy({
    by: ["orderId"],
    where: {
      provider: "PAYWAY",
      status: "PENDING",
      createdAt: {
        lte: new Date(now.getTime() - olderThanMs),
        gte: new Date(now.getTime() - withinMs),
      },
    },
    orderBy: { orderId: "asc" },
  });
  let recorded = 0;
  for (const { orderId } of orders) {
    try {
      const outcomes = await reconcilePayWay(orderId, driver);
      recorded += outcomes.filter((o) => o.outcome === "recorded").length;
    } catch (error) {
      console.warn(
        `Reconciling PayWay payments of order ${orderId} failed; retried next run:`,
        error instanceof Error ? error.message : error,
      );
    }
  }
  return recorded;
}
