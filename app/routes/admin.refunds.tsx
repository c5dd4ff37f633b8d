import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireAdmin } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { allocateOutsideRefund, listOutsideRefunds } from "~/payments/outside-refunds.server";
import { PaymentError } from "~/payments/settlement.server";
import { parsePriceToMinor } from "~/supply/rules";
import { FormErrors, SubmitButton } from "~/ui/forms";
import { formatCambodiaDateTime, formatDate, formatMoney, localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { dbId, idInFieldName } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";
import { refused } from "~/validation/errors";

export const meta = titleMeta("outsideRefunds");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAdmin(request);
  return { refunds: await listOutsideRefunds(user) };
}

const Intent = z.object({ outsideRefundId: dbId });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAdmin(request);
  const formData = await readFormData(request);
  const fail = (outsideRefundId: number | null, key: string) =>
    Response.json({ outsideRefundId, error: key }, { status: 400 });
  const intent = Intent.safeParse({ outsideRefundId: formData.get("outsideRefundId") });
  if (!intent.success) return fail(null, "payments.outsideRefundNotFound");
  const { outsideRefundId } = intent.data;
  const currency = formData.get("currency") === "USD" ? "USD" : "KHR";
  const parts = [];
  for (const [name, value] of formData) {
    const subOrderId = idInFieldName(name, "part");
    if (subOrderId === undefined) continue;
    const text = typeof value === "string" ? value.trim() : "";
    if (subOrderId === null) return fail(outsideRefundId, "payments.invalidAmount");
    if (text === "") continue;
    const amountMinor = parsePriceToMinor(text, currency);
    if (amountMinor === null) return fail(outsideRefundId, "payments.invalidAmount");
    parts.push({ subOrderId, amountMinor });
  }
  try {
    // The currency field only says how to read the amounts; the domain checks them against the
    // refund's own payment, so a wrong one fails the sum.
    await allocateOutsideRefund(outsideRefundId, parts, user);
  } catch (error) {
    return fail(outsideRefundId, refused(error, PaymentError).key);
  }
  return redirect("/admin/refunds?allocated=1");
}

export default function OutsideRefunds() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { refunds } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ outsideRefundId: number | null; error: string }>();
  const [searchParams] = useSearchParams();
  return (
    <section aria-labelledby="outside-refunds-title">
      <h1 id="outside-refunds-title" className="mb-2 text-3xl font-bold text-leaf-800">
        {t("payments.outsideRefunds.title")}
      </h1>
      <p className="mb-4 max-w-prose">{t("payments.outsideRefunds.intro")}</p>
      {searchParams.get("allocated") ? (
        <p role="status" className="mb-4 rounded bg-leaf-50 p-3">
          {t("payments.outsideRefunds.done")}
        </p>
      ) : null}
      {actionData && actionData.outsideRefundId === null ? (
        <FormErrors errors={[actionData.error]} />
      ) : null}
      {refunds.length === 0 ? <p>{t("payments.outsideRefunds.none")}</p> : null}
      <ul className="space-y-4">
        {refunds.map((refund) => (
          <li key={refund.id} className="rounded bg-white p-4 shadow-sm">
            <Form method="post" aria-labelledby={`outside-refund-${refund.id}`}>
              <h2 id={`outside-refund-${refund.id}`} className="mb-2 text-lg font-semibold">
                {t("payments.outsideRefunds.heading", {
                  amount: formatMoney(refund.amountMinor, refund.payment.currency, lng),
                  orderId: refund.payment.orderId,
                  when: formatCambodiaDateTime(refund.createdAt, lng),
                })}
              </h2>
              {actionData?.outsideRefundId === refund.id ? (
                <FormErrors errors={[actionData.error]} />
              ) : null}
              <input type="hidden" name="outsideRefundId" value={refund.id} />
              <input type="hidden" name="currency" value={refund.payment.currency} />
              {refund.subOrders.map((s) => (
                <p key={s.id} className="mb-2">
                  <label htmlFor={`part-${refund.id}-${s.id}`} className="block">
                    {t("payments.outsideRefunds.part", {
                      date: formatDate(s.deliveryDate, lng),
                      cooperative: localNames(s.cooperative, lng).primary,
                      status: t(`orders.statuses.${s.status}`),
                    })}
                  </label>
                  <input
                    id={`part-${refund.id}-${s.id}`}
                    name={`part-${s.id}`}
                    inputMode="decimal"
                    autoComplete="off"
                    className="rounded border p-2"
                    aria-describedby={`part-${refund.id}-${s.id}-max`}
                  />{" "}
                  <span id={`part-${refund.id}-${s.id}-max`} className="text-sm text-stone-600">
                    {t("payments.outsideRefunds.refundable", {
                      amount: formatMoney(s.refundableMinor, refund.payment.currency, lng),
                    })}
                  </span>
                </p>
              ))}
              <SubmitButton>{t("payments.outsideRefunds.allocate")}</SubmitButton>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}
