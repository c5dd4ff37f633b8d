// Members' input credits: the lead and clerks record them, the lead cancels one entered by mistake
// and records cash a member hands back. Other repayments come out of each member's share when the
// cooperative is paid out. Thin: see app/payments/credits.server.ts.
import { randomUUID } from "node:crypto";
import { getFormProps, getSelectProps, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { requirePermission } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import {
  cancelCredit,
  cooperativeCredits,
  recordCredit,
  recordCreditRepayment,
} from "~/payments/credits.server";
import { cancelCreditSchema, creditSchema, repayCreditSchema } from "~/payments/money-details";
import { PaymentError } from "~/payments/settlement.server";
import { cambodiaToday, dateOnly } from "~/calendar/dates";
import { parsePriceToMinor } from "~/supply/rules";
import { ErrorList, Field, FormErrors, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { formatMoney } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";
import { refusalReply, refused } from "~/validation/errors";

const schema = z.discriminatedUnion("intent", [
  creditSchema,
  cancelCreditSchema,
  repayCreditSchema,
]);

export const meta = titleMeta("credits");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "record:credits:own", organization.id);
  if (organization.kind !== "COOPERATIVE") throw new Response("Not found", { status: 404 });
  return {
    ...(await cooperativeCredits(organization.id, user)),
    today: cambodiaToday(new Date()),
    canCancel: can(user, "cancel:credits:own", organization.id),
    canRepay: can(user, "repay:credits:own", organization.id),
    // Names this showing of the repayment forms: a resubmit records nothing new.
    formKey: randomUUID(),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "record:credits:own", organization.id);
  if (organization.kind !== "COOPERATIVE") throw new Response("Not found", { status: 404 });
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema });
  const target = String(formData.get("intent") ?? "") + String(formData.get("creditId") ?? "");
  if (submission.status !== "success")
    return Response.json({ target, result: submission.reply() }, { status: 400 });
  const value = submission.value;
  const { ipAddress } = requestInfo(request, context);
  try {
    if (value.intent === "record") {
      const amountMinor = parsePriceToMinor(value.amount, value.currency);
      if (amountMinor === null || amountMinor === 0)
        return Response.json(
          {
            target,
            result: submission.reply({ fieldErrors: { amount: ["credits.amountInvalid"] } }),
          },
          { status: 400 },
        );
      await recordCredit(
        organization.id,
        {
          farmerId: value.farmerId,
          currency: value.currency,
          amountMinor,
          issuedOn: value.issuedOn,
          dueOn: value.dueOn,
          purpose: value.purpose,
        },
        user,
        ipAddress,
      );
    } else if (value.intent === "repay") {
      const amountMinor = parsePriceToMinor(value.amount, value.currency);
      if (amountMinor === null || amountMinor === 0)
        return Response.json(
          {
            target,
            result: submission.reply({ fieldErrors: { amount: ["credits.repaymentInvalid"] } }),
          },
          { status: 400 },
        );
      await recordCreditRepayment(
        organization.id,
        value.creditId,
        {
          currency: value.currency,
          amountMinor,
          repaidOn: value.repaidOn,
          note: value.note,
          formKey: value.formKey,
        },
        user,
        ipAddress,
      );
    } else {
      await cancelCredit(organization.id, value.creditId, user, ipAddress);
    }
  } catch (error) {
    const refusal = refused(error, PaymentError);
    if (refusal.key === "payments.forbidden") throw new Response("Forbidden", { status: 403 });
    const field =
      refusal.key === "credits.notAMember"
        ? "farmerId"
        : ["credits.amountInvalid", "credits.repaymentInvalid", "credits.moreThanOwed"].includes(
              refusal.key,
            )
          ? "amount"
          : undefined;
    return Response.json(
      { target, result: refusalReply(submission, { key: refusal.key, field }) },
      { status: 400 },
    );
  }
  return redirect(`/organizations/${organization.slug}/credits?saved=1`);
}

type ActionData = { target: string; result: SubmissionResult<string[]> };

function RecordForm({
  members,
  today,
}: {
  members: { id: number; name: string; village: string }[];
  today: string;
}) {
  const { t } = useTranslation();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: "record-credit",
    lastResult: data?.target === "record" ? data.result : undefined,
    defaultValue: { currency: "KHR", issuedOn: today },
    constraint: getZodConstraint(creditSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: creditSchema }),
    shouldValidate: "onBlur",
  });
  const memberError = fields.farmerId.errors?.length ? fields.farmerId.errorId : undefined;
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-xl">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="record" />
      <div className="mb-4">
        <label htmlFor={fields.farmerId.id} className="block font-semibold">
          {t("credits.member")}
        </label>
        <select
          {...getSelectProps(fields.farmerId)}
          key={fields.farmerId.key}
          aria-describedby={memberError}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2"
        >
          <option value="">{t("credits.chooseMember")}</option>
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name} · {member.village}
            </option>
          ))}
        </select>
        <ErrorList id={memberError} errors={fields.farmerId.errors} />
      </div>
      <Field label={t("credits.purpose")} hint={t("credits.purposeHint")} meta={fields.purpose} />
      <Field label={t("credits.amount")} meta={fields.amount} />
      <SelectField
        label={t("supply.currency")}
        meta={fields.currency}
        options={[
          { value: "KHR", label: "៛ KHR" },
          { value: "USD", label: "$ USD" },
        ]}
      />
      <Field label={t("credits.issuedOn")} meta={fields.issuedOn} hint="YYYY-MM-DD" />
      <Field label={t("credits.dueOn")} meta={fields.dueOn} hint={t("credits.dueOnHint")} />
      <SubmitButton>{t("credits.record")}</SubmitButton>
    </Form>
  );
}

function RepayForm({
  creditId,
  currency,
  formKey,
  today,
}: {
  creditId: number;
  currency: "KHR" | "USD";
  formKey: string;
  today: string;
}) {
  const { t } = useTranslation();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: `repay-credit-${creditId}`,
    lastResult: data?.target === `repay${creditId}` ? data.result : undefined,
    defaultValue: { repaidOn: today },
    constraint: getZodConstraint(repayCreditSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: repayCreditSchema }),
    shouldValidate: "onBlur",
  });
  // After a refusal the submitted key is kept: nothing was recorded under it.
  const typedKey = form.initialValue?.formKey;
  return (
    <details open={data?.target === `repay${creditId}`} className="mt-2">
      <summary className="cursor-pointer font-semibold text-leaf-800">
        {t("credits.repayTitle")}
      </summary>
      <Form method="post" {...getFormProps(form)} className="mt-2">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="repay" />
        <input type="hidden" name="creditId" value={creditId} />
        <input type="hidden" name="currency" value={currency} />
        <input
          type="hidden"
          name="formKey"
          value={typeof typedKey === "string" ? typedKey : formKey}
        />
        <Field label={`${t("credits.repayAmount")} (${currency})`} meta={fields.amount} />
        <Field label={t("credits.repaidOn")} meta={fields.repaidOn} hint="YYYY-MM-DD" />
        <Field
          label={t("credits.repayNote")}
          hint={t("credits.repayNoteHint")}
          meta={fields.note}
        />
        <SubmitButton>{t("credits.repay")}</SubmitButton>
      </Form>
    </details>
  );
}

export default function Credits() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { credits, members, today, canCancel, canRepay, formKey } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const [searchParams] = useSearchParams();
  return (
    <section className="space-y-8" aria-labelledby="credits-title">
      <header>
        <h1 id="credits-title" className="text-3xl font-bold text-leaf-800">
          {t("credits.title")}
        </h1>
        <p className="text-stone-700">{t("credits.intro")}</p>
        {searchParams.get("saved") ? (
          <p role="status" className="font-semibold text-leaf-800">
            {t("credits.saved")}
          </p>
        ) : null}
      </header>
      <section aria-labelledby="record-title">
        <h2 id="record-title" className="mb-2 text-xl font-bold">
          {t("credits.recordTitle")}
        </h2>
        <RecordForm members={members} today={today} />
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title" className="mb-2 text-xl font-bold">
          {t("credits.listTitle")}
        </h2>
        {credits.length === 0 ? (
          <p>{t("credits.none")}</p>
        ) : (
          <table className="w-full border-collapse text-left">
            <thead>
              <tr className="border-b border-stone-300">
                <th className="p-2">{t("credits.member")}</th>
                <th className="p-2">{t("credits.purpose")}</th>
                <th className="p-2">{t("credits.issuedOn")}</th>
                <th className="p-2">{t("credits.dueOn")}</th>
                <th className="p-2 text-right">{t("credits.amount")}</th>
                <th className="p-2 text-right">{t("credits.outstanding")}</th>
                <th className="p-2">
                  <span className="sr-only">{t("credits.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {credits.map((credit) => (
                <tr key={credit.id} className="border-b border-stone-200 align-top">
                  <td className="p-2">{credit.farmer.name}</td>
                  <td className="p-2">{credit.note}</td>
                  <td className="p-2">{dateOnly(new Date(credit.issuedOn))}</td>
                  <td className="p-2">{credit.dueOn ? dateOnly(new Date(credit.dueOn)) : "—"}</td>
                  <td className="p-2 text-right">
                    {formatMoney(credit.amountMinor, credit.currency, lng)}
                  </td>
                  <td className="p-2 text-right">
                    {credit.cancelledAt
                      ? t("credits.cancelled")
                      : formatMoney(credit.outstandingMinor, credit.currency, lng)}
                  </td>
                  <td className="p-2">
                    {canCancel && !credit.cancelledAt && credit.repaidMinor === 0 ? (
                      <Form method="post">
                        <input type="hidden" name="creditId" value={credit.id} />
                        {data?.target === `cancel${credit.id}` ? (
                          <FormErrors errors={data.result.error?.[""] ?? null} />
                        ) : null}
                        <SubmitButton name="intent" value="cancel">
                          {t("credits.cancel")}
                        </SubmitButton>
                      </Form>
                    ) : null}
                    {canRepay && !credit.cancelledAt && credit.outstandingMinor > 0 ? (
                      <RepayForm
                        creditId={credit.id}
                        currency={credit.currency}
                        formKey={formKey}
                        today={today}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
