// ABA PayWay's pushback (the purchase's return_url). Thin: see app/payments/payway-payments.server.ts.
// Nothing in the body is trusted: it only names a transaction, which PayWay is then asked about.
import { type ActionFunctionArgs } from "@remix-run/node";
import { readPushback, receivePayWayPushback } from "~/payments/payway-payments.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const { status, body } = await receivePayWayPushback(await readPushback(request));
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
