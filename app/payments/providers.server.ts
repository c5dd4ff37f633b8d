// Which provider moves money, by configuration: Stripe when STRIPE_SECRET_KEY is set, else manual.
import { env, paymentProviderName, type Env } from "~/env.server";
import { manualProvider } from "./manual.server";
import { createStripeClient, createStripeProvider, type StripeProvider } from "./stripe.server";

let stripeProvider: StripeProvider | undefined;

export function paymentProviderFor(e: Env) {
  if (paymentProviderName(e) === "manual" || !e.STRIPE_SECRET_KEY) return manualProvider;
  stripeProvider ??= createStripeProvider(createStripeClient(e.STRIPE_SECRET_KEY));
  return stripeProvider;
}

/** The configured provider. */
export function paymentProvider() {
  return paymentProviderFor(env);
}
