// Which provider moves money, by configuration: Stripe for cards when STRIPE_SECRET_KEY is set,
// ABA PayWay for KHQR when the four PAYWAY_* are set, manual for everything else.
import { type PaymentMethod, type PaymentProviderName } from "~/db/generated/enums";
import { env, paymentProviderName, paywayConfigured, type Env } from "~/env.server";
import { publicUrl } from "~/http/public-url.server";
import { manualProvider } from "./manual.server";
import { createPayWayDriver, type PayWayDriver } from "./payway.server";
import { createPayWayProvider, type PayWayProvider } from "./payway-provider.server";
import { PaymentError } from "./settlement.server";
import { createStripeClient, createStripeProvider, type StripeProvider } from "./stripe.server";

let cachedStripe: StripeProvider | undefined;
let cachedPayWay: PayWayProvider | undefined;

/** The Stripe provider when Stripe is configured, else null. */
export function stripeProviderFor(e: Env): StripeProvider | null {
  if (paymentProviderName(e) !== "stripe" || !e.STRIPE_SECRET_KEY) return null;
  cachedStripe ??= createStripeProvider(createStripeClient(e.STRIPE_SECRET_KEY, e.STRIPE_API_BASE));
  return cachedStripe;
}

/** The path PayWay posts its pushback to (app/routes/payments.payway.pushback.ts). */
export const PAYWAY_PUSHBACK_PATH = "/payments/payway/pushback";

/** The PayWay provider for a configuration, with its driver (a test may give its own driver). */
export function paywayProviderWith(e: Env, driver?: PayWayDriver): PayWayProvider | null {
  if (!paywayConfigured(e)) return null;
  const config = {
    merchantId: e.PAYWAY_MERCHANT_ID!,
    apiKey: e.PAYWAY_API_KEY!,
    apiBase: e.PAYWAY_API_BASE!,
  };
  return createPayWayProvider({
    driver: driver ?? createPayWayDriver(config),
    pushbackUrl: publicUrl(PAYWAY_PUSHBACK_PATH),
    apiBase: config.apiBase,
    defaultLifetimeMinutes: e.ORDER_PAYMENT_HOURS * 60,
  });
}

/** The PayWay provider when PayWay is configured, else null. */
export function paywayProviderFor(e: Env): PayWayProvider | null {
  if (!paywayConfigured(e)) return null;
  cachedPayWay ??= paywayProviderWith(e)!;
  return cachedPayWay;
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

export function paywayProvider() {
  return paywayProviderFor(env);
}

/**
 * Who takes a payment made by `method`: cards go through Stripe (when configured); KHQR through
 * PayWay when it is configured (one code for the whole order, any Bakong bank app), else straight
 * to each cooperative's Bakong account; bank transfer and cash on delivery are always manual.
 */
export function providerForMethod(method: PaymentMethod) {
  if (method === "KHQR") return paywayProvider() ?? manualProvider;
  if (method !== "CARD") return manualProvider;
  const stripe = stripeProvider();
  if (!stripe) throw new PaymentError("payments.methodNotAvailable");
  return stripe;
}

/** The provider that took a recorded payment, for refunds and payouts of it. */
export function providerOf(name: PaymentProviderName) {
  if (name === "MANUAL") return manualProvider;
  if (name === "PAYWAY") {
    const payway = paywayProvider();
    if (!payway) throw new PaymentError("payments.paywayNotConfigured");
    return payway;
  }
  const stripe = stripeProvider();
  if (!stripe) throw new PaymentError("payments.stripeNotConfigured");
  return stripe;
}
