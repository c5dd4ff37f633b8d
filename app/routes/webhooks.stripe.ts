// Stripe's platform events (payments, refunds, disputes, transfers). Thin: see app/payments/stripe-events.server.ts.
import { type ActionFunctionArgs } from "@remix-run/node";
import { receiveStripeWebhook } from "~/payments/stripe-events.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  // The signature covers the exact bytes Stripe sent: read the raw body, never a parsed one.
  const { status, body } = await receiveStripeWebhook(
    await request.text(),
    request.headers.get("Stripe-Signature"),
    "platform",
  );
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
