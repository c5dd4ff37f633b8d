// The ways Phsar moves money. `manual` (the default) records what people did by bank transfer,
// cash on delivery or KHQR; `stripe` charges cards and transfers to Stripe Connect accounts;
// `payway` takes a KHQR payment for the whole order through ABA PayWay (payouts not built yet).
import { type Currency, type PaymentMethod } from "~/db/generated/enums";

export type ProviderName = "manual" | "stripe" | "payway";

/** What the buyer does next to pay an order. */
export type PaymentStart =
  | {
      provider: "manual";
      /** One payment per cooperative: the buyer's money reaches each cooperative directly. */
      payments: {
        paymentId: number;
        subOrderId: number;
        cooperativeId: number;
        method: PaymentMethod;
        currency: Currency;
        amountMinor: number;
        /** Quote this with the transfer; it is also the KHQR bill number. */
        reference: string;
        khqr: { qr: string; expiresAt: Date } | null;
      }[];
    }
  | {
      provider: "stripe";
      /** The buyer pays it on a Stripe-hosted payment page (`cardPaymentPage`). */
      paymentId: number;
      currency: Currency;
      amountMinor: number;
    }
  | {
      provider: "payway";
      /** The buyer pays it on PayWay's checkout (`checkoutPage`), shown on the order's page. */
      paymentId: number;
      tranId: string;
      status: "PENDING" | "SUCCEEDED" | "FAILED" | "REFUNDED";
      currency: Currency;
      amountMinor: number;
    };

export type Release = {
  transferId: number;
  /** What reached the cooperative (after refunds and any debt it owed). */
  amountMinor: number;
  recoveredDebtMinor: number;
  status: "PAID" | "PENDING" | "FAILED" | "REVERSED";
};

export type RefundResult = {
  refundId: number;
  amountMinor: number;
  /** The cooperative's part of the refund. */
  netMinor: number;
  /** The union's part of the refund. */
  feeMinor: number;
  /** For a refund after release: what the cooperative could not give back, recorded as its debt. */
  debtMinor: number;
};

/**
 * What both providers do. `actor` is the signed-in user; null means Phsar itself (e.g. a delivery
 * confirmed automatically).
 */
export interface PaymentProvider<Actor> {
  readonly name: ProviderName;
  /** The buyer starts paying an order. Repeating it returns the same payment. */
  startPayment(orderId: number, method: PaymentMethod, actor: Actor): Promise<PaymentStart>;
  /** Pays a delivered sub-order's share, minus the union fee, to its cooperative, once. */
  releaseSubOrder(subOrderId: number, actor: Actor | null, reference?: string): Promise<Release>;
  /** Gives part of a sub-order's amount back to the buyer. */
  refundSubOrder(
    subOrderId: number,
    amountMinor: number,
    actor: Actor | null,
    reason?: string,
  ): Promise<RefundResult>;
}
