// Which provider moves money, by configuration: Stripe when STRIPE_SECRET_KEY is set, else manual.
import { type PaymentMethod, type PaymentProviderName } from "~/db/generated/enums";
import { env, paymentProviderName, type Env } from "~/env.server";
import { manualProvider } from "./manual.server";
import { PaymentError } from "./settlement.server";
import { createStripeClient, createStripeProvider, type StripeProvider } from "./stripe.server";

let cachedStripe: StripeProvider | undefined;

/** The Stripe provider when Stripe is configured, else null. */
export function stripeProviderFor(e: Env): StripeProvider | null {
  if (paymentProviderName(e) !== "stripe" || !e.STRIPE_SECRET_KEY) return null;
  cachedStripe ??= createStripeProvider(createStripeClient(e.STRIPE_SECRET_KEY, e.STRIPE_API_BASE));
  return cachedStripe;
}

export function paymentProviderFor(e: Env) {
  return stripeProviderFor(e) ?? manualProvider;
}

/** The configured provider. */
export function paymentProvider() {
  return paymentProviderFor(env);
}

export function stripeProvider() {
  return stripeProviderFor(env);
}

/**
 * Who takes a payment made by `method`: cards go through Stripe (when configured); bank transfer,
 * cash on delivery and KHQR are paid to the cooperative directly, so they are always manual.
 */
export function providerForMethod(method: PaymentMethod) {
  if (method !== "CARD") return manualProvider;
  const stripe = stripeProvider();
  if (!stripe) throw new PaymentError("payments.methodNotAvailable");
  return stripe;
}

/** The provider that took a recorded payment, for refunds and payouts of it. */
export function providerOf(name: PaymentProviderName) {
  if (name === "MANUAL") return manualProvider;
  const stripe = stripeProvider();
  if (!stripe) throw new PaymentError("payments.stripeNotConfigured");
  return stripe;
}
