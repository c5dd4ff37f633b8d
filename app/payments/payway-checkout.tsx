// The buyer's ABA PayWay box on the order's page: PayWay's own checkout (its KHQR and ABA Pay
// choices) in a sandboxed frame, or, when PayWay did not answer, a way to try again. The frame has
// no same-origin right, so PayWay's page and scripts never reach Phsar's cookies or pages.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { type Currency, type PaymentStatus } from "~/db/generated/enums";
import { formatMoney } from "~/ui/format";
import { ErrorMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";

export type PayWayState = {
  status: PaymentStatus;
  currency: Currency;
  amountMinor: number;
  /** PayWay's checkout page when the order can be paid now and PayWay answered. */
  checkoutHtml: string | null;
  /** PayWay did not answer (or refused) when this page was made. */
  unavailable: boolean;
};

export function PayWayCheckout({ payway, retryTo }: { payway: PayWayState; retryTo: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const amount = formatMoney(payway.amountMinor, payway.currency, lng);
  return (
    <section aria-labelledby="payway-title" className="space-y-2 rounded-lg bg-white p-4 shadow-sm">
      <h2 id="payway-title" className="text-xl font-semibold">
        {t("payments.paywayTitle")}
      </h2>
      {payway.status === "SUCCEEDED" || payway.status === "REFUNDED" ? (
        <p>{t("payments.paywayPaid", { amount })}</p>
      ) : null}
      {payway.status === "FAILED" ? <p>{t("payments.paywayFailed")}</p> : null}
      {payway.unavailable ? (
        <>
          <ErrorMessage>{t("payments.paywayUnavailable")}</ErrorMessage>
          <Link
            to={retryTo}
            reloadDocument
            className="inline-block rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
          >
            {t("payments.paywayRetry")}
          </Link>
        </>
      ) : null}
      {payway.checkoutHtml ? (
        <>
          <p className="text-sm text-stone-700">{t("payments.paywayHint")}</p>
          <p className="font-semibold">{amount}</p>
          <iframe
            title={t("payments.paywayFrame", { amount })}
            srcDoc={payway.checkoutHtml}
            sandbox="allow-scripts allow-forms allow-popups allow-top-navigation-by-user-activation"
            className="h-[36rem] w-full max-w-md rounded border border-stone-300 bg-white"
          />
          <p className="text-sm text-stone-700">{t("payments.paywayWaiting")}</p>
        </>
      ) : null}
    </section>
  );
}
