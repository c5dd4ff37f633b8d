// Which provider moves money, by configuration: Stripe when STRIPE_SECRET_KEY is set, else manual.
import { env, paymentProviderName, type Env } from "~/env.server";
import { manualProvider } from "./manual.server";
import { createStripeClient, createStripeProvider, type StripeProvider } from "./stripe.server";

let cachedStripe: StripeProvider | undefined;

/** The Stripe provider when Stripe is configured, else null. */
export function stripeProviderFor(e: Env): StripeProvider | null {
  if (paymentProviderName(e) !== "stripe" || !e.STRIPE_SECRET_KEY) return null;
  cachedStripe ??= createStripeProvider(createStripeClient(e.STRIPE_SECRET_KEY));
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
