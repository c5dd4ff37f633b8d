// A buyer's account statement: what it owes the cooperatives, its pay-later terms, and each
// unpaid payment with its due date. Thin: see app/payments/credit.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { buyerStatement } from "~/payments/credit.server";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { formatDate, formatMoney } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "pay:orders:own", organization.id);
  const [KHR, USD] = await Promise.all([
    buyerStatement(organization.id, "KHR"),
    buyerStatement(organization.id, "USD"),
  ]);
  return { organization, statements: { KHR, USD } };
}

export default function BuyerStatement() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, statements } = useLoaderData<typeof loader>();
  return (
    <section className="space-y-6" aria-labelledby="statement-title">
      <h1 id="statement-title" className="text-3xl font-bold text-leaf-800">
        {t("payments.statementTitle")}
      </h1>
      <p>
        <LocalName item={organization} />
      </p>
      {(["KHR", "USD"] as const).map((currency) => {
        const s = statements[currency];
        if (s.owesMinor === 0 && s.creditLimitMinor === 0 && s.open.length === 0) return null;
        return (
          <section key={currency} aria-label={currency} className="space-y-2">
            <p className="text-xl font-semibold">
              {t("payments.owes")}: {formatMoney(s.owesMinor, currency, lng)}
            </p>
            {s.creditLimitMinor > 0 ? (
              <p>
                {t("payments.creditTerms", {
                  limit: formatMoney(s.creditLimitMinor, currency, lng),
                  available: formatMoney(s.availableMinor, currency, lng),
                  days: s.termDays,
                })}
              </p>
            ) : null}
            <ul className="space-y-2">
              {s.open.map((p) => (
                <li key={p.id} className="rounded-lg border border-stone-300 p-3">
                  {t("payments.orderNumber", { id: p.orderId })} ·{" "}
                  {p.subOrder ? <LocalName item={p.subOrder.cooperative} /> : null} ·{" "}
                  {formatMoney(p.amountMinor, currency, lng)} · {p.reference}{" "}
                  <span className={p.overdue ? "font-bold text-red-800" : undefined}>
                    {t(p.overdue ? "payments.overdueSince" : "payments.dueOn", {
                      date: formatDate(p.dueAt!, lng),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      {statements.KHR.owesMinor === 0 &&
      statements.USD.owesMinor === 0 &&
      statements.KHR.open.length === 0 &&
      statements.USD.open.length === 0 ? (
        <p>{t("payments.nothingOwed")}</p>
      ) : null}
    </section>
  );
}
