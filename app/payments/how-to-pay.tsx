// The buyer's "how to pay" box for one cooperative's part of an order: method, amount, reference,
// the cooperative's bank account for a transfer (each value with a copy button once scripts run),
// and for KHQR the code as an image (an SVG made on the server) and as text to copy.
import { useTranslation } from "react-i18next";
import { type Currency, type PaymentMethod, type PaymentStatus } from "~/db/generated/enums";
import { CopyText } from "~/ui/copy-text";
import { formatCambodiaDateTime, formatMoney } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";

export type PaymentInstruction = {
  subOrderId: number;
  method: PaymentMethod;
  status: PaymentStatus;
  currency: Currency;
  amountMinor: number;
  refundedMinor: number;
  reference: string;
  khqr: { qr: string; svg: string; expiresAt: Date | string } | null;
  /** For a bank transfer: the cooperative's account, or null when it has not entered one. */
  bank?: { bankName: string; bankAccountName: string; bankAccountNumber: string } | null;
};

/** The amount as typed into a banking app: riel whole, dollars with cents, Latin digits. */
export function amountForBankApp(amountMinor: number, currency: Currency) {
  return currency === "KHR" ? String(amountMinor) : (amountMinor / 100).toFixed(2);
}

export function HowToPay({ payment }: { payment: PaymentInstruction }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const amount = formatMoney(payment.amountMinor, payment.currency, lng);
  const titleId = `pay-${payment.subOrderId}`;
  return (
    <section aria-labelledby={titleId} className="space-y-2 rounded-md border border-stone-300 p-3">
      <h3 id={titleId} className="font-semibold">
        {t("payments.howToPay")}
      </h3>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1">
        <dt>{t("payments.payMethod")}</dt>
        <dd>{t(`orders.paymentMethods.${payment.method}`)}</dd>
        <dt>{t("payments.amountToPay")}</dt>
        <dd>
          <CopyText
            value={amount}
            // Banking apps take Latin digits without the currency sign.
            copyValue={amountForBankApp(payment.amountMinor, payment.currency)}
            label={t("payments.amountToPay")}
            className="font-semibold whitespace-nowrap"
          />
        </dd>
        <dt>{t("payments.payReference")}</dt>
        <dd>
          <CopyText
            value={payment.reference}
            label={t("payments.payReference")}
            className="font-mono"
          />
        </dd>
        <dt>{t("payments.paymentState")}</dt>
        <dd>{t(`payments.paymentStatus.${payment.status}`)}</dd>
        {payment.bank ? (
          <>
            <dt>{t("payments.bankName")}</dt>
            <dd className="break-words">{payment.bank.bankName}</dd>
            <dt>{t("payments.bankAccountName")}</dt>
            <dd>
              <CopyText
                value={payment.bank.bankAccountName}
                label={t("payments.bankAccountName")}
              />
            </dd>
            <dt>{t("payments.bankAccountNumber")}</dt>
            <dd>
              <CopyText
                value={payment.bank.bankAccountNumber}
                label={t("payments.bankAccountNumber")}
                className="font-mono"
              />
            </dd>
          </>
        ) : null}
      </dl>
      {payment.method === "BANK_TRANSFER" && payment.status === "PENDING" && !payment.bank ? (
        <p className="text-sm text-stone-700">{t("payments.bankNotGiven")}</p>
      ) : null}
      {payment.refundedMinor > 0 ? (
        <p>
          {t("payments.refundedToYou", {
            amount: formatMoney(payment.refundedMinor, payment.currency, lng),
          })}
        </p>
      ) : null}
      {payment.status === "PENDING" ? (
        <p className="text-sm text-stone-700">{t(`payments.payHint.${payment.method}`)}</p>
      ) : null}
      {payment.khqr ? (
        <figure className="space-y-2">
          <div
            role="img"
            aria-label={t("payments.khqrImage", { amount, reference: payment.reference })}
            className="w-56 bg-white"
            // The SVG is made on the server by the qrcode library from our own KHQR string.
            dangerouslySetInnerHTML={{ __html: payment.khqr.svg }}
          />
          <figcaption className="space-y-1 text-sm">
            <label htmlFor={`khqr-${payment.subOrderId}`} className="block">
              {t("payments.khqrText")}
            </label>
            <textarea
              id={`khqr-${payment.subOrderId}`}
              readOnly
              rows={3}
              value={payment.khqr.qr}
              className="w-full rounded border border-stone-300 p-1 font-mono text-xs"
            />
            <p>
              {t("payments.khqrValidUntil", {
                when: formatCambodiaDateTime(payment.khqr.expiresAt, lng),
              })}
            </p>
          </figcaption>
        </figure>
      ) : null}
    </section>
  );
}
