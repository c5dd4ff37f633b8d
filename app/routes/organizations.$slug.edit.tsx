import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { normalizeCambodianPhone } from "~/auth/identifier";
import { requirePermission } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { updateOrganization } from "~/organizations/organizations.server";
import { listDistricts, listProvinces } from "~/organizations/places.server";
import { Field, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { nameText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

const name = nameText(120);

function profileSchema(districtsOf?: (provinceCode: string) => Promise<string[]>) {
  return z
    .object({
      nameKm: name,
      nameEn: name,
      provinceCode: z
        .string({ error: "validation.province" })
        .regex(/^\d{2}$/, "validation.province"),
      districtCode: z
        .string()
        .regex(/^\d{4}$/, "validation.district")
        .optional(),
      phone: z
        .string()
        .max(40, "validation.tooLong")
        .optional()
        .refine((value) => !value || normalizeCambodianPhone(value) !== null, "validation.phone")
        .transform((value) => (value ? normalizeCambodianPhone(value) : null)),
      email: z
        .email("validation.email")
        .max(200, "validation.tooLong")
        .optional()
        .transform((v) => v?.toLowerCase() ?? null),
    })
    .superRefine(async (value, ctx) => {
      // zod 4 runs this even when the regex above failed: never send such a value to PostgreSQL.
      if (!districtsOf || !/^\d{2}$/.test(value.provinceCode)) return;
      const districts = await districtsOf(value.provinceCode);
      if (districts.length === 0)
        ctx.addIssue({ code: "custom", path: ["provinceCode"], message: "validation.province" });
      else if (value.districtCode && !districts.includes(value.districtCode)) {
        ctx.addIssue({ code: "custom", path: ["districtCode"], message: "validation.district" });
      }
    });
}

export const meta = titleMeta("editOrganization");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "update:organization:own", organization.id);
  const [provinces, districts] = await Promise.all([
    listProvinces(),
    listDistricts(organization.provinceCode),
  ]);
  return { organization, provinces, districts };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "update:organization:own", organization.id);
  const submission = await parseWithZod(await readFormData(request), {
    schema: profileSchema(async (provinceCode) =>
      (await listDistricts(provinceCode)).map((d) => d.code),
    ),
    async: true,
  });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  await updateOrganization(
    organization.id,
    { ...submission.value, districtCode: submission.value.districtCode ?? null },
    { userId: user.id, ipAddress: requestInfo(request, context).ipAddress },
  );
  return redirect(`/organizations/${organization.slug}?saved=1`);
}

export default function EditOrganization() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, provinces, districts } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const schema = profileSchema();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onBlur",
    defaultValue: {
      nameKm: organization.nameKm,
      nameEn: organization.nameEn,
      provinceCode: organization.provinceCode,
      districtCode: organization.districtCode ?? "",
      phone: organization.phone ?? "",
      email: organization.email ?? "",
    },
  });
  return (
    <section className="mx-auto max-w-lg" aria-labelledby="edit-title">
      <h1 id="edit-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("organization.edit")}
      </h1>
      <Form method="post" {...getFormProps(form)}>
        <Field label={t("organization.nameKm")} meta={fields.nameKm} />
        <Field label={t("organization.nameEn")} meta={fields.nameEn} />
        <SelectField
          label={t("organization.province")}
          meta={fields.provinceCode}
          options={provinces.map((p) => ({ value: p.code, label: localNames(p, lng).primary }))}
        />
        <SelectField
          label={t("organization.district")}
          meta={fields.districtCode}
          placeholder={t("organization.noDistrict")}
          options={districts.map((d) => ({ value: d.code, label: localNames(d, lng).primary }))}
        />
        <Field label={t("organization.phone")} meta={fields.phone} type="tel" autoComplete="tel" />
        <Field
          label={t("organization.email")}
          meta={fields.email}
          type="email"
          autoComplete="email"
        />
        <SubmitButton>{t("organization.save")}</SubmitButton>
      </Form>
    </section>
  );
}
