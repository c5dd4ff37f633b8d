// Stripe Connect, "separate charges and transfers": the buyer is charged in full on the platform
// account (a PaymentIntent with one transfer_group per order); when a cooperative's sub-order is
// delivered its share minus the union fee is transferred to its Express account, funded by the
// order's charge (source_transaction). Every request that changes money carries an idempotency
// key built from our own ids, so a retry never pays twice.
import Stripe from "stripe";
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import {
  debtEntries,
  postTransaction,
  refundEntries,
  transferEntries,
  type Tx,
} from "./ledger.server";
import { allocateAfterPayout } from "./members.server";
import {
  type PaymentProvider,
  type PaymentStart,
  type RefundResult,
  type Release,
} from "./provider";
import {
  assertCan,
  assertCanManageSubOrder,
  PaymentError,
  recordedShare,
  releasableShare,
  refundedSoFar,
  refundPortion,
  releaseKey,
  settleSubOrder,
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
    const order = await prisma.order.findUnique({
      where: { id: orderId },
      select: { buyerId: true, currency: true, totalMinor: true },
    });
    if (!order) throw new PaymentError("payments.orderNotFound");
    assertCan(actor, "pay:orders:own", order.buyerId);
    // Stripe does not settle riel: card payments are for dollar orders.
    if (order.currency !== "USD") throw new PaymentError("payments.stripeUsdOnly");
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

  async function paidSubOrder(subOrderId: number) {
    const subOrder = await prisma.subOrder.findUnique({
      where: { id: subOrderId },
      select: {
        id: true,
        orderId: true,
        cooperativeId: true,
        status: true,
        order: {
          select: {
            currency: true,
            payments: {
              where: { provider: "STRIPE", status: { in: ["SUCCEEDED", "REFUNDED"] } },
              select: {
                id: true,
                amountMinor: true,
                refundedMinor: true,
                stripePaymentIntentId: true,
                stripeChargeId: true,
              },
            },
          },
        },
      },
    });
    if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
    const payment = subOrder.order.payments[0];
    if (!payment?.stripeChargeId || !payment.stripePaymentIntentId)
      throw new PaymentError("payments.notPaid");
    return {
      subOrder,
      payment: {
        ...payment,
        stripeChargeId: payment.stripeChargeId,
        stripePaymentIntentId: payment.stripePaymentIntentId,
      },
    };
  }

  async function releaseSubOrder(subOrderId: number, actor: PaymentActor | null): Promise<Release> {
    // Before the lookup: whether it is paid is not an outsider's business.
    if (actor && !actor.isAdmin) throw new PaymentError("payments.forbidden");
    const { subOrder, payment } = await paidSubOrder(subOrderId);
    if (subOrder.status !== "DELIVERED" && subOrder.status !== "SETTLED")
      throw new PaymentError("payments.notDelivered");
    const account = await prisma.connectedAccount.findUnique({
      where: { cooperativeId: subOrder.cooperativeId },
      select: { stripeAccountId: true, transfersActive: true },
    });
    // Ready only when Stripe said so in account.updated, never on the onboarding return redirect.
    if (!account?.transfersActive) throw new PaymentError("payments.cooperativeNotReady");
    const key = releaseKey(subOrder.orderId, subOrder.cooperativeId);

    const pending = await prisma
      .$transaction(async (tx) => {
        const attempts = await tx.transfer.findMany({
          where: { subOrderId },
          orderBy: { id: "asc" },
          select: { id: true, amountMinor: true, status: true, idempotencyKey: true },
        });
        const live = attempts.find((t) => t.status !== "FAILED");
        if (live) return { ...live, recoveredMinor: 0 };
        const create = (amountMinor: number, idempotencyKey: string) =>
          tx.transfer.create({
            data: {
              subOrderId,
              cooperativeId: subOrder.cooperativeId,
              currency: subOrder.order.currency,
              amountMinor,
              idempotencyKey,
            },
            select: { id: true, amountMinor: true, status: true, idempotencyKey: true },
          });
        // Stripe keeps a refused answer under its key: a new attempt needs a new key, and keeps the
        // amount the first attempt worked out (its debt recovery is already recorded).
        const refused = attempts.at(-1);
        if (refused)
          return {
            ...(await create(refused.amountMinor, `${key}:attempt-${attempts.length + 1}`)),
            recoveredMinor: 0,
          };
        const { amountMinor, recoveredMinor } = await releasableShare(tx, subOrder);
        return { ...(await create(amountMinor, key)), recoveredMinor };
      })
      .catch((error: unknown) => {
        // Another release of this sub-order started at the same moment: let that one finish.
        if ((error as { code?: string }).code === "P2002")
          throw new PaymentError("payments.tryAgain");
        throw error;
      });
    const result = (status: Release["status"]) => ({
      transferId: pending.id,
      amountMinor: pending.amountMinor,
      recoveredDebtMinor: pending.recoveredMinor,
      status,
    });
    if (pending.status !== "PENDING") {
      await settleSubOrder(subOrderId, actor?.id ?? null);
      return result(pending.status);
    }

    let stripeTransfer: Stripe.Transfer;
    try {
      stripeTransfer = await stripe.transfers.create(
        {
          amount: pending.amountMinor,
          currency: "usd",
          destination: account.stripeAccountId,
          transfer_group: transferGroup(subOrder.orderId),
          source_transaction: payment.stripeChargeId,
          metadata: { orderId: String(subOrder.orderId), subOrderId: String(subOrderId) },
        },
        { idempotencyKey: pending.idempotencyKey },
      );
    } catch (error) {
      console.warn(
        `Stripe transfer ${pending.idempotencyKey} failed`,
        error instanceof Error ? error.message : error,
      );
      if (refusedBy(error)) {
        // Refused (e.g. balance_insufficient): this attempt is over; the next one gets a new key.
        await prisma.transfer.updateMany({
          where: { id: pending.id, status: "PENDING" },
          data: { status: "FAILED" },
        });
        throw new PaymentError("payments.transferRefused");
      }
      // Unknown outcome (timeout, 500): stays PENDING, so a retry sends the same key and amount.
      throw new PaymentError("payments.transferFailed");
    }
    await prisma.$transaction(async (tx) => {
      const moved = await tx.transfer.updateMany({
        where: { id: pending.id, status: "PENDING" },
        data: { status: "PAID", stripeTransferId: stripeTransfer.id },
      });
      if (moved.count !== 1) return;
      await postTransaction(tx, {
        kind: "TRANSFER",
        idempotencyKey: pending.idempotencyKey,
        currency: subOrder.order.currency,
        orderId: subOrder.orderId,
        subOrderId,
        entries: transferEntries(subOrder.cooperativeId, null, pending.amountMinor),
      });
      await recordAudit(
        {
          action: "payment.paid_out",
          actorUserId: actor?.id ?? null,
          organizationId: subOrder.cooperativeId,
          targetType: "Transfer",
          targetId: pending.id,
          details: { amountMinor: pending.amountMinor, stripeTransferId: stripeTransfer.id },
        },
        tx,
      );
    });
    await settleSubOrder(subOrderId, actor?.id ?? null);
    await allocateAfterPayout(subOrderId);
    return result("PAID");
  }

  /**
   * After a refund of a released sub-order, takes the cooperative's part back from its account.
   * When its balance cannot cover it, the amount becomes the cooperative's debt, deducted from its
   * next transfer. Safe to call again for the same refund: the reversal carries the refund's key
   * and the same amount, and the outcome is recorded once.
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
    if (refund.status !== "SUCCEEDED" || !transfer?.stripeTransferId || refund.netMinor === 0)
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
          { idempotencyKey: `refund:${refundId}:reversal` },
        );
        reversedMinor = reversal.amount;
        reversedTotal = (await stripe.transfers.retrieve(stripeTransferId)).amount_reversed;
      } catch (error) {
        if (!refusedBy(error)) {
          // Unknown outcome (timeout, 500): try again later; the same key replays Stripe's answer.
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
    await prisma.$transaction(async (tx) => {
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
          idempotencyKey: `refund:${refundId}:debt`,
          currency,
          orderId: refund.subOrder.orderId,
          subOrderId: refund.subOrder.id,
          entries: debtEntries(refund.subOrder.cooperativeId, debtMinor),
        });
    });
    return { reversedMinor, debtMinor };
  }

  async function refundSubOrder(
    subOrderId: number,
    amountMinor: number,
    actor: PaymentActor | null,
    reason?: string,
  ): Promise<RefundResult> {
    await assertCanManageSubOrder(actor, subOrderId);
    const { subOrder, payment } = await paidSubOrder(subOrderId);
    const pending = await prisma.$transaction(async (tx) => {
      const share = await recordedShare(tx, subOrder);
      if (!share) throw new PaymentError("payments.notPaid");
      const before = await refundedSoFar(tx, subOrderId);
      const portion = refundPortion(share, before.grossMinor, amountMinor);
      const updated = await tx.payment.updateMany({
        where: { id: payment.id, refundedMinor: { lte: payment.amountMinor - amountMinor } },
        data: { refundedMinor: { increment: amountMinor } },
      });
      if (updated.count !== 1) throw new PaymentError("payments.refundTooLarge");
      const refund = await tx.refund.create({
        data: { paymentId: payment.id, subOrderId, amountMinor, ...portion, reason },
        select: { id: true },
      });
      return { id: refund.id, share, ...portion };
    });

    let stripeRefund: Stripe.Refund;
    try {
      stripeRefund = await stripe.refunds.create(
        {
          payment_intent: payment.stripePaymentIntentId,
          amount: amountMinor,
          metadata: { subOrderId: String(subOrderId), refundId: String(pending.id) },
        },
        { idempotencyKey: `refund:${pending.id}` },
      );
    } catch (error) {
      if (refusedBy(error)) {
        await prisma.$transaction([
          prisma.refund.update({
            where: { id: pending.id },
            data: { status: "FAILED" },
            select: { id: true },
          }),
          prisma.payment.update({
            where: { id: payment.id },
            data: { refundedMinor: { decrement: amountMinor } },
            select: { id: true },
          }),
        ]);
        throw new PaymentError("payments.refundRefused");
      }
      throw new PaymentError("payments.refundPending");
    }
    await prisma.$transaction(async (tx) => {
      const moved = await tx.refund.updateMany({
        where: { id: pending.id, status: "PENDING" },
        data: { status: "SUCCEEDED", stripeRefundId: stripeRefund.id },
      });
      if (moved.count !== 1) return;
      await tx.payment.updateMany({
        where: { id: payment.id, refundedMinor: payment.amountMinor },
        data: { status: "REFUNDED" },
      });
      await postTransaction(tx, {
        kind: "REFUND",
        idempotencyKey: `refund:${pending.id}`,
        currency: subOrder.order.currency,
        orderId: subOrder.orderId,
        subOrderId,
        entries: refundEntries(null, {
          totalMinor: amountMinor,
          feeMinor: pending.feeMinor,
          shares: [
            {
              key: pending.share.key,
              grossMinor: amountMinor,
              netMinor: pending.netMinor,
              feeMinor: pending.feeMinor,
            },
          ],
        }),
      });
      await recordAudit(
        {
          action: "payment.refunded",
          actorUserId: actor?.id ?? null,
          organizationId: subOrder.cooperativeId,
          targetType: "Refund",
          targetId: pending.id,
          details: { amountMinor, reason: reason ?? null, stripeRefundId: stripeRefund.id },
        },
        tx,
      );
    });
    // Before release the cooperative is simply paid less; after release, take its part back.
    const { debtMinor } = await reverseForRefund(pending.id);
    return {
      refundId: pending.id,
      amountMinor,
      netMinor: pending.netMinor,
      feeMinor: pending.feeMinor,
      debtMinor,
    };
  }

  const provider: PaymentProvider<PaymentActor> = {
    name: "stripe",
    startPayment,
    releaseSubOrder,
    refundSubOrder,
  };
  return { ...provider, onboardCooperative, cardPaymentPage, reverseForRefund };
}

export type StripeProvider = ReturnType<typeof createStripeProvider>;
