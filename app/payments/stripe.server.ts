// Stripe Connect, "separate charges and transfers": the buyer is charged in full on the platform
// account (a PaymentIntent with one transfer_group per order); when a cooperative's sub-order is
// delivered its share minus the union fee is transferred to its Express account, funded by the
// order's charge (source_transaction). Every request that changes money carries an idempotency
// key built from our own ids, so a retry never pays twice.
import Stripe from "stripe";
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type Currency, type PaymentMethod } from "~/db/generated/enums";
import {
  debtEntries,
  postTransaction,
  refundEntries,
  transferEntries,
  type Tx,
} from "./ledger.server";
import { cardsTake } from "~/money/currency";
import { allocateAfterPayout } from "./members.server";
import {
  type PaymentProvider,
  type PaymentStart,
  type RefundResult,
  type Release,
} from "./provider";
import {
  excessOf,
  assertCan,
  assertCanManageSubOrder,
  causeOf,
  nextRefundVersion,
  orderToPay,
  PaymentError,
  payoutKey,
  recordedShare,
  refundedSoFar,
  refundKey,
  refundPortion,
  releasableShare,
  settleSubOrder,
  withSubOrderLock,
  type PaymentActor,
} from "./settlement.server";

export function createStripeClient(secretKey: string, apiBase?: string) {
  const base = apiBase ? new URL(apiBase) : null;
  // Stripe's SDK retries network failures with the same idempotency key.
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port) || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
    }),
  });
}

export const transferGroup = (orderId: number) => `order:${orderId}`;

/** A failure Stripe answered (4xx): the request was refused and will not succeed when repeated. */
function refusedBy(error: unknown) {
  return (
    error instanceof Stripe.errors.StripeError &&
    typeof error.statusCode === "number" &&
    error.statusCode >= 400 &&
    error.statusCode < 500
  );
}

/**
 * Records what Stripe says is reversed of a transfer, in total. Reversals recorded by our own
 * refund flow and by the transfer.reversed webhook land on the same key, and only the part not
 * yet recorded is posted, so a reversal is never counted twice.
 */
export async function recordReversedTotal(tx: Tx, stripeTransferId: string, totalReversed: number) {
  const rows = await tx.$queryRaw<
    {
      id: number;
      cooperativeId: number;
      amountMinor: number;
      reversedMinor: number;
      currency: "KHR" | "USD";
      subOrderId: number;
    }[]
  >`SELECT "id", "cooperativeId", "amountMinor", "reversedMinor", "currency", "subOrderId"
      FROM "Transfer" WHERE "stripeTransferId" = ${stripeTransferId} FOR UPDATE`;
  const transfer = rows[0];
  if (!transfer) return { known: false, postedMinor: 0 };
  const total = Math.min(totalReversed, transfer.amountMinor);
  const difference = total - transfer.reversedMinor;
  if (difference <= 0) return { known: true, postedMinor: 0 };
  await tx.transfer.update({
    where: { id: transfer.id },
    data: { reversedMinor: total, status: total === transfer.amountMinor ? "REVERSED" : undefined },
    select: { id: true },
  });
  await postTransaction(tx, {
    kind: "REVERSAL",
    idempotencyKey: `transfer:${stripeTransferId}:reversed-to:${total}`,
    currency: transfer.currency,
    subOrderId: transfer.subOrderId,
    entries: [
      { kind: "CASH", organizationId: null, amountMinor: difference },
      {
        kind: "COOPERATIVE_PAYABLE",
        organizationId: transfer.cooperativeId,
        amountMinor: -difference,
      },
    ],
  });
  return { known: true, postedMinor: difference };
}

export function createStripeProvider(stripe: Stripe) {
  /** Creates (once) the cooperative's Express account and returns a fresh onboarding link. */
  async function onboardCooperative(
    cooperativeId: number,
    urls: { returnUrl: string; refreshUrl: string },
    actor: PaymentActor,
  ) {
    assertCan(actor, "manage:payments:own", cooperativeId);
    let connected = await prisma.connectedAccount.findUnique({
      where: { cooperativeId },
      select: { stripeAccountId: true, transfersActive: true },
    });
    if (!connected) {
      const cooperative = await prisma.organization.findUniqueOrThrow({
        where: { id: cooperativeId },
        select: { kind: true, email: true },
      });
      if (cooperative.kind !== "COOPERATIVE") throw new PaymentError("payments.notACooperative");
      // Cross-border payouts need the recipient service agreement and the account's own country.
      const account = await stripe.accounts.create(
        {
          type: "express",
          country: "KH",
          email: cooperative.email ?? undefined,
          capabilities: { transfers: { requested: true } },
          tos_acceptance: { service_agreement: "recipient" },
          metadata: { cooperativeId: String(cooperativeId) },
        },
        { idempotencyKey: `coop:${cooperativeId}:connect-account` },
      );
      connected = await prisma.connectedAccount.upsert({
        where: { cooperativeId },
        create: { cooperativeId, stripeAccountId: account.id },
        update: {},
        select: { stripeAccountId: true, transfersActive: true },
      });
    }
    // Links are single-use and expire within minutes, so each visit asks for a new one: the key
    // only guards one request against being sent twice.
    const link = await stripe.accountLinks.create(
      {
        account: connected.stripeAccountId,
        type: "account_onboarding",
        return_url: urls.returnUrl,
        refresh_url: urls.refreshUrl,
      },
      { idempotencyKey: `coop:${cooperativeId}:account-link:${Date.now()}` },
    );
    return { url: link.url, transfersActive: connected.transfersActive };
  }

  /**
   * The order's card payment: one per order, made at checkout and kept across the payment pages
   * made for it. Stripe is called only when the buyer opens a payment page (`cardPaymentPage`).
   */
  async function startPayment(
    orderId: number,
    method: PaymentMethod,
    actor: PaymentActor,
  ): Promise<PaymentStart & { provider: "stripe" }> {
    if (method !== "CARD") throw new PaymentError("payments.methodNotAvailable");
    const order = await orderToPay(orderId, actor);
    if (!cardsTake(order.currency)) throw new PaymentError("payments.stripeUsdOnly");
    const payment = await prisma.$transaction(async (tx) => {
      // A double-submitted checkout waits here and finds the payment the first one made.
      await tx.$queryRaw`SELECT "id" FROM "Order" WHERE "id" = ${orderId} FOR UPDATE`;
      const existing = await tx.payment.findFirst({
        where: { orderId, provider: "STRIPE" },
        orderBy: { id: "desc" },
        select: { id: true, status: true },
      });
      if (existing) return existing;
      return tx.payment.create({
        data: {
          orderId,
          provider: "STRIPE",
          method: "CARD",
          currency: order.currency,
          amountMinor: order.totalMinor,
          recordedById: actor.id,
        },
        select: { id: true, status: true },
      });
    });
    if (payment.status === "SUCCEEDED" || payment.status === "REFUNDED")
      throw new PaymentError("payments.alreadyPaid");
    return {
      provider: "stripe",
      paymentId: payment.id,
      currency: order.currency,
      amountMinor: order.totalMinor,
    };
  }

  /**
   * Where the buyer types their card: a page hosted by Stripe (a Checkout Session), so no card
   * data and no Stripe.js pass through Phsar's pages. An open page is reused and an expired one
   * replaced; Stripe makes the PaymentIntent (our transfer_group, our ids in its metadata) when the
   * buyer pays, and the webhooks record the money.
   */
  async function cardPaymentPage(
    orderId: number,
    actor: PaymentActor,
    urls: { successUrl: string; cancelUrl: string },
    now = new Date(),
  ) {
    const order = await prisma.order.findUnique({
      where: { id: orderId },
      select: {
        buyerId: true,
        paymentMethod: true,
        paymentDueAt: true,
        subOrders: {
          orderBy: { id: "asc" },
          select: {
            status: true,
            totalMinor: true,
            deliveryDate: true,
            cooperative: { select: { nameEn: true } },
          },
        },
        payments: {
          where: { provider: "STRIPE" },
          orderBy: { id: "desc" },
          take: 1,
          select: { id: true, status: true, amountMinor: true, stripeCheckoutSessionId: true },
        },
      },
    });
    if (!order) throw new PaymentError("payments.orderNotFound");
    assertCan(actor, "pay:orders:own", order.buyerId);
    if (order.paymentMethod !== "CARD") throw new PaymentError("payments.methodNotAvailable");
    // Made at checkout; made here when checkout stopped between placing the order and this.
    let payment = order.payments[0];
    if (!payment) {
      const started = await startPayment(orderId, "CARD", actor);
      payment = {
        id: started.paymentId,
        status: "PENDING",
        amountMinor: started.amountMinor,
        stripeCheckoutSessionId: null,
      };
    }
    if (payment.status === "SUCCEEDED" || payment.status === "REFUNDED")
      throw new PaymentError("payments.alreadyPaid");
    if (!order.subOrders.every((s) => s.status === "PLACED"))
      throw new PaymentError("payments.notAwaitingPayment");
    // Stripe keeps a payment page open between 30 minutes and 24 hours; it must not outlive the
    // time the order waits for its money.
    const dueAt = Math.min(
      order.paymentDueAt?.getTime() ?? Number.POSITIVE_INFINITY,
      now.getTime() + 24 * 3_600_000,
    );
    if (dueAt - now.getTime() < 31 * 60_000) throw new PaymentError("payments.tooLateForCard");
    if (payment.stripeCheckoutSessionId) {
      const open = await stripe.checkout.sessions.retrieve(payment.stripeCheckoutSessionId);
      if (open.status === "open" && open.url) return open.url;
      // Paid: the webhook will record it in a moment.
      if (open.status === "complete") throw new PaymentError("payments.cardProcessing");
    }
    const lines = order.subOrders.map((s) => ({
      quantity: 1,
      price_data: {
        currency: "usd",
        unit_amount: s.totalMinor,
        product_data: {
          name: `${s.cooperative.nameEn} · ${s.deliveryDate.toISOString().slice(0, 10)}`,
        },
      },
    }));
    // One line per cooperative reads best; one line for the order when they do not add up exactly.
    const exact =
      lines.reduce((sum, l) => sum + l.price_data.unit_amount, 0) === payment.amountMinor;
    const ids = { orderId: String(orderId), paymentId: String(payment.id) };
    const session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        allowed_payment_method_types: ["card"],
        line_items: exact
          ? lines
          : [
              {
                quantity: 1,
                price_data: {
                  currency: "usd",
                  unit_amount: payment.amountMinor,
                  product_data: { name: `Phsar order ${orderId}` },
                },
              },
            ],
        client_reference_id: String(orderId),
        metadata: ids,
        payment_intent_data: { transfer_group: transferGroup(orderId), metadata: ids },
        success_url: urls.successUrl,
        cancel_url: urls.cancelUrl,
        expires_at: Math.floor(dueAt / 1000),
      },
      // Keyed by the page it replaces: two taps on "pay" make one page, an expired page a new one.
      {
        idempotencyKey: `order:${orderId}:payment:${payment.id}:page-after:${payment.stripeCheckoutSessionId ?? "none"}`,
      },
    );
    await prisma.payment.updateMany({
      where: { id: payment.id, status: { in: ["PENDING", "FAILED"] } },
      data: { stripeCheckoutSessionId: session.id },
    });
    if (!session.url) throw new PaymentError("payments.tryAgain");
    return session.url;
  }

  /** The order's card payment, once received (under the sub-order's lock). */
  async function cardPaymentOf(tx: Tx, orderId: number) {
    const payment = await tx.payment.findFirst({
      where: { orderId, provider: "STRIPE", status: { in: ["SUCCEEDED", "REFUNDED"] } },
      select: {
        id: true,
        amountMinor: true,
        refundedMinor: true,
        currency: true,
        stripePaymentIntentId: true,
        stripeChargeId: true,
      },
    });
    if (!payment?.stripeChargeId || !payment.stripePaymentIntentId)
      throw new PaymentError("payments.notPaid");
    return {
      ...payment,
      stripeChargeId: payment.stripeChargeId,
      stripePaymentIntentId: payment.stripePaymentIntentId,
    };
  }

  const cooperativeOf = async (subOrderId: number) => {
    const subOrder = await prisma.subOrder.findUnique({
      where: { id: subOrderId },
      select: { cooperativeId: true, orderId: true },
    });
    if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
    return subOrder;
  };

  type PendingTransfer = { id: number; subOrderId: number; orderId: number; cooperativeId: number };

  /** Records a transfer's outcome once, under its sub-order's lock. */
  async function settleTransfer(
    pending: PendingTransfer,
    outcome: { paid: Stripe.Transfer } | { refused: true },
    actorUserId: number | null,
  ) {
    return withSubOrderLock(pending.subOrderId, async (tx) => {
      const transfer = await tx.transfer.findUniqueOrThrow({
        where: { id: pending.id },
        select: { status: true, amountMinor: true, currency: true, idempotencyKey: true },
      });
      if (transfer.status !== "PENDING") return transfer.status;
      if ("refused" in outcome) {
        await tx.transfer.update({ where: { id: pending.id }, data: { status: "FAILED" } });
        return "FAILED" as const;
      }
      await tx.transfer.update({
        where: { id: pending.id },
        data: { status: "PAID", stripeTransferId: outcome.paid.id },
      });
      await postTransaction(tx, {
        kind: "TRANSFER",
        idempotencyKey: transfer.idempotencyKey,
        currency: transfer.currency,
        orderId: pending.orderId,
        subOrderId: pending.subOrderId,
        entries: transferEntries(pending.cooperativeId, null, transfer.amountMinor),
      });
      await recordAudit(
        {
          action: "payment.paid_out",
          actorUserId,
          organizationId: pending.cooperativeId,
          targetType: "Transfer",
          targetId: pending.id,
          details: { amountMinor: transfer.amountMinor, stripeTransferId: outcome.paid.id },
        },
        tx,
      );
      return "PAID" as const;
    });
  }

  /**
   * Sends a pending transfer to Stripe: the amount and key were fixed under the lock, so a retry
   * (or the reconciliation job, after a timeout) sends the same request and Stripe replays its answer.
   */
  async function sendTransfer(transferId: number, actorUserId: number | null) {
    const transfer = await prisma.transfer.findUniqueOrThrow({
      where: { id: transferId },
      select: {
        id: true,
        subOrderId: true,
        cooperativeId: true,
        amountMinor: true,
        idempotencyKey: true,
        subOrder: { select: { orderId: true } },
      },
    });
    const pending = { ...transfer, orderId: transfer.subOrder.orderId };
    const [account, payment] = await Promise.all([
      prisma.connectedAccount.findUnique({
        where: { cooperativeId: transfer.cooperativeId },
        select: { stripeAccountId: true },
      }),
      cardPaymentOf(prisma, pending.orderId),
    ]);
    if (!account) throw new PaymentError("payments.cooperativeNotReady");
    let stripeTransfer: Stripe.Transfer;
    try {
      stripeTransfer = await stripe.transfers.create(
        {
          amount: transfer.amountMinor,
          currency: "usd",
          destination: account.stripeAccountId,
          transfer_group: transferGroup(pending.orderId),
          source_transaction: payment.stripeChargeId,
          metadata: { orderId: String(pending.orderId), subOrderId: String(transfer.subOrderId) },
        },
        { idempotencyKey: transfer.idempotencyKey },
      );
    } catch (error) {
      console.warn(
        `Stripe transfer ${transfer.idempotencyKey} failed`,
        error instanceof Error ? error.message : error,
      );
      if (refusedBy(error)) {
        // Refused (e.g. balance_insufficient): this attempt is over; the next one gets a new key.
        await settleTransfer(pending, { refused: true }, actorUserId);
        throw new PaymentError("payments.transferRefused");
      }
      // Unknown outcome (timeout, 500): stays PENDING until a retry or the reconciliation job.
      throw new PaymentError("payments.transferFailed");
    }
    const status = await settleTransfer(pending, { paid: stripeTransfer }, actorUserId);
    await settleSubOrder(transfer.subOrderId, actorUserId);
    await allocateAfterPayout(transfer.subOrderId);
    await reversePendingRefunds(transfer.subOrderId);
    return status;
  }

  async function releaseSubOrder(subOrderId: number, actor: PaymentActor | null): Promise<Release> {
    // Before the lookup: whether it is paid is not an outsider's business.
    if (actor && !actor.isAdmin) throw new PaymentError("payments.forbidden");
    const { cooperativeId } = await cooperativeOf(subOrderId);
    const account = await prisma.connectedAccount.findUnique({
      where: { cooperativeId },
      select: { transfersActive: true },
    });
    // What the buyer no longer owes goes back first (the payout below refuses to run ahead of it).
    await followExcess(subOrderId);
    const pending = await withSubOrderLock(subOrderId, async (tx, subOrder) => {
      const attempts = await tx.transfer.findMany({
        where: { subOrderId },
        orderBy: { id: "asc" },
        select: { id: true, amountMinor: true, status: true },
      });
      const live = attempts.find((t) => t.status !== "FAILED");
      if (live) return { ...live, recoveredMinor: 0 };
      if (subOrder.status !== "DELIVERED" && subOrder.status !== "SETTLED")
        throw new PaymentError("payments.notDelivered");
      await cardPaymentOf(tx, subOrder.orderId);
      // Ready only when Stripe said so in account.updated, never on the onboarding return redirect.
      if (!account?.transfersActive) throw new PaymentError("payments.cooperativeNotReady");
      // Worked out again from what is recorded now (refunds since a refused attempt count); a
      // refused key keeps Stripe's refusal, so each attempt has its own.
      const key = payoutKey(subOrderId, attempts.length + 1);
      const { currency } = await tx.order.findUniqueOrThrow({
        where: { id: subOrder.orderId },
        select: { currency: true },
      });
      const { amountMinor, recoveredMinor } = await releasableShare(
        tx,
        { ...subOrder, order: { currency } },
        key,
      );
      const created = await tx.transfer.create({
        data: { subOrderId, cooperativeId, currency, amountMinor, idempotencyKey: key },
        select: { id: true, amountMinor: true, status: true },
      });
      return { ...created, recoveredMinor };
    });
    const result = (status: Release["status"]) => ({
      transferId: pending.id,
      amountMinor: pending.amountMinor,
      recoveredDebtMinor: pending.recoveredMinor,
      status,
    });
    if (pending.status !== "PENDING") {
      await settleSubOrder(subOrderId, actor?.id ?? null);
      await reversePendingRefunds(subOrderId);
      return result(pending.status);
    }
    return result(await sendTransfer(pending.id, actor?.id ?? null));
  }

  /**
   * After a refund of a paid-out sub-order, takes the cooperative's part back from its account.
   * When its balance cannot cover it, the amount becomes the cooperative's debt, deducted from its
   * next transfer. Waits (does nothing) while the transfer's own outcome is unknown. Safe to call
   * again: the reversal carries the refund's key and the same amount, and is recorded once.
   */
  async function reverseForRefund(refundId: number) {
    const refund = await prisma.refund.findUniqueOrThrow({
      where: { id: refundId },
      select: {
        netMinor: true,
        status: true,
        reversedMinor: true,
        debtMinor: true,
        reversalSettledAt: true,
        idempotencyKey: true,
        subOrder: {
          select: {
            id: true,
            orderId: true,
            cooperativeId: true,
            order: { select: { currency: true } },
            transfers: {
              where: { status: { in: ["PAID", "REVERSED"] } },
              select: { stripeTransferId: true, amountMinor: true },
            },
            refunds: {
              where: { id: { not: refundId }, reversalSettledAt: { not: null } },
              select: { reversedMinor: true },
            },
          },
        },
      },
    });
    const transfer = refund.subOrder.transfers[0];
    if (refund.reversalSettledAt)
      return { reversedMinor: refund.reversedMinor, debtMinor: refund.debtMinor };
    if (refund.status !== "SUCCEEDED" || !transfer?.stripeTransferId)
      return { reversedMinor: 0, debtMinor: 0 };
    const stripeTransferId = transfer.stripeTransferId;
    // What earlier refunds took back is no longer in the transfer to reverse.
    const alreadyReversed = refund.subOrder.refunds.reduce((s, r) => s + r.reversedMinor, 0);
    const amount = Math.max(0, Math.min(refund.netMinor, transfer.amountMinor - alreadyReversed));
    let reversedMinor = 0;
    let reversedTotal: number | null = null;
    if (amount > 0) {
      try {
        const reversal = await stripe.transfers.createReversal(
          stripeTransferId,
          { amount, metadata: { refundId: String(refundId) } },
          { idempotencyKey: `${refund.idempotencyKey ?? `refund:${refundId}`}:reversal` },
        );
        reversedMinor = reversal.amount;
        reversedTotal = (await stripe.transfers.retrieve(stripeTransferId)).amount_reversed;
      } catch (error) {
        if (!refusedBy(error)) {
          // Unknown outcome (timeout, 500): the reconciliation job tries again with the same key.
          console.warn(
            `Reversal for refund ${refundId} did not complete`,
            error instanceof Error ? error.message : error,
          );
          throw new PaymentError("payments.reversalPending");
        }
        // e.g. balance_insufficient: the cooperative already paid the money out to its bank.
      }
    }
    const debtMinor = refund.netMinor - reversedMinor;
    const { currency } = refund.subOrder.order;
    await withSubOrderLock(refund.subOrder.id, async (tx) => {
      const settled = await tx.refund.updateMany({
        where: { id: refundId, reversalSettledAt: null },
        data: { reversedMinor, debtMinor, reversalSettledAt: new Date() },
      });
      if (settled.count !== 1) return;
      // Recorded by total, like the transfer.reversed webhook, so neither counts it twice.
      if (reversedTotal !== null) await recordReversedTotal(tx, stripeTransferId, reversedTotal);
      if (debtMinor > 0)
        await postTransaction(tx, {
          kind: "DEBT",
          idempotencyKey: `${refund.idempotencyKey ?? `refund:${refundId}`}:debt`,
          currency,
          orderId: refund.subOrder.orderId,
          subOrderId: refund.subOrder.id,
          entries: debtEntries(refund.subOrder.cooperativeId, debtMinor),
        });
    });
    return { reversedMinor, debtMinor };
  }

  /** Refunds made after a transfer started, waiting for it to be paid: take their part back now. */
  async function reversePendingRefunds(subOrderId: number) {
    const waiting = await prisma.refund.findMany({
      where: {
        subOrderId,
        status: "SUCCEEDED",
        reversalSettledAt: null,
        subOrder: { transfers: { some: { status: { in: ["PAID", "REVERSED"] } } } },
      },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    for (const refund of waiting) await reverseForRefund(refund.id);
    if (waiting.length > 0) await allocateAfterPayout(subOrderId);
  }

  type PendingRefund = {
    id: number;
    key: string;
    subOrderId: number;
    orderId: number;
    cooperativeId: number;
    paymentId: number;
    paymentAmountMinor: number;
    stripePaymentIntentId: string;
    amountMinor: number;
    netMinor: number;
    feeMinor: number;
    currency: Currency;
    unionId: number | null;
  };

  /** Records a refund's outcome once, under its sub-order's lock. */
  async function settleRefund(
    refund: PendingRefund,
    outcome: { done: Stripe.Refund } | { refused: true },
    actorUserId: number | null,
    reason: string | null,
  ) {
    return withSubOrderLock(refund.subOrderId, async (tx) => {
      const current = await tx.refund.findUniqueOrThrow({
        where: { id: refund.id },
        select: { status: true },
      });
      if (current.status !== "PENDING") return current.status;
      if ("refused" in outcome) {
        await tx.refund.update({ where: { id: refund.id }, data: { status: "FAILED" } });
        await tx.payment.update({
          where: { id: refund.paymentId },
          data: { refundedMinor: { decrement: refund.amountMinor } },
        });
        return "FAILED" as const;
      }
      await tx.refund.update({
        where: { id: refund.id },
        data: { status: "SUCCEEDED", stripeRefundId: outcome.done.id },
      });
      await tx.payment.updateMany({
        where: { id: refund.paymentId, refundedMinor: refund.paymentAmountMinor },
        data: { status: "REFUNDED" },
      });
      await postTransaction(tx, {
        kind: "REFUND",
        idempotencyKey: refund.key,
        currency: refund.currency,
        orderId: refund.orderId,
        subOrderId: refund.subOrderId,
        entries: refundEntries(null, {
          totalMinor: refund.amountMinor,
          feeMinor: refund.feeMinor,
          shares: [
            {
              key: {
                subOrderId: refund.subOrderId,
                cooperativeId: refund.cooperativeId,
                unionId: refund.unionId,
              },
              grossMinor: refund.amountMinor,
              netMinor: refund.netMinor,
              feeMinor: refund.feeMinor,
            },
          ],
        }),
      });
      await recordAudit(
        {
          action: "payment.refunded",
          actorUserId,
          organizationId: refund.cooperativeId,
          targetType: "Refund",
          targetId: refund.id,
          details: { amountMinor: refund.amountMinor, reason, stripeRefundId: outcome.done.id },
        },
        tx,
      );
      return "SUCCEEDED" as const;
    });
  }

  /**
   * Asks Stripe for a refund recorded PENDING under the lock. The key and amount were fixed there,
   * so sending again (a retry, or the reconciliation job) makes it once and learns its outcome.
   */
  async function sendRefund(
    refund: PendingRefund,
    actorUserId: number | null,
    reason: string | null,
  ): Promise<RefundResult> {
    let stripeRefund: Stripe.Refund;
    try {
      stripeRefund = await stripe.refunds.create(
        {
          payment_intent: refund.stripePaymentIntentId,
          amount: refund.amountMinor,
          metadata: { subOrderId: String(refund.subOrderId), refundId: String(refund.id) },
        },
        { idempotencyKey: refund.key },
      );
    } catch (error) {
      if (refusedBy(error)) {
        await settleRefund(refund, { refused: true }, actorUserId, reason);
        throw new PaymentError("payments.refundRefused");
      }
      console.warn(
        `Stripe refund ${refund.key} did not complete`,
        error instanceof Error ? error.message : error,
      );
      throw new PaymentError("payments.refundPending");
    }
    await settleRefund(refund, { done: stripeRefund }, actorUserId, reason);
    // Before the payout the cooperative is simply paid less; after it, take its part back.
    const { debtMinor } = await reverseForRefund(refund.id);
    const allocated = await prisma.memberAllocation.count({
      where: { subOrderId: refund.subOrderId },
    });
    if (allocated > 0) await allocateAfterPayout(refund.subOrderId);
    return {
      refundId: refund.id,
      amountMinor: refund.amountMinor,
      netMinor: refund.netMinor,
      feeMinor: refund.feeMinor,
      debtMinor,
    };
  }

  /**
   * Records a refund PENDING under the sub-order's lock: `amountMinor`, or (`"excess"`) whatever was
   * received and is no longer due, worked out from what is recorded. Null when nothing is due back.
   */
  async function openRefund(
    subOrderId: number,
    amount: number | "excess",
    reason: string | undefined,
  ): Promise<PendingRefund | null> {
    return withSubOrderLock(subOrderId, async (tx, subOrder) => {
      const payment = await cardPaymentOf(tx, subOrder.orderId);
      const share = await recordedShare(tx, subOrder);
      if (!share) throw new PaymentError("payments.notPaid");
      const before = await refundedSoFar(tx, subOrderId);
      const amountMinor = amount === "excess" ? await excessOf(tx, subOrder, share) : amount;
      if (amount === "excess" && amountMinor <= 0) return null;
      const portion = refundPortion(share, before.grossMinor, amountMinor);
      const updated = await tx.payment.updateMany({
        where: { id: payment.id, refundedMinor: { lte: payment.amountMinor - amountMinor } },
        data: { refundedMinor: { increment: amountMinor } },
      });
      if (updated.count !== 1) throw new PaymentError("payments.refundTooLarge");
      const cause = amount === "excess" ? causeOf(subOrder.status) : "requested";
      const key = refundKey(subOrderId, "refund", cause, await nextRefundVersion(tx, subOrderId));
      // Counted in a payout not yet started; after one started, its part is taken back.
      const transferStarted = await tx.transfer.count({
        where: { subOrderId, status: { not: "FAILED" } },
      });
      const refund = await tx.refund.create({
        data: {
          paymentId: payment.id,
          subOrderId,
          amountMinor,
          ...portion,
          reason,
          idempotencyKey: key,
          reversalSettledAt: transferStarted > 0 ? null : new Date(),
        },
        select: { id: true },
      });
      return {
        id: refund.id,
        key,
        subOrderId,
        orderId: subOrder.orderId,
        cooperativeId: subOrder.cooperativeId,
        paymentId: payment.id,
        paymentAmountMinor: payment.amountMinor,
        stripePaymentIntentId: payment.stripePaymentIntentId,
        amountMinor,
        ...portion,
        currency: payment.currency,
        unionId: share.key.unionId,
      };
    });
  }

  async function refundSubOrder(
    subOrderId: number,
    amountMinor: number,
    actor: PaymentActor | null,
    reason?: string,
  ): Promise<RefundResult> {
    // Before the lookup: whether it exists or is paid is not an outsider's business.
    await assertCanManageSubOrder(actor, subOrderId);
    const pending = (await openRefund(subOrderId, amountMinor, reason))!;
    return sendRefund(pending, actor?.id ?? null, reason ?? null);
  }

  /** Gives back what was received for the sub-order and is no longer due (nothing when nothing is). */
  async function refundExcess(subOrderId: number) {
    const { status } = await prisma.subOrder.findUniqueOrThrow({
      where: { id: subOrderId },
      select: { status: true },
    });
    const reason =
      status === "CANCELLED" || status === "REJECTED"
        ? `sub-order ${status.toLowerCase()}`
        : "delivered amount changed";
    const pending = await openRefund(subOrderId, "excess", reason);
    return pending ? sendRefund(pending, null, reason) : null;
  }

  async function followExcess(subOrderId: number) {
    const paid = await prisma.payment.count({
      where: {
        provider: "STRIPE",
        status: { in: ["SUCCEEDED", "REFUNDED"] },
        order: { subOrders: { some: { id: subOrderId } } },
      },
    });
    if (paid > 0) await refundExcess(subOrderId);
  }

  /** A refund left PENDING (its answer was lost): sent again with its own key and amount. */
  async function resumeRefund(refundId: number) {
    const row = await prisma.refund.findUniqueOrThrow({
      where: { id: refundId },
      select: {
        id: true,
        status: true,
        idempotencyKey: true,
        subOrderId: true,
        amountMinor: true,
        netMinor: true,
        feeMinor: true,
        reason: true,
        payment: {
          select: {
            id: true,
            amountMinor: true,
            currency: true,
            provider: true,
            stripePaymentIntentId: true,
          },
        },
        subOrder: { select: { orderId: true, cooperativeId: true } },
      },
    });
    if (row.status !== "PENDING" || row.payment.provider !== "STRIPE") return row.status;
    const share = await recordedShare(prisma, {
      id: row.subOrderId,
      orderId: row.subOrder.orderId,
      cooperativeId: row.subOrder.cooperativeId,
    });
    await sendRefund(
      {
        id: row.id,
        key: row.idempotencyKey ?? `refund:${row.id}`,
        subOrderId: row.subOrderId,
        orderId: row.subOrder.orderId,
        cooperativeId: row.subOrder.cooperativeId,
        paymentId: row.payment.id,
        paymentAmountMinor: row.payment.amountMinor,
        stripePaymentIntentId: row.payment.stripePaymentIntentId!,
        amountMinor: row.amountMinor,
        netMinor: row.netMinor,
        feeMinor: row.feeMinor,
        currency: row.payment.currency,
        unionId: share?.key.unionId ?? null,
      },
      null,
      row.reason,
    );
    return "SUCCEEDED" as const;
  }

  /** A transfer left PENDING (its answer was lost): sent again with its own key and amount. */
  async function resumeTransfer(transferId: number) {
    return sendTransfer(transferId, null);
  }

  const provider: PaymentProvider<PaymentActor> = {
    name: "stripe",
    startPayment,
    releaseSubOrder,
    refundSubOrder,
  };
  return {
    ...provider,
    onboardCooperative,
    cardPaymentPage,
    reverseForRefund,
    reversePendingRefunds,
    refundExcess,
    resumeRefund,
    resumeTransfer,
  };
}

export type StripeProvider = ReturnType<typeof createStripeProvider>;
