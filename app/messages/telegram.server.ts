// Telegram over the Bot API with grammy's `Api` (docs/decisions/036-telegram.md): the outbox row's
// address is the person's chat id, its text the Khmer message, its links become inline buttons
// that open Phsar pages. Telegram's answers decide what the outbox does next: 429 comes back after
// retry_after, a blocked bot or a missing chat is a dead letter at once, anything else is retried.
import { Api, GrammyError, HttpError } from "grammy";
import { i18nServer } from "~/i18n/i18next.server";
import { PermanentDeliveryError, RetryLaterError, type Transport } from "./delivery.server";

export type TelegramTransport = Transport & { api: Api };

export function telegramApi(token: string, apiRoot: string, { timeoutSeconds = 10 } = {}) {
  // A Bot API that stops answering ends the attempt; the queue retries it later.
  return new Api(token, { apiRoot, timeoutSeconds });
}

/** Telegram's answers that no retry can change (the person blocked the bot, or has no such chat). */
export function isPermanentTelegramError(error: GrammyError) {
  if (error.error_code === 403) return true;
  return (
    error.error_code === 400 &&
    /chat not found|user not found|chat_id is empty|PEER_ID_INVALID|bot can't initiate/i.test(
      error.description,
    )
  );
}

export function telegramTransport(
  token: string,
  apiRoot: string,
  options: { timeoutSeconds?: number } = {},
): TelegramTransport {
  const api = telegramApi(token, apiRoot, options);
  return {
    api,
    // The person blocked the bot or the chat is gone: stop writing there and say so on /account.
    async refused(tx, message, error) {
      if (!message.address) return;
      await tx.user.updateMany({
        where: { telegramChatId: message.address, telegramFailedAt: null },
        data: { telegramFailedAt: new Date(), telegramFailure: error.message.slice(0, 200) },
      });
    },
    async send(message) {
      if (!message.address) throw new PermanentDeliveryError("Telegram message without a chat id");
      const t = await i18nServer.getFixedT(message.locale === "en" ? "en" : "km");
      // One button a row: Khmer labels are long and a phone screen is narrow.
      const inline_keyboard = Object.entries(message.links).map(([name, url]) => [
        { text: t(`messages.links.${name}`, { defaultValue: t("messages.links.open") }), url },
      ]);
      try {
        await api.sendMessage(message.address, message.text, {
          ...(inline_keyboard.length > 0 ? { reply_markup: { inline_keyboard } } : {}),
          link_preview_options: { is_disabled: true },
        });
      } catch (error) {
        if (error instanceof GrammyError) {
          const what = `Telegram ${error.error_code}: ${error.description}`;
          if (error.error_code === 429)
            throw new RetryLaterError(what, error.parameters.retry_after ?? 30);
          if (isPermanentTelegramError(error)) throw new PermanentDeliveryError(what);
          throw new Error(what);
        }
        // Network failures and timeouts: grammy wraps them; the queue tries again.
        if (error instanceof HttpError) throw new Error(`Telegram unreachable: ${error.message}`);
        throw error;
      }
    },
  };
}
