// The lead pays members: what the cooperative owes each one, and one form to pay several at once
// (cash, or a transfer with its reference). Thin: see app/payments/member-payments.server.ts.
import { randomUUID } from "node:crypto";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { requirePermission } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { MEMBER_PAYMENT_METHODS } from "~/payments/member-payment-methods";
import {
  membersPayable,
  recentMemberPayments,
  recordMemberPayments,
} from "~/payments/member-payments.server";
import { PaymentError } from "~/payments/settlement.server";
import { cambodiaToday, dateOnly, isIsoDate } from "~/calendar/dates";
import { parsePriceToMinor } from "~/supply/rules";
import { formatMoney } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";
import { refused } from "~/validation/errors";

const currencyOf = (request: Request): "KHR" | "USD" =>
  new URL(request.url).searchParams.get("currency") === "USD" ? "USD" : "KHR";

export const meta = titleMeta("memberPayments");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:member-payments:own", organization.id);
  if (organization.kind !== "COOPERATIVE") throw new Response("Not found", { status: 404 });
  const currency = currencyOf(request);
  return {
    slug: organization.slug,
    currency,
    members: await membersPayable(organization.id, currency, user),
    recent: (await recentMemberPayments(organization.id, user)).map((p) => ({
      ...p,
      paidOn: dateOnly(p.paidOn),
    })),
    canPay: can(user, "pay:members:own", organization.id),
    formKey: randomUUID(),
    today: cambodiaToday(new Date()),
  };
}

const PaySchema = z.object({
  currency: z.enum(["KHR", "USD"], { error: "validation.required" }),
  method: z.enum(MEMBER_PAYMENT_METHODS, { error: "validation.required" }),
  reference: z.string().max(100, "memberPayments.referenceTooLong").default(""),
  paidOn: z.string({ error: "validation.dateRange" }).refine(isIsoDate, "validation.dateRange"),
  formKey: z
    .string({ error: "memberPayments.badFormKey" })
    .min(8, "memberPayments.badFormKey")
    .max(64, "memberPayments.badFormKey"),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "pay:members:own", organization.id);
  if (organization.kind !== "COOPERATIVE") throw new Response("Not found", { status: 404 });
  const formData = await readFormData(request);
  // Everything typed comes back with an error, so a failed submit loses nothing.
  const typed = Object.fromEntries(
    [...formData.entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]),
  );
  const fail = (error: string) => ({ error, typed });
  const parsed = PaySchema.safeParse({
    currency: formData.get("currency"),
    method: formData.get("method"),
    reference: formData.get("reference") ?? "",
    paidOn: formData.get("paidOn"),
    formKey: formData.get("formKey"),
  });
  if (!parsed.success)
    return Response.json(fail(parsed.error.issues[0]?.message ?? "validation.required"), {
      status: 400,
    });
  const payments = [];
  for (const value of formData.getAll("pay")) {
    const farmerId = Number(value);
    if (!Number.isSafeInteger(farmerId) || farmerId <= 0)
      return Response.json(fail("memberPayments.notAMember"), { status: 400 });
    const amountMinor = parsePriceToMinor(
      String(formData.get(`amount-${farmerId}`) ?? ""),
      parsed.data.currency,
    );
    if (amountMinor === null || amountMinor === 0)
      return Response.json(fail("memberPayments.amountInvalid"), { status: 400 });
    payments.push({ farmerId, amountMinor });
  }
  if (payments.length === 0) return Response.json(fail("memberPayments.nobody"), { status: 400 });
  try {
    await recordMemberPayments(
      organization.id,
      { ...parsed.data, paidOn: parsed.data.paidOn as `${number}-${number}-${number}`, payments },
      user,
      { ipAddress: requestInfo(request, context).ipAddress },
    );
  } catch (error) {
    const refusal = refused(error, PaymentError);
    if (refusal.key === "payments.forbidden") throw new Response("Forbidden", { status: 403 });
    return Response.json(fail(refusal.key), { status: 400 });
  }
  return redirect(
    `/organizations/${organization.slug}/member-payments?currency=${parsed.data.currency}&saved=1`,
  );
}

export default function MemberPayments() {
  const { slug, currency, members, recent, canPay, formKey, today } =
    useLoaderData<typeof loader>();
  const data = useActionData<{ error: string; typed: Record<string, string> }>();
  const typed = data?.typed ?? {};
  const { t } = useTranslation();
  const lng = useLanguage();
  const [params] = useSearchParams();
  const money = (minor: number) => formatMoney(minor, currency, lng);
  const checked = new Set(
    Object.entries(typed)
      .filter(([k]) => k === "pay")
      .map(([, v]) => v),
  );
  return (
    <main className="mx-auto max-w-5xl space-y-6 p-4">
      <h1 className="text-2xl font-bold">{t("memberPayments.title")}</h1>
      <p>{t("memberPayments.intro")}</p>
      {params.get("saved") ? (
        <p role="status" className="rounded-md bg-green-100 p-3">
          {t("memberPayments.saved")}
        </p>
      ) : null}
      {data?.error ? (
        <p role="alert" className="rounded-md bg-red-100 p-3">
          {t(data.error)}
        </p>
      ) : null}
      <nav className="flex flex-wrap gap-4">
        <Link to={`?currency=${currency === "KHR" ? "USD" : "KHR"}`} className="underline">
          {currency === "KHR" ? "$ USD" : "៛ KHR"}
        </Link>
        <a
          href={`/organizations/${slug}/members-payable.csv?currency=${currency}`}
          className="underline"
        >
          {t("memberPayments.csv")}
        </a>
      </nav>
      {members.length === 0 ? (
        <p>{t("memberPayments.noOne")}</p>
      ) : (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="formKey" value={typed.formKey ?? formKey} />
          <input type="hidden" name="currency" value={currency} />
          <div className="overflow-x-auto">
            <table className="min-w-full text-left">
              <thead>
                <tr>
                  {canPay ? <th className="p-2">{t("memberPayments.pay")}</th> : null}
                  <th className="p-2">{t("memberPayments.member")}</th>
                  <th className="p-2 text-right">{t("memberPayments.allocated")}</th>
                  <th className="p-2 text-right">{t("memberPayments.creditRepaid")}</th>
                  <th className="p-2 text-right">{t("memberPayments.paid")}</th>
                  <th className="p-2 text-right">{t("memberPayments.balance")}</th>
                  {canPay ? <th className="p-2">{t("memberPayments.amount")}</th> : null}
                  <th className="p-2">{t("memberPayments.accounts")}</th>
                  <th className="p-2">{t("memberPayments.statement")}</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.farmerId} className="border-t border-stone-300">
                    {canPay ? (
                      <td className="p-2">
                        <input
                          type="checkbox"
                          name="pay"
                          value={m.farmerId}
                          id={`pay-${m.farmerId}`}
                          defaultChecked={checked.has(String(m.farmerId))}
                          disabled={m.balanceMinor <= 0}
                          className="h-6 w-6"
                        />
                      </td>
                    ) : null}
                    <td className="p-2">
                      <label htmlFor={`pay-${m.farmerId}`}>
                        {m.name}
                        {m.nameLatin ? <span lang="en"> · {m.nameLatin}</span> : null}
                      </label>
                      <div className="text-sm text-stone-600">{m.village}</div>
                    </td>
                    <td className="p-2 text-right">{money(m.allocatedMinor)}</td>
                    <td className="p-2 text-right">{money(m.creditRepaidMinor)}</td>
                    <td className="p-2 text-right">{money(m.paidMinor)}</td>
                    <td className="p-2 text-right font-semibold">{money(m.balanceMinor)}</td>
                    {canPay ? (
                      <td className="p-2">
                        <input
                          name={`amount-${m.farmerId}`}
                          inputMode="decimal"
                          aria-label={`${t("memberPayments.amount")} ${m.name}`}
                          defaultValue={typed[`amount-${m.farmerId}`] ?? ""}
                          className="w-32 rounded-md border border-stone-400 px-2 py-1"
                        />
                      </td>
                    ) : null}
                    <td className="p-2 text-sm">
                      {[
                        m.bakongAccount && `Bakong ${m.bakongAccount}`,
                        m.wingAccount && `Wing ${m.wingAccount}`,
                      ]
                        .filter(Boolean)
                        .join(" · ")}
                    </td>
                    <td className="p-2">
                      <Link
                        to={`/organizations/${slug}/member-payments/statement/${m.farmerId}?currency=${currency}`}
                        className="underline"
                      >
                        {t("memberPayments.statement")}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {canPay ? (
            <fieldset className="grid max-w-xl gap-3">
              <label className="block">
                <span className="font-semibold">{t("memberPayments.method")}</span>
                <select
                  name="method"
                  defaultValue={typed.method ?? "CASH"}
                  className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2"
                >
                  {MEMBER_PAYMENT_METHODS.map((method) => (
                    <option key={method} value={method}>
                      {t(`memberPayments.methods.${method}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="block">
                <span className="font-semibold">{t("memberPayments.reference")}</span>
                <input
                  name="reference"
                  maxLength={100}
                  defaultValue={typed.reference ?? ""}
                  className="mt-1 block w-full rounded-md border border-stone-400 px-3 py-2"
                />
              </label>
              <label className="block">
                <span className="font-semibold">{t("memberPayments.paidOn")}</span>
                <input
                  type="date"
                  name="paidOn"
                  required
                  defaultValue={typed.paidOn ?? today}
                  className="mt-1 block w-full rounded-md border border-stone-400 px-3 py-2"
                />
              </label>
              <button
                type="submit"
                className="rounded-md bg-green-800 px-4 py-3 font-semibold text-white"
              >
                {t("memberPayments.submit")}
              </button>
            </fieldset>
          ) : null}
        </Form>
      )}
      {recent.length > 0 ? (
        <section>
          <h2 className="text-xl font-bold">{t("memberPayments.recent")}</h2>
          <ul className="mt-2 space-y-1">
            {recent.map((p) => (
              <li key={p.id}>
                {p.paidOn} · {p.farmer.name} · {formatMoney(p.amountMinor, p.currency, lng)} ·{" "}
                {t(`memberPayments.methods.${p.method}`)} {p.reference}{" "}
                <Link
                  to={`/organizations/${slug}/member-payments/${p.id}/slip`}
                  className="underline"
                >
                  {t("memberPayments.slips")}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}
