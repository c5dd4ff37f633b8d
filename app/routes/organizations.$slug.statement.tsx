// A buyer's account statement: what it owes the cooperatives, its pay-later terms, and each
// unpaid payment with its due date. Thin: see app/payments/credit.server.ts.
import { getFormProps, getInputProps, getSelectProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireAdmin, requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { buyerStatement, grantCreditTerms } from "~/payments/credit.server";
import { PaymentError } from "~/payments/settlement.server";
import { parsePriceToMinor } from "~/supply/rules";
import { ErrorList, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { formatDate, formatMoney } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";
import { domainReply, refused } from "~/validation/errors";

// A platform admin gives a trusted buyer pay-later terms: a credit limit and the days to pay.
// The fields alone are what the browser checks: Conform's getZodConstraint cannot read a
// `.transform` (it threw while rendering, so the page was a 500).
const TermsFields = z.object({
  currency: z.enum(["KHR", "USD"], { error: "validation.required" }),
  creditLimit: z.string({ error: "payments.invalidAmount" }).max(20, "payments.invalidAmount"),
  termDays: z.coerce
    .number({ error: "payments.invalidTerm" })
    .int("payments.invalidTerm")
    .min(1, "payments.invalidTerm")
    .max(365, "payments.invalidTerm"),
});
const TermsSchema = TermsFields.transform((value, ctx) => {
  const creditLimitMinor = parsePriceToMinor(value.creditLimit, value.currency);
  if (!creditLimitMinor) {
    ctx.addIssue({ code: "custom", path: ["creditLimit"], message: "payments.invalidAmount" });
    return z.NEVER;
  }
  return { currency: value.currency, creditLimitMinor, termDays: value.termDays };
});

export const meta = titleMeta("statement");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "pay:orders:own", organization.id);
  const [KHR, USD] = await Promise.all([
    buyerStatement(organization.id, "KHR"),
    buyerStatement(organization.id, "USD"),
  ]);
  return { organization, statements: { KHR, USD }, canGrantTerms: user.isAdmin };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const admin = await requireAdmin(request);
  invariantResponse(organization.kind === "BUYER", "Not found", { status: 404 });
  const submission = parseWithZod(await readFormData(request), { schema: TermsSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  try {
    await grantCreditTerms(organization.id, submission.value, admin);
  } catch (error) {
    return domainReply(submission, refused(error, PaymentError));
  }
  return redirect(`/organizations/${organization.slug}/statement`);
}

function GrantTerms() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "terms",
    lastResult,
    constraint: getZodConstraint(TermsFields),
    defaultValue: { currency: "KHR", creditLimit: "", termDays: "30" },
  });
  return (
    <Form
      method="post"
      {...getFormProps(form)}
      className="max-w-md space-y-3 rounded-lg bg-white p-4 shadow-sm"
    >
      <h2 className="text-xl font-semibold">{t("payments.grantTerms")}</h2>
      <FormErrors errors={form.errors} />
      <div>
        <label htmlFor={fields.currency.id} className="block font-semibold">
          {t("supply.currency")}
        </label>
        <select
          {...getSelectProps(fields.currency)}
          className="mt-1 rounded-md border border-stone-400 bg-white px-3 py-2"
        >
          <option value="KHR">KHR</option>
          <option value="USD">USD</option>
        </select>
      </div>
      <div>
        <label htmlFor={fields.creditLimit.id} className="block font-semibold">
          {t("payments.creditLimit")}
        </label>
        <input
          {...getInputProps(fields.creditLimit, { type: "text", ariaAttributes: true })}
          inputMode="decimal"
          className="mt-1 block w-48 rounded-md border border-stone-400 bg-white px-3 py-2"
        />
        <ErrorList errors={fields.creditLimit.errors} />
      </div>
      <div>
        <label htmlFor={fields.termDays.id} className="block font-semibold">
          {t("payments.termDays")}
        </label>
        <input
          {...getInputProps(fields.termDays, { type: "number", ariaAttributes: true })}
          className="mt-1 block w-24 rounded-md border border-stone-400 bg-white px-3 py-2"
        />
        <ErrorList errors={fields.termDays.errors} />
      </div>
      <SubmitButton>{t("payments.grantTerms")}</SubmitButton>
    </Form>
  );
}

export default function BuyerStatement() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, statements, canGrantTerms } = useLoaderData<typeof loader>();
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
      {canGrantTerms ? <GrantTerms /> : null}
    </section>
  );
}
