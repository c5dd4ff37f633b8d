import { expect, test } from "vitest";
import { parseEnv } from "~/env.server";
import { paymentProviderFor, stripeProviderFor } from "./providers.server";

test("manual by default, Stripe when a secret key is configured", () => {
  expect(paymentProviderFor(parseEnv({})).name).toBe("manual");
  const stripe = paymentProviderFor(
    parseEnv({ STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" }),
  );
  expect(stripe.name).toBe("stripe");
  expect(stripeProviderFor(parseEnv({}))).toBeNull();
});
