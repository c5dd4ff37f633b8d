import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { isResetTokenUsable, resetPassword } from "~/auth/accounts.server";
import { newPasswordField } from "~/auth/schemas";
import { requestInfo } from "~/http/request-info";
import { Field, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { ErrorMessage } from "~/ui/messages";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";

const tokenField = z.string().min(20).max(200);

const ResetPasswordSchema = z
  .object({
    token: tokenField,
    password: newPasswordField,
    confirmPassword: z.string({ error: "validation.required" }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "validation.passwordsDiffer",
  });

export const meta = titleMeta("newPassword");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenField.safeParse(new URL(request.url).searchParams.get("token"));
  return {
    token: token.success ? token.data : null,
    usable: token.success && (await isResetTokenUsable(token.data)),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: ResetPasswordSchema });
  if (submission.status !== "success") {
    return Response.json(submission.reply({ hideFields: ["password", "confirmPassword"] }), {
      status: 400,
    });
  }
  const done = await resetPassword(
    submission.value.token,
    submission.value.password,
    requestInfo(request, context),
  );
  if (!done) {
    return Response.json(
      submission.reply({
        formErrors: ["auth.resetInvalid"],
        hideFields: ["password", "confirmPassword"],
      }),
      {
        status: 400,
      },
    );
  }
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { t } = useTranslation();
  const { token, usable } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(ResetPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-md" aria-labelledby="reset-title">
      <h1 id="reset-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("auth.resetChoose")}
      </h1>
      {!usable || !token ? (
        <ErrorMessage>
          {t("auth.resetInvalid")}{" "}
          <Link to="/forgot-password" className="underline">
            {t("auth.forgotPassword")}
          </Link>
        </ErrorMessage>
      ) : (
        <Form method="post" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <input type="hidden" name="token" value={token} />
          <Field
            label={t("auth.newPassword")}
            meta={fields.password}
            type="password"
            autoComplete="new-password"
          />
          <Field
            label={t("auth.confirmPassword")}
            meta={fields.confirmPassword}
            type="password"
            autoComplete="new-password"
          />
          <SubmitButton>{t("auth.resetSave")}</SubmitButton>
        </Form>
      )}
    </section>
  );
}
