// Both languages' labels for the printed slips, read on the server.
import { i18nServer } from "~/i18n/i18next.server";
import { MEMBER_PAYMENT_METHODS } from "./member-payment-methods";
import { type SlipLabels, slipLabelKeys } from "./member-slip";

export async function slipLabels() {
  const [km, en] = await Promise.all([i18nServer.getFixedT("km"), i18nServer.getFixedT("en")]);
  const labels = Object.fromEntries(
    slipLabelKeys.map((key) => [key, { km: km(key), en: en(key) }]),
  ) as SlipLabels;
  const methods = Object.fromEntries(
    MEMBER_PAYMENT_METHODS.map((m) => [
      m,
      { km: km(`memberPayments.methods.${m}`), en: en(`memberPayments.methods.${m}`) },
    ]),
  );
  return { labels, methods };
}
