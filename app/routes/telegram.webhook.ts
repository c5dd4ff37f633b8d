// Updates from Telegram's Bot API (setWebhook to <PUBLIC_URL>/telegram/webhook with secret_token).
// Thin: see app/messages/telegram-link.server.ts. Telegram retries any answer but 2xx, so an update
// we do not act on is still a 200; only a wrong secret (403) or a body that is no update (400) is not.
import { type ActionFunctionArgs } from "@remix-run/node";
import {
  handleTelegramUpdate,
  parseUpdate,
  telegramEnabled,
  webhookSecretMatches,
} from "~/messages/telegram-link.server";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return text("Method not allowed", 405);
  if (!telegramEnabled()) return text("Not found", 404);
  if (!webhookSecretMatches(request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
    return text("Forbidden", 403);
  const update = parseUpdate(await request.text());
  if (!update) return text("Not a Telegram update", 400);
  return text(await handleTelegramUpdate(update), 200);
}
