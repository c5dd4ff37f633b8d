import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { orRefuse, refusalOf } from "~/organizations/onboarding-http.server";
import { listProvinces } from "~/organizations/places.server";
import { assertMayCreateUnion, createUnion, listUnions } from "~/organizations/unions.server";
import { localNames } from "~/ui/format";
import { Field, FormErrors, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { nameText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";
import { domainReply } from "~/validation/errors";

const UnionSchema = z.object({
  nameKm: nameText(120),
  nameEn: nameText(120),
  provinceCode: z.string({ error: "validation.province" }).regex(/^\d{2}$/, "validation.province"),
});

export const meta = titleMeta("unions");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const actor = { ...user, ipAddress: requestInfo(request, context).ipAddress };
  const unions = await orRefuse(() => listUnions(actor));
  return { unions, canCreate: user.isAdmin, provinces: user.isAdmin ? await listProvinces() : [] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const actor = { ...user, ipAddress: requestInfo(request, context).ipAddress };
  // Refused before the form is read: an outsider gets a 403 whatever they send.
  await orRefuse(async () => assertMayCreateUnion(actor));
  const submission = parseWithZod(await readFormData(request), { schema: UnionSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  try {
    const union = await createUnion(submission.value, actor);
    return redirect(`/unions/${union.slug}`);
  } catch (error) {
    return domainReply(submission, refusalOf(error));
  }
}

export default function Unions() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { unions, canCreate, provinces } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(UnionSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UnionSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-3xl font-bold text-leaf-800">{t("onboarding.unions.title")}</h1>
        <p className="text-stone-700">{t("onboarding.unions.intro")}</p>
      </header>
      {unions.length ? (
        <ul className="divide-y rounded-lg bg-white shadow-sm">
          {unions.map((union) => (
            <li key={union.id} className="p-3">
              <Link to={`/unions/${union.slug}`} className="font-semibold text-leaf-700 underline">
                <LocalName item={union} />
              </Link>
              <p className="text-sm text-stone-600">
                {localNames(union.province, lng).primary} ·{" "}
                {t("onboarding.unions.cooperatives", { count: union.cooperatives })}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("onboarding.unions.none")}</p>
      )}
      {canCreate ? (
        <section aria-labelledby="new-union" className="max-w-lg rounded-lg bg-white p-4 shadow-sm">
          <h2 id="new-union" className="mb-2 text-xl font-semibold">
            {t("onboarding.unions.create")}
          </h2>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <Field label={t("onboarding.unions.nameKm")} meta={fields.nameKm} />
            <Field label={t("onboarding.unions.nameEn")} meta={fields.nameEn} />
            <SelectField
              label={t("onboarding.unions.province")}
              meta={fields.provinceCode}
              placeholder={t("onboarding.unions.chooseProvince")}
              options={provinces.map((p) => ({ value: p.code, label: localNames(p, lng).primary }))}
            />
            <SubmitButton>{t("onboarding.unions.createSubmit")}</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
