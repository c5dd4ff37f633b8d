import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requestSignUp } from "~/auth/accounts.server";
import { parseIdentifier } from "~/auth/identifier";
import { minutesUntil } from "~/auth/rate-limit.server";
import { identifierField, newPasswordField, redirectToField } from "~/auth/schemas";
import { getUser, homePath } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import { listProvinces } from "~/organizations/places.server";
import { Field, FormErrors, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { StatusMessage } from "~/ui/messages";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { nameText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

const name = nameText(120);

// Nothing here asks whether the identifier has an account: the answer would tell anyone who does.
function signUpSchema(options: { provinceCodes?: string[]; joining: boolean }) {
  return z.object({
    name,
    identifier: identifierField,
    password: newPasswordField,
    redirectTo: redirectToField,
    // A buyer business is required unless the person arrives by an invitation link.
    businessNameKm: options.joining ? z.string().optional() : name,
    businessNameEn: options.joining ? z.string().optional() : name,
    provinceCode: options.joining
      ? z.string().optional()
      : z
          .string({ error: "validation.province" })
          .refine(
            (code) => !options.provinceCodes || options.provinceCodes.includes(code),
            "validation.province",
          ),
  });
}

export const meta = titleMeta("signUp");

function isJoining(redirectTo: string | null | undefined) {
  return Boolean(redirectTo?.startsWith("/invitations/"));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePath(user));
  const search = new URL(request.url).searchParams;
  const redirectTo = search.get("redirectTo");
  return {
    provinces: await listProvinces(),
    joining: isJoining(redirectTo),
    redirectTo,
    sent: search.get("sent") === "1",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const joining = isJoining(formData.get("redirectTo")?.toString());
  const provinces = await listProvinces();
  const submission = parseWithZod(formData, {
    schema: signUpSchema({ joining, provinceCodes: provinces.map((p) => p.code) }),
  });
  if (submission.status !== "success") {
    return Response.json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const value = submission.value;
  const outcome = await requestSignUp(
    {
      name: value.name,
      identifier: parseIdentifier(value.identifier)!,
      password: value.password,
      business: joining
        ? undefined
        : {
            nameKm: value.businessNameKm!,
            nameEn: value.businessNameEn!,
            provinceCode: value.provinceCode!,
          },
      redirectTo: value.redirectTo,
    },
    requestInfo(request, context),
  );
  if (!outcome.ok) {
    return Response.json(
      submission.reply({
        formErrors: [`auth.tooManyAttempts|${minutesUntil(outcome.retryAfterSeconds)}`],
        hideFields: ["password"],
      }),
      { status: 429 },
    );
  }
  // The same answer for a free and a taken identifier: a message went to that address either way.
  return redirect("/signup?sent=1", { status: 303 });
}

export default function SignUp() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { provinces, joining, redirectTo, sent } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const schema = signUpSchema({ joining });
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-md" aria-labelledby="signup-title">
      <h1 id="signup-title" className="mb-2 text-3xl font-bold text-leaf-800">
        {t("auth.signUp")}
      </h1>
      {sent ? <StatusMessage>{t("auth.signUpSent")}</StatusMessage> : null}
      {joining || sent ? null : <p className="mb-4 text-stone-700">{t("auth.signUpIntro")}</p>}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
        <Field label={t("auth.name")} meta={fields.name} autoComplete="name" />
        <Field label={t("auth.identifier")} meta={fields.identifier} autoComplete="username" />
        <Field
          label={t("auth.password")}
          meta={fields.password}
          type="password"
          autoComplete="new-password"
        />
        {joining ? null : (
          <>
            <Field
              label={t("auth.businessNameKm")}
              meta={fields.businessNameKm}
              autoComplete="organization"
            />
            <Field label={t("auth.businessNameEn")} meta={fields.businessNameEn} />
            <SelectField
              label={t("auth.province")}
              meta={fields.provinceCode}
              placeholder={t("auth.chooseProvince")}
              options={provinces.map((p) => ({ value: p.code, label: localNames(p, lng).primary }))}
            />
          </>
        )}
        <SubmitButton>{t("auth.signUp")}</SubmitButton>
      </Form>
      <p className="mt-4">
        {t("auth.haveAccount")}{" "}
        <Link
          to={redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login"}
          className="text-leaf-700 underline"
        >
          {t("auth.signIn")}
        </Link>
      </p>
    </section>
  );
}
