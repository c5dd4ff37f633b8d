// Stripe Connect events from the cooperatives' connected accounts (account.updated, payout.failed).
// Thin: see app/payments/stripe-events.server.ts.
import { type ActionFunctionArgs } from "@remix-run/node";
import { receiveStripeWebhook } from "~/payments/stripe-events.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const { status, body } = await receiveStripeWebhook(
    await request.text(),
    request.headers.get("Stripe-Signature"),
    "connect",
  );
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
