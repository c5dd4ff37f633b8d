import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { parseIdentifier } from "~/auth/identifier";
import { identifierField, newPasswordField } from "~/auth/schemas";
import { completeSetup, isSetupOpen, SetupError } from "~/auth/setup.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import { Field, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { nameText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

const SetupSchema = z.object({
  name: nameText(120),
  identifier: identifierField,
  password: newPasswordField,
});

export const meta = titleMeta("setup");

/** The link's token, or a 404 once it is used, replaced by a restart, or an admin exists. */
async function requireOpenToken(token: unknown) {
  const parsed = TokenSchema.safeParse(token);
  invariantResponse(parsed.success && (await isSetupOpen(parsed.data)), "Not found", {
    status: 404,
  });
  return parsed.data;
}

export async function loader({ params }: LoaderFunctionArgs) {
  await requireOpenToken(params.token);
  return null;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = await requireOpenToken(params.token);
  const submission = parseWithZod(await readFormData(request), { schema: SetupSchema });
  if (submission.status !== "success")
    return Response.json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  try {
    const { setCookie } = await completeSetup(
      token,
      {
        name: submission.value.name,
        identifier: parseIdentifier(submission.value.identifier)!,
        password: submission.value.password,
      },
      requestInfo(request, context),
    );
    return redirect("/unions", { headers: { "Set-Cookie": setCookie } });
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    if (error.key === "setup.gone") throw new Response("Not found", { status: 404 });
    return Response.json(
      submission.reply({ fieldErrors: { identifier: [error.key] }, hideFields: ["password"] }),
      { status: 400 },
    );
  }
}

export default function Setup() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SetupSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SetupSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-md" aria-labelledby="setup-title">
      <h1 id="setup-title" className="mb-2 text-3xl font-bold text-leaf-800">
        {t("onboarding.setup.title")}
      </h1>
      <p className="mb-4 text-stone-700">{t("onboarding.setup.intro")}</p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <Field label={t("auth.name")} meta={fields.name} autoComplete="name" />
        <Field label={t("auth.identifier")} meta={fields.identifier} autoComplete="username" />
        <Field
          label={t("auth.password")}
          meta={fields.password}
          type="password"
          autoComplete="new-password"
        />
        <SubmitButton>{t("onboarding.setup.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
