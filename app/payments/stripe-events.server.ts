// Stripe webhooks: the signature is checked on the raw body, each event id is stored under a unique
// constraint in the same transaction as its effect, and every handler checks the state it would
// change first, so events that arrive late, out of order or more than once change nothing twice.
import Stripe from "stripe";
import { z } from "zod";
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { followOrderPaid } from "./adjustments.server";
import { disputeEntries, postTransaction, type Tx } from "./ledger.server";
import { lockOrderSubOrders, recordOrderPaymentReceived } from "./settlement.server";
import { recordReversedTotal } from "./stripe.server";

export type WebhookEndpoint = "platform" | "connect";

export type WebhookOutcome = { status: number; body: string };

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);

type Effect = { afterCommit?: () => Promise<void> };

/** The event cannot be applied yet: nothing is stored, and Stripe retries it later. */
class RetryLater extends Error {
  override name = "RetryLater";
}

const paymentFields = {
  id: true,
  orderId: true,
  status: true,
  amountMinor: true,
  currency: true,
} as const;

/**
 * Our card payment that a PaymentIntent pays. A payment page (Checkout Session) creates its
 * PaymentIntent only when the buyer pays, so an intent we have not seen yet is found by the ids we
 * put in its metadata, and linked to the payment while that still waits for money.
 */
async function paymentOfIntent(tx: Tx, intent: Stripe.PaymentIntent) {
  const known = await tx.payment.findUnique({
    where: { stripePaymentIntentId: intent.id },
    select: paymentFields,
  });
  if (known) return known;
  const paymentId = Number(intent.metadata?.paymentId);
  const orderId = Number(intent.metadata?.orderId);
  if (!Number.isSafeInteger(paymentId) || !Number.isSafeInteger(orderId)) return null;
  const payment = await tx.payment.findFirst({
    where: { id: paymentId, orderId, provider: "STRIPE" },
    select: paymentFields,
  });
  if (!payment) return null;
  await tx.payment.updateMany({
    where: { id: payment.id, status: { in: ["PENDING", "FAILED"] } },
    data: { stripePaymentIntentId: intent.id },
  });
  return payment;
}

async function paymentIntentSucceeded(tx: Tx, intent: Stripe.PaymentIntent): Promise<Effect> {
  const payment = await paymentOfIntent(tx, intent);
  if (!payment) {
    // Ours (it names an order) but not recorded yet: have Stripe send it again later.
    if (intent.metadata?.orderId) throw new RetryLater(`payment ${intent.id} not recorded yet`);
    console.warn(`payment_intent.succeeded for ${intent.id}: not one of our payments, ignored`);
    return {};
  }
  // The sales are money movements of every sub-order of the order: under their locks.
  await lockOrderSubOrders(tx, payment.orderId);
  const current = await tx.payment.findUniqueOrThrow({
    where: { id: payment.id },
    select: { status: true },
  });
  if (current.status === "SUCCEEDED" || current.status === "REFUNDED")
    return { afterCommit: () => followOrderPaid(payment.orderId) };
  if (
    intent.amount_received !== payment.amountMinor ||
    intent.currency !== payment.currency.toLowerCase()
  ) {
    console.warn(
      `payment_intent.succeeded for ${intent.id}: received ${intent.amount_received} ${intent.currency}, ` +
        `expected ${payment.amountMinor} ${payment.currency}; not recorded`,
    );
    return {};
  }
  // A payment that failed once can still succeed on a later attempt with another card.
  const moved = await tx.payment.updateMany({
    where: { id: payment.id, status: { in: ["PENDING", "FAILED"] } },
    data: { status: "SUCCEEDED", stripeChargeId: idOf(intent.latest_charge) },
  });
  if (moved.count !== 1) return {};
  await recordOrderPaymentReceived(tx, payment);
  return { afterCommit: () => followOrderPaid(payment.orderId) };
}

async function paymentIntentFailed(tx: Tx, intent: Stripe.PaymentIntent): Promise<Effect> {
  const payment = await paymentOfIntent(tx, intent);
  // Only a pending payment fails: a late failure of an earlier attempt leaves a success alone.
  const moved = await tx.payment.updateMany({
    where: { id: payment?.id ?? -1, stripePaymentIntentId: intent.id, status: "PENDING" },
    data: { status: "FAILED" },
  });
  if (moved.count === 0)
    console.info(
      `payment_intent.payment_failed for ${intent.id}: no pending payment, nothing to do`,
    );
  return {};
}

/**
 * The buyer finished a payment page. The money itself is recorded by payment_intent.succeeded
 * (which carries the charge); this links the page's PaymentIntent to our payment, whichever of the
 * two events arrives first.
 */
async function checkoutSessionCompleted(tx: Tx, session: Stripe.Checkout.Session): Promise<Effect> {
  const intentId = idOf(session.payment_intent);
  if (!intentId) return {};
  const linked = await tx.payment.updateMany({
    where: {
      stripeCheckoutSessionId: session.id,
      provider: "STRIPE",
      status: { in: ["PENDING", "FAILED"] },
    },
    data: { stripePaymentIntentId: intentId },
  });
  if (linked.count === 0)
    console.info(`checkout.session.completed for ${session.id}: nothing to link`);
  return {};
}

async function chargeRefunded(tx: Tx, charge: Stripe.Charge): Promise<Effect> {
  const found = await tx.payment.findFirst({
    where: { stripeChargeId: charge.id },
    select: { id: true, orderId: true },
  });
  if (!found) {
    console.warn(`charge.refunded for ${charge.id}: not one of our payments, ignored`);
    return {};
  }
  // Our own refunds count themselves in refundedMinor under these locks before asking Stripe, so
  // what Stripe shows beyond it was given back elsewhere (the Dashboard).
  await lockOrderSubOrders(tx, found.orderId);
  const payment = await tx.payment.findUniqueOrThrow({
    where: { id: found.id },
    select: { id: true, amountMinor: true, refundedMinor: true },
  });
  const outside = charge.amount_refunded - payment.refundedMinor;
  if (outside <= 0) return {};
  const row = await tx.outsideRefund.create({
    data: {
      paymentId: payment.id,
      stripeChargeId: charge.id,
      amountMinor: outside,
      chargeRefundedMinor: charge.amount_refunded,
    },
    select: { id: true },
  });
  await tx.payment.update({
    where: { id: payment.id },
    data: {
      refundedMinor: charge.amount_refunded,
      ...(charge.amount_refunded >= payment.amountMinor ? { status: "REFUNDED" as const } : {}),
    },
    select: { id: true },
  });
  await recordAudit(
    {
      action: "payment.refunded_outside",
      targetType: "OutsideRefund",
      targetId: row.id,
      details: { stripeChargeId: charge.id, amountMinor: outside },
    },
    tx,
  );
  console.warn(
    `charge.refunded for ${charge.id}: ${outside} refunded outside Phsar; an admin allocates it`,
  );
  return {};
}

async function disputeCreated(tx: Tx, dispute: Stripe.Dispute): Promise<Effect> {
  const payment = await tx.payment.findFirst({
    where: { stripeChargeId: idOf(dispute.charge) ?? "" },
    select: { id: true, orderId: true, currency: true, order: { select: { buyerId: true } } },
  });
  if (!payment) {
    console.warn(`charge.dispute.created ${dispute.id}: not one of our charges, ignored`);
    return {};
  }
  const { created } = await postTransaction(tx, {
    kind: "DISPUTE",
    idempotencyKey: `dispute:${dispute.id}`,
    currency: payment.currency,
    orderId: payment.orderId,
    entries: disputeEntries(dispute.amount),
  });
  if (created)
    await recordAudit(
      {
        action: "payment.dispute_opened",
        organizationId: payment.order.buyerId,
        targetType: "Payment",
        targetId: payment.id,
        details: { disputeId: dispute.id, amountMinor: dispute.amount, reason: dispute.reason },
      },
      tx,
    );
  return {};
}

async function accountUpdated(tx: Tx, account: Stripe.Account, createdAt: Date): Promise<Effect> {
  // Full state in each event; an older event arriving after a newer one changes nothing.
  const updated = await tx.connectedAccount.updateMany({
    where: {
      stripeAccountId: account.id,
      OR: [{ stripeEventAt: null }, { stripeEventAt: { lte: createdAt } }],
    },
    data: {
      transfersActive: account.capabilities?.transfers === "active",
      payoutsEnabled: account.payouts_enabled ?? false,
      stripeEventAt: createdAt,
    },
  });
  if (updated.count === 0)
    console.info(`account.updated for ${account.id}: unknown account or an older event, ignored`);
  return {};
}

async function transferReversed(tx: Tx, transfer: Stripe.Transfer): Promise<Effect> {
  const { known } = await recordReversedTotal(tx, transfer.id, transfer.amount_reversed);
  if (!known)
    console.warn(`transfer.reversed for ${transfer.id}: not one of our transfers, ignored`);
  return {};
}

async function payoutFailed(
  tx: Tx,
  payout: Stripe.Payout,
  account: string | null,
): Promise<Effect> {
  const connected = account
    ? await tx.connectedAccount.findUnique({
        where: { stripeAccountId: account },
        select: { cooperativeId: true },
      })
    : null;
  if (!connected) {
    console.warn(`payout.failed ${payout.id}: not a cooperative's account, ignored`);
    return {};
  }
  // The money stays in the cooperative's Stripe balance; its lead must fix the bank details.
  await recordAudit(
    {
      action: "payment.payout_failed",
      organizationId: connected.cooperativeId,
      targetType: "StripePayout",
      targetId: payout.id,
      details: { amountMinor: payout.amount, failureCode: payout.failure_code ?? null },
    },
    tx,
  );
  console.warn(`payout.failed ${payout.id} for cooperative ${connected.cooperativeId}`);
  return {};
}

async function apply(tx: Tx, event: Stripe.Event): Promise<Effect> {
  const createdAt = new Date(event.created * 1000);
  switch (event.type) {
    case "payment_intent.succeeded":
      return paymentIntentSucceeded(tx, event.data.object);
    case "payment_intent.payment_failed":
      return paymentIntentFailed(tx, event.data.object);
    case "checkout.session.completed":
      return checkoutSessionCompleted(tx, event.data.object);
    case "charge.refunded":
      return chargeRefunded(tx, event.data.object);
    case "charge.dispute.created":
      return disputeCreated(tx, event.data.object);
    case "account.updated":
      return accountUpdated(tx, event.data.object, createdAt);
    case "transfer.reversed":
      return transferReversed(tx, event.data.object);
    case "payout.failed":
      return payoutFailed(tx, event.data.object, event.account ?? null);
    default:
      console.info(`Stripe event ${event.id} of type ${event.type} ignored`);
      return {};
  }
}

/** Applies one verified event once. Returns false when this event id was already handled. */
export async function processStripeEvent(event: Stripe.Event) {
  const outcome = await prisma.$transaction(
    async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO "StripeEvent" ("id", "type", "account") VALUES (${event.id}, ${event.type}, ${event.account ?? null})
        ON CONFLICT ("id") DO NOTHING`;
      if (inserted === 0) return null;
      return apply(tx, event);
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
  if (!outcome) {
    console.info(`Stripe event ${event.id} already handled`);
    return false;
  }
  await outcome.afterCommit?.();
  return true;
}

// A valid signature proves who sent a body, not that it is an event we can read: check the fields
// the handlers use before any of them runs, so a malformed event is a 400 and never a 500.
const stripeId = z.string().min(1).max(255);
const reference = z.union([stripeId, z.looseObject({ id: stripeId })]).nullish();
const amount = z.number().int().min(0).max(2_147_483_647);
const objectShapes: Record<string, z.ZodType> = {
  "payment_intent.succeeded": z.looseObject({
    id: stripeId,
    amount_received: amount,
    currency: z.string().max(10),
    metadata: z.record(z.string(), z.string()).nullish(),
    latest_charge: reference,
  }),
  "payment_intent.payment_failed": z.looseObject({
    id: stripeId,
    metadata: z.record(z.string(), z.string()).nullish(),
  }),
  "checkout.session.completed": z.looseObject({ id: stripeId, payment_intent: reference }),
  "charge.refunded": z.looseObject({ id: stripeId, amount_refunded: amount }),
  "charge.dispute.created": z.looseObject({
    id: stripeId,
    charge: reference,
    amount,
    reason: z.string().max(255).nullish(),
  }),
  "account.updated": z.looseObject({
    id: stripeId,
    payouts_enabled: z.boolean().nullish(),
    capabilities: z.looseObject({ transfers: z.string().optional() }).nullish(),
  }),
  "transfer.reversed": z.looseObject({ id: stripeId, amount_reversed: amount }),
  "payout.failed": z.looseObject({
    id: stripeId,
    amount,
    failure_code: z.string().max(255).nullish(),
  }),
};
const EventEnvelope = z.looseObject({
  id: stripeId,
  type: z.string().min(1).max(255),
  // Seconds since 1970, before 2100: a Date the database accepts.
  created: z.number().int().min(0).max(4_102_444_800),
  account: stripeId.nullish(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/** The first problem that stops us reading a signed event, or null when its fields are usable. */
export function malformedEvent(event: unknown): string | null {
  const envelope = EventEnvelope.safeParse(event);
  if (!envelope.success) return z.prettifyError(envelope.error);
  const shape = objectShapes[envelope.data.type];
  const object = shape?.safeParse(envelope.data.data.object);
  return object && !object.success ? z.prettifyError(object.error) : null;
}

function secretFor(endpoint: WebhookEndpoint) {
  return endpoint === "connect" ? env.STRIPE_CONNECT_WEBHOOK_SECRET : env.STRIPE_WEBHOOK_SECRET;
}

/** The webhook routes' whole job: verify the raw body's signature, then apply the event once. */
export async function receiveStripeWebhook(
  rawBody: string,
  signature: string | null,
  endpoint: WebhookEndpoint,
): Promise<WebhookOutcome> {
  const secret = secretFor(endpoint);
  if (!secret) return { status: 404, body: "Stripe webhooks are not configured" };
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature ?? "", secret);
  } catch {
    console.warn(`Stripe webhook (${endpoint}) with a bad signature refused`);
    return { status: 400, body: "Bad signature" };
  }
  const problem = malformedEvent(event);
  if (problem) {
    console.warn(`Stripe webhook (${endpoint}) with a malformed event refused: ${problem}`);
    return { status: 400, body: `Malformed event: ${problem}` };
  }
  try {
    const applied = await processStripeEvent(event);
    return { status: 200, body: applied ? "ok" : "already handled" };
  } catch (error) {
    if (!(error instanceof RetryLater)) throw error;
    console.warn(`Stripe event ${event.id} deferred: ${error.message}`);
    return { status: 503, body: "Try again later" };
  }
}
