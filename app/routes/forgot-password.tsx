import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requestPasswordReset } from "~/auth/accounts.server";
import { parseIdentifier } from "~/auth/identifier";
import { minutesUntil } from "~/auth/rate-limit.server";
import { identifierField } from "~/auth/schemas";
import { requestInfo } from "~/http/request-info";
import { Field, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { StatusMessage } from "~/ui/messages";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";

const ForgotPasswordSchema = z.object({ identifier: identifierField });

export const meta = titleMeta("forgotPassword");

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: ForgotPasswordSchema });
  if (submission.status !== "success")
    return Response.json({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = await requestPasswordReset(
    parseIdentifier(submission.value.identifier)!,
    requestInfo(request, context),
  );
  if (!outcome.ok) {
    return Response.json(
      {
        result: submission.reply({
          formErrors: [`auth.tooManyAttempts|${minutesUntil(outcome.retryAfterSeconds)}`],
        }),
        sent: false,
      },
      { status: 429 },
    );
  }
  // The same answer whether or not the account exists.
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPassword() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    constraint: getZodConstraint(ForgotPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-md" aria-labelledby="forgot-title">
      <h1 id="forgot-title" className="mb-2 text-3xl font-bold text-leaf-800">
        {t("auth.resetTitle")}
      </h1>
      {data?.sent ? (
        <StatusMessage>{t("auth.resetSent")}</StatusMessage>
      ) : (
        <p className="mb-4 text-stone-700">{t("auth.resetIntro")}</p>
      )}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <Field label={t("auth.identifier")} meta={fields.identifier} autoComplete="username" />
        <SubmitButton>{t("auth.resetSend")}</SubmitButton>
      </Form>
    </section>
  );
}
