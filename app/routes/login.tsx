import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { signIn } from "~/auth/accounts.server";
import { parseIdentifier } from "~/auth/identifier";
import { identifierField, redirectToField } from "~/auth/schemas";
import { getUser, homePath, homePathFor } from "~/auth/session.server";
import { safeRedirectPath } from "~/http/responses";
import { requestInfo } from "~/http/request-info";
import { Field, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { StatusMessage } from "~/ui/messages";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";

export const LoginSchema = z.object({
  identifier: identifierField,
  password: z
    .string({ error: "validation.required" })
    .min(1, "validation.required")
    .max(200, "validation.passwordTooLong"),
  redirectTo: redirectToField,
});

export const meta = titleMeta("signIn");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePath(user));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: LoginSchema });
  if (submission.status !== "success") {
    return Response.json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const { identifier, password, redirectTo } = submission.value;
  const result = await signIn(
    parseIdentifier(identifier)!,
    password,
    requestInfo(request, context),
  );
  if (!result.ok) {
    const message =
      result.reason === "rate_limited"
        ? `auth.tooManyAttempts|${Math.max(1, Math.ceil(result.retryAfterSeconds / 60))}`
        : "auth.invalidCredentials";
    return Response.json(submission.reply({ formErrors: [message], hideFields: ["password"] }), {
      status: result.reason === "rate_limited" ? 429 : 400,
    });
  }
  return redirect(safeRedirectPath(redirectTo, await homePathFor(result.userId)), {
    headers: { "Set-Cookie": result.setCookie },
  });
}

export default function Login() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(LoginSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-md" aria-labelledby="login-title">
      <h1 id="login-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("auth.signIn")}
      </h1>
      {searchParams.get("reset") === "1" ? (
        <StatusMessage>{t("auth.resetDone")}</StatusMessage>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label={t("auth.identifier")} meta={fields.identifier} autoComplete="username" />
        <Field
          label={t("auth.password")}
          meta={fields.password}
          type="password"
          autoComplete="current-password"
        />
        <SubmitButton>{t("auth.signIn")}</SubmitButton>
      </Form>
      <p className="mt-4">
        <Link to="/forgot-password" className="text-leaf-700 underline">
          {t("auth.forgotPassword")}
        </Link>
      </p>
      <p className="mt-2">
        {t("auth.noAccount")}{" "}
        <Link to={`/signup?${searchParams}`} className="text-leaf-700 underline">
          {t("auth.signUp")}
        </Link>
      </p>
    </section>
  );
}
