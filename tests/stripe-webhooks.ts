// Delivers a Stripe event to the app as the webhook routes do, signed with the endpoint's secret
// from the environment (set by the test before the app is imported).
import { receiveStripeWebhook } from "~/payments/stripe-events.server";
import { signedWebhookRequest } from "./fake-stripe";

export type StripeEndpoint = "platform" | "connect";

export async function postStripeEvent(
  event: object,
  endpoint: StripeEndpoint = "platform",
  signature?: string,
) {
  const secret =
    endpoint === "platform"
      ? process.env.STRIPE_WEBHOOK_SECRET
      : process.env.STRIPE_CONNECT_WEBHOOK_SECRET;
  if (!secret) throw new Error(`no webhook secret set for the ${endpoint} endpoint`);
  const request = signedWebhookRequest(
    event,
    secret,
    endpoint === "platform" ? "/webhooks/stripe" : "/webhooks/stripe-connect",
    signature,
  );
  return receiveStripeWebhook(
    await request.text(),
    request.headers.get("Stripe-Signature"),
    endpoint,
  );
}
