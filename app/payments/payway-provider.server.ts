// ABA PayWay as a checkout provider: the buyer pays the whole order once (KHQR from any Bakong bank
// app, riel or dollars) into the platform's PayWay merchant account, like a Stripe card payment.
// One payment row per attempt, with a tran_id made from our ids, so every request about it (a
// retried purchase, a check-transaction after a lost answer) names the same PayWay transaction.
// Money is recorded only from PayWay's check-transaction answer (payway-payments.server.ts).
// Refunds and payouts through PayWay are not built (docs/decisions/029-payway-bakong.md).
import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import { type PaymentProvider, type PaymentStart } from "./provider";
import { type PayWayDriver } from "./payway.server";
import {
  assertCan,
  orderToPay,
  lockOrderSubOrders,
  PaymentError,
  type PaymentActor,
} from "./settlement.server";

/** At most 20 characters of [A-Za-z0-9-] (PayWay's rule): the order and payment ids, or the payment's alone. */
export function paywayTranId(orderId: number, paymentId: number) {
  const full = `PH-${orderId}-${paymentId}`;
  return full.length <= 20 ? full : `PH-${paymentId}`;
}

export type PayWayProviderOptions = {
  driver: PayWayDriver;
  /** Where PayWay posts its pushback (our payments.payway.pushback route). */
  pushbackUrl: string;
  /** PayWay's address, so relative links in the checkout page it returns still reach it. */
  apiBase: string;
  /** How long a transaction may be paid when the order has no payment deadline. */
  defaultLifetimeMinutes: number;
};

const paymentFields = {
  id: true,
  status: true,
  currency: true,
  amountMinor: true,
  paywayTranId: true,
  createdAt: true,
} as const;

/** PayWay accepts 3 to 43200 minutes. */
const clampLifetime = (minutes: number) => Math.min(43_200, Math.max(3, Math.ceil(minutes)));

/**
 * The checkout page PayWay returned, with a <base> so its relative links and scripts load from
 * PayWay (it is shown in a sandboxed frame on our page, not served from our origin).
 */
export function withPayWayBase(html: string, apiBase: string) {
  if (/<base\s/i.test(html)) return html;
  const base = `<base href="${apiBase.replace(/\/+$/, "")}/">`;
  return /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}${base}`)
    : `${base}${html}`;
}

export function createPayWayProvider(options: PayWayProviderOptions) {
  /**
   * The order's PayWay payment: made at checkout without calling PayWay (so PayWay being down never
   * stops an order from being placed), reused by every later attempt to show the checkout. A
   * declined or expired attempt (FAILED) is followed by a new payment with a new tran_id.
   */
  async function startPayment(
    orderId: number,
    method: PaymentMethod,
    actor: PaymentActor,
  ): Promise<PaymentStart & { provider: "payway" }> {
    if (method !== "KHQR") throw new PaymentError("payments.methodNotAvailable");
    const order = await orderToPay(orderId, actor);
    const payment = await prisma.$transaction(async (tx) => {
      // The money lock of every sub-order: a double-submitted checkout waits here and finds the
      // payment the first one made; a pushback recording this order's money waits too.
      await lockOrderSubOrders(tx, orderId);
      const existing = await tx.payment.findFirst({
        where: {
          orderId,
          provider: "PAYWAY",
          status: { in: ["PENDING", "SUCCEEDED", "REFUNDED"] },
        },
        orderBy: { id: "desc" },
        select: paymentFields,
      });
      if (existing) return existing;
      const created = await tx.payment.create({
        data: {
          orderId,
          provider: "PAYWAY",
          method: "KHQR",
          currency: order.currency,
          amountMinor: order.totalMinor,
          recordedById: actor.id,
        },
        select: { id: true },
      });
      return tx.payment.update({
        where: { id: created.id },
        data: { paywayTranId: paywayTranId(orderId, created.id) },
        select: paymentFields,
      });
    });
    return {
      provider: "payway",
      paymentId: payment.id,
      tranId: payment.paywayTranId!,
      status: payment.status,
      currency: payment.currency,
      amountMinor: payment.amountMinor,
    };
  }

  /**
   * PayWay's checkout (the KHQR and ABA Pay choices) for the order, made by a purchase request.
   * Asked again each time the buyer opens the page: the request names the same tran_id with the
   * same fields (the lifetime is fixed by the payment's creation), so PayWay sees a retry, not a
   * second transaction. PayWay down: a PayWayError, the order stays placed and the buyer retries.
   */
  async function checkoutPage(orderId: number, actor: PaymentActor, now = new Date()) {
    const order = await prisma.order.findUnique({
      where: { id: orderId },
      select: {
        buyerId: true,
        paymentMethod: true,
        paymentDueAt: true,
        subOrders: { select: { status: true } },
        payments: {
          where: { provider: "PAYWAY" },
          orderBy: { id: "desc" },
          take: 1,
          select: paymentFields,
        },
      },
    });
    if (!order) throw new PaymentError("payments.orderNotFound");
    assertCan(actor, "pay:orders:own", order.buyerId);
    if (order.paymentMethod !== "KHQR") throw new PaymentError("payments.methodNotAvailable");
    let payment = order.payments[0];
    if (payment?.status === "SUCCEEDED" || payment?.status === "REFUNDED")
      throw new PaymentError("payments.alreadyPaid");
    if (!order.subOrders.every((s) => s.status === "PLACED"))
      throw new PaymentError("payments.notAwaitingPayment");
    if (!payment || payment.status === "FAILED") {
      const started = await startPayment(orderId, "KHQR", actor);
      payment = {
        id: started.paymentId,
        status: started.status,
        currency: started.currency,
        amountMinor: started.amountMinor,
        paywayTranId: started.tranId,
        createdAt: now,
      };
    }
    const lifetimeMinutes = clampLifetime(
      order.paymentDueAt
        ? (order.paymentDueAt.getTime() - payment.createdAt.getTime()) / 60_000
        : options.defaultLifetimeMinutes,
    );
    const { checkoutHtml } = await options.driver.purchase(
      {
        tranId: payment.paywayTranId!,
        currency: payment.currency,
        amountMinor: payment.amountMinor,
        paymentOption: "abapay_khqr",
        returnUrl: options.pushbackUrl,
        returnParams: String(payment.id),
        lifetimeMinutes,
      },
      now,
    );
    return {
      paymentId: payment.id,
      tranId: payment.paywayTranId!,
      currency: payment.currency,
      amountMinor: payment.amountMinor,
      checkoutHtml: withPayWayBase(checkoutHtml, options.apiBase),
    };
  }

  const notBuilt = async (..._args: unknown[]): Promise<never> => {
    throw new PaymentError("payments.paywayNotBuilt");
  };

  const provider = {
    name: "payway" as const,
    startPayment,
    // Payouts (PayWay's funds route) and refunds are not built yet (decision 029).
    releaseSubOrder: notBuilt,
    refundSubOrder: notBuilt,
    checkoutPage,
    driver: options.driver,
  };
  return provider satisfies PaymentProvider<PaymentActor>;
}

export type PayWayProvider = ReturnType<typeof createPayWayProvider>;
