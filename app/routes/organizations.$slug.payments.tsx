// A cooperative's money (manual provider): record what buyers paid, record payouts of delivered
// orders, and what is owed to each member. Thin: see app/payments/.
import { publicUrl } from "~/http/public-url.server";
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requirePermission } from "~/auth/session.server";
import { BAKONG_ACCOUNT_ID } from "~/payments/bakong";
import { setBakongAccount } from "~/payments/bakong.server";
import { payoutDetails, setBankAccount } from "~/payments/bank.server";
import { bankAccountSchema } from "~/payments/money-details";
import { requestInfo } from "~/http/request-info";
import { manualProvider, markReceived, markRefundHandedBack } from "~/payments/manual.server";
import { cooperativePayments } from "~/payments/overview.server";
import { stripeProvider } from "~/payments/providers.server";
import { PaymentError } from "~/payments/settlement.server";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { parsePriceToMinor } from "~/supply/rules";
import { Field, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { formatCambodiaDateTime, formatMoney } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { dbId, plainText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";
import { refusalReply, refused } from "~/validation/errors";

const reference = plainText({ max: 120 }).optional();

const receivedSchema = z.object({
  intent: z.literal("received"),
  paymentId: dbId,
  currency: z.enum(["KHR", "USD"]),
  amount: z.string({ error: "validation.required" }).trim().min(1, "validation.required"),
  reference,
});
const payoutSchema = z.object({
  intent: z.literal("payout"),
  subOrderId: dbId,
  reference,
});
const onboardSchema = z.object({ intent: z.literal("onboard") });
const bakongSchema = z.object({
  intent: z.literal("bakong"),
  // Empty removes the account (buyers then cannot choose KHQR for this cooperative).
  bakongAccountId: z
    .string()
    .trim()
    .toLowerCase()
    // A refinement, not .regex(): a regex becomes the input's HTML pattern, which is case-sensitive
    // and would stop "Kralanh@ACLB" in the browser before it is lower-cased here.
    .refine((value) => BAKONG_ACCOUNT_ID.test(value), "payments.bakongAccountInvalid")
    .optional(),
});
const handedBackSchema = z.object({
  intent: z.literal("handed-back"),
  refundId: dbId,
  reference: plainText({
    max: 120,
    required: true,
    requiredMessage: "payments.referenceRequired",
  }),
});
const schema = z.discriminatedUnion("intent", [
  receivedSchema,
  payoutSchema,
  onboardSchema,
  bakongSchema,
  handedBackSchema,
  bankAccountSchema,
]);

export const meta = titleMeta("payments");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "manage:payments:own", organization.id);
  const [payments, details] = await Promise.all([
    cooperativePayments(organization.id),
    payoutDetails(organization.id),
  ]);
  return { organization, ...payments, bank: details.bank };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "manage:payments:own", organization.id);
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema });
  const target =
    String(formData.get("intent") ?? "") +
    String(
      formData.get("paymentId") ?? formData.get("subOrderId") ?? formData.get("refundId") ?? "",
    );
  if (submission.status !== "success")
    return Response.json({ target, result: submission.reply() }, { status: 400 });
  const value = submission.value;
  try {
    if (value.intent === "received") {
      const amountMinor = parsePriceToMinor(value.amount, value.currency);
      if (amountMinor === null)
        return Response.json(
          {
            target,
            result: submission.reply({ fieldErrors: { amount: ["payments.invalidAmount"] } }),
          },
          { status: 400 },
        );
      await markReceived(value.paymentId, { amountMinor, reference: value.reference }, user);
    } else if (value.intent === "payout") {
      await manualProvider.releaseSubOrder(value.subOrderId, user, value.reference);
    } else if (value.intent === "bakong") {
      await setBakongAccount(organization.id, value.bakongAccountId ?? null, user);
    } else if (value.intent === "bank") {
      const { bankName, bankAccountName, bankAccountNumber } = value;
      await setBankAccount(
        organization.id,
        bankName && bankAccountName && bankAccountNumber
          ? { bankName, bankAccountName, bankAccountNumber }
          : null,
        user,
        requestInfo(request, context).ipAddress,
      );
    } else if (value.intent === "handed-back") {
      await markRefundHandedBack(value.refundId, { reference: value.reference }, user);
    } else {
      const provider = stripeProvider();
      if (!provider) throw new PaymentError("payments.stripeNotConfigured");
      // Back to this page either way; readiness comes from Stripe's account.updated event.
      const back = publicUrl(`/organizations/${organization.slug}/payments`);
      const { url } = await provider.onboardCooperative(
        organization.id,
        { returnUrl: back, refreshUrl: back },
        user,
      );
      return redirect(url);
    }
  } catch (error) {
    return Response.json(
      { target, result: refusalReply(submission, refused(error, PaymentError)) },
      { status: 400 },
    );
  }
  return redirect(`/organizations/${organization.slug}/payments`);
}

type ActionData = { target: string; result: SubmissionResult<string[]> };

function ReceivedForm({
  payment,
}: {
  payment: {
    id: number;
    orderId: number;
    currency: "KHR" | "USD";
    amountMinor: number;
    reference: string | null;
  };
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: `received-${payment.id}`,
    lastResult: data?.target === `received${payment.id}` ? data.result : undefined,
    constraint: getZodConstraint(receivedSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: receivedSchema }),
  });
  return (
    <li className="rounded-lg border border-stone-300 p-4">
      <p className="font-semibold">
        {t("payments.orderNumber", { id: payment.orderId })}:{" "}
        {formatMoney(payment.amountMinor, payment.currency, lng)}
        {payment.reference ? ` · ${payment.reference}` : ""}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="received" />
        <input type="hidden" name="paymentId" value={payment.id} />
        <input type="hidden" name="currency" value={payment.currency} />
        <Field label={t("payments.amountReceived")} meta={fields.amount} />
        <Field label={t("payments.reference")} meta={fields.reference} />
        <SubmitButton>{t("payments.markReceived")}</SubmitButton>
      </Form>
    </li>
  );
}

function BakongForm({ bakongAccountId }: { bakongAccountId: string | null }) {
  const { t } = useTranslation();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: "bakong",
    lastResult: data?.target === "bakong" ? data.result : undefined,
    defaultValue: { bakongAccountId: bakongAccountId ?? "" },
    constraint: getZodConstraint(bakongSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: bakongSchema }),
  });
  return (
    <section aria-labelledby="bakong-title">
      <h2 id="bakong-title" className="mb-2 text-xl font-bold">
        {t("payments.bakongTitle")}
      </h2>
      <p className="mb-2 text-stone-700">
        {bakongAccountId
          ? t("payments.bakongSet", { account: bakongAccountId })
          : t("payments.bakongNotSet")}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="bakong" />
        <Field
          label={t("payments.bakongAccount")}
          hint={t("payments.bakongHint")}
          meta={fields.bakongAccountId}
          autoComplete="off"
        />
        <SubmitButton>{t("payments.bakongSave")}</SubmitButton>
      </Form>
    </section>
  );
}

function BankForm({
  bank,
}: {
  bank: { bankName: string; bankAccountName: string; bankAccountNumber: string } | null;
}) {
  const { t } = useTranslation();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: "bank",
    lastResult: data?.target === "bank" ? data.result : undefined,
    defaultValue: bank ?? {},
    constraint: getZodConstraint(bankAccountSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: bankAccountSchema }),
  });
  return (
    <section aria-labelledby="bank-title">
      <h2 id="bank-title" className="mb-2 text-xl font-bold">
        {t("payments.bankTitle")}
      </h2>
      <p className="mb-2 text-stone-700">
        {bank ? t("payments.bankSet") : t("payments.bankNotSet")}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="bank" />
        <Field label={t("payments.bankName")} meta={fields.bankName} autoComplete="off" />
        <Field
          label={t("payments.bankAccountName")}
          meta={fields.bankAccountName}
          autoComplete="off"
        />
        <Field
          label={t("payments.bankAccountNumber")}
          hint={t("payments.bankHint")}
          meta={fields.bankAccountNumber}
          autoComplete="off"
        />
        <SubmitButton>{t("payments.bankSave")}</SubmitButton>
      </Form>
    </section>
  );
}

type RefundRow = {
  id: number;
  orderId: number;
  currency: "KHR" | "USD";
  amountMinor: number;
  reference: string | null;
  createdAt: Date | string;
  handedBackAt: Date | string | null;
  handedBackReference: string | null;
};

function RefundItem({ refund }: { refund: RefundRow }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: `handed-back-${refund.id}`,
    lastResult: data?.target === `handed-back${refund.id}` ? data.result : undefined,
    constraint: getZodConstraint(handedBackSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: handedBackSchema }),
  });
  return (
    <li className="rounded-lg border border-stone-300 p-4">
      <p className="font-semibold">
        {t("payments.orderNumber", { id: refund.orderId })}:{" "}
        {formatMoney(refund.amountMinor, refund.currency, lng)}
        {refund.reference ? ` · ${refund.reference}` : ""} ·{" "}
        {formatCambodiaDateTime(refund.createdAt, lng)}
      </p>
      {refund.handedBackAt ? (
        <p>
          {t("payments.handedBackOn", {
            when: formatCambodiaDateTime(refund.handedBackAt, lng),
            reference: refund.handedBackReference ?? "",
          })}
        </p>
      ) : (
        <Form method="post" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <input type="hidden" name="intent" value="handed-back" />
          <input type="hidden" name="refundId" value={refund.id} />
          <Field label={t("payments.handedBackReference")} meta={fields.reference} />
          <SubmitButton>{t("payments.markHandedBack")}</SubmitButton>
        </Form>
      )}
    </li>
  );
}

function PayoutForm({
  subOrder,
}: {
  subOrder: { subOrderId: number; orderId: number; currency: "KHR" | "USD"; totalMinor: number };
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const data = useActionData<ActionData>();
  const [form, fields] = useForm({
    id: `payout-${subOrder.subOrderId}`,
    lastResult: data?.target === `payout${subOrder.subOrderId}` ? data.result : undefined,
    constraint: getZodConstraint(payoutSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: payoutSchema }),
  });
  return (
    <li className="rounded-lg border border-stone-300 p-4">
      <p className="font-semibold">
        {t("payments.orderNumber", { id: subOrder.orderId })}:{" "}
        {formatMoney(subOrder.totalMinor, subOrder.currency, lng)}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="payout" />
        <input type="hidden" name="subOrderId" value={subOrder.subOrderId} />
        <Field label={t("payments.reference")} meta={fields.reference} />
        <SubmitButton>{t("payments.recordPayout")}</SubmitButton>
      </Form>
    </li>
  );
}

export default function CooperativePayments() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const {
    organization,
    waiting,
    toPayOut,
    members,
    stripe,
    balances,
    refunds,
    bakongAccountId,
    bank,
  } = useLoaderData<typeof loader>();
  return (
    <section className="space-y-8" aria-labelledby="payments-title">
      <h1 id="payments-title" className="text-3xl font-bold text-leaf-800">
        {t("payments.title")}
      </h1>
      {stripe.enabled || stripe.state !== "not-connected" ? (
        <section aria-labelledby="stripe-title">
          <h2 id="stripe-title" className="mb-2 text-xl font-bold">
            {t("payments.stripeTitle")}
          </h2>
          <p role="status" className={stripe.state === "ready" ? undefined : "font-semibold"}>
            {t(`payments.stripeState.${stripe.state}`)}
          </p>
          {stripe.enabled && stripe.state !== "ready" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="onboard" />
              <SubmitButton>
                {t(
                  stripe.state === "not-connected"
                    ? "payments.stripeConnect"
                    : "payments.stripeContinue",
                )}
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title" className="mb-2 text-xl font-bold">
          {t("payments.waiting")}
        </h2>
        {waiting.length === 0 ? <p>{t("payments.noneWaiting")}</p> : null}
        <ul className="space-y-3">
          {waiting.map((payment) => (
            <ReceivedForm key={payment.id} payment={payment} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="payout-title">
        <h2 id="payout-title" className="mb-2 text-xl font-bold">
          {t("payments.toPayOut")}
        </h2>
        {toPayOut.length === 0 ? <p>{t("payments.noneToPayOut")}</p> : null}
        <ul className="space-y-3">
          {toPayOut.map((subOrder) => (
            <PayoutForm key={subOrder.subOrderId} subOrder={subOrder} />
          ))}
        </ul>
      </section>
      {refunds.length > 0 ? (
        <section aria-labelledby="refunds-title">
          <h2 id="refunds-title" className="mb-2 text-xl font-bold">
            {t("payments.refundsTitle")}
          </h2>
          <p className="mb-2 text-stone-700">{t("payments.refundsHint")}</p>
          <ul className="space-y-3">
            {refunds.map((refund) => (
              <RefundItem key={refund.id} refund={refund} />
            ))}
          </ul>
        </section>
      ) : null}
      <BankForm bank={bank} />
      <BakongForm bakongAccountId={bakongAccountId} />
      <section aria-labelledby="balance-title">
        <h2 id="balance-title" className="mb-2 text-xl font-bold">
          {t("payments.balanceTitle")}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          {(["KHR", "USD"] as const).map((currency) => (
            <div key={currency} className="contents">
              <dt>{t("payments.balanceHeld", { currency })}</dt>
              <dd>{formatMoney(balances[currency].owedMinor, currency, lng)}</dd>
              <dt>{t("payments.balancePaidOut", { currency })}</dt>
              <dd>{formatMoney(balances[currency].paidMinor, currency, lng)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="members-title">
        <h2 id="members-title" className="mb-2 text-xl font-bold">
          {t("payments.members")}
        </h2>
        {(["KHR", "USD"] as const).map((currency) =>
          members[currency].length === 0 ? null : (
            <div key={currency} className="mb-4 overflow-x-auto">
              <table className="w-full text-left">
                <thead>
                  <tr>
                    <th scope="col">{t("payments.member")}</th>
                    <th scope="col">{t("payments.share")}</th>
                    <th scope="col">{t("payments.repayment")}</th>
                    <th scope="col">{t("payments.payable")}</th>
                  </tr>
                </thead>
                <tbody>
                  {members[currency].map((row) => (
                    <tr key={row.farmerId}>
                      <td>{row.name}</td>
                      <td>{formatMoney(row.shareMinor, currency, lng)}</td>
                      <td>{formatMoney(row.repaymentMinor, currency, lng)}</td>
                      <td>{formatMoney(row.payableMinor, currency, lng)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <a
                href={`/organizations/${organization.slug}/member-statement.csv?currency=${currency}`}
                className="font-semibold text-leaf-800 underline"
                download
              >
                {t("payments.downloadCsv", { currency })}
              </a>
            </div>
          ),
        )}
        {members.KHR.length === 0 && members.USD.length === 0 ? (
          <p>{t("payments.noMembersYet")}</p>
        ) : null}
      </section>
    </section>
  );
}
