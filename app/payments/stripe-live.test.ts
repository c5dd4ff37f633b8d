// Optional smoke test against Stripe's test mode: runs only when STRIPE_SECRET_KEY is a test key
// (these machines cannot reach Stripe, so it is skipped here). It touches no database.
import Stripe from "stripe";
import { describe, expect, test } from "vitest";

const key = process.env.STRIPE_SECRET_KEY ?? "";

describe.skipIf(!key.startsWith("sk_test_"))("Stripe test mode (live)", () => {
  test("a PaymentIntent with our transfer group and idempotency key is created once, then cancelled", async () => {
    const stripe = new Stripe(key, { maxNetworkRetries: 1 });
    const idempotencyKey = `phsar-smoke:${Date.now()}`;
    const params = {
      amount: 1_000,
      currency: "usd",
      allowed_payment_method_types: ["card"],
      transfer_group: "order:smoke",
    };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey });
    expect(second.id).toBe(first.id);
    expect(first.transfer_group).toBe("order:smoke");
    const cancelled = await stripe.paymentIntents.cancel(first.id, undefined, {
      idempotencyKey: `${idempotencyKey}:cancel`,
    });
    expect(cancelled.status).toBe("canceled");
  });
});
