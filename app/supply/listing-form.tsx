import {
  getFormProps,
  getInputProps,
  getTextareaProps,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ErrorList, Field, FormErrors, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { MAX_DB_INT, plainText } from "~/validation/schemas";
import { deliveryAreasFrom, MAX_QUANTITY, parsePriceToMinor } from "./rules";

// The listing form, shared by "post produce" and "manage listing". Messages are translation keys.
const ListingFormFields = z.object({
  productId: z.coerce
    .number({ error: "supply.unknownProduct" })
    .int()
    .positive("supply.unknownProduct")
    .max(MAX_DB_INT, "supply.unknownProduct"),
  variety: plainText({ max: 80 }).optional(),
  grade: z.enum(["A", "B", "C"], { error: "validation.required" }),
  certification: z.enum(["NONE", "ORGANIC", "GAP"], { error: "validation.required" }),
  currency: z.enum(["KHR", "USD"], { error: "validation.required" }),
  price: z.string({ error: "validation.required" }).max(20, "supply.priceOutOfRange"),
  minOrderQuantity: z.coerce
    .number({ error: "supply.quantity" })
    .int("supply.quantity")
    .positive("supply.quantity")
    .max(MAX_QUANTITY, "supply.quantity"),
  descriptionKm: plainText({ max: 2000, multiline: true }).optional(),
  descriptionEn: plainText({ max: 2000, multiline: true }).optional(),
  deliveryProvinces: z
    .array(z.string().regex(/^\d{2}$/, "validation.province"), { error: "validation.province" })
    .max(25)
    .default([]),
  deliveryDistricts: z
    .array(z.string().regex(/^\d{4}$/, "validation.district"), { error: "validation.district" })
    .max(300)
    .default([]),
});

export const ListingFormSchema = ListingFormFields.transform((value, ctx) => {
  const priceMinor = parsePriceToMinor(value.price, value.currency);
  if (priceMinor === null) {
    ctx.addIssue({ code: "custom", path: ["price"], message: "supply.priceOutOfRange" });
    return z.NEVER;
  }
  return {
    productId: value.productId,
    variety: value.variety || null,
    grade: value.grade,
    certification: value.certification,
    priceMinor,
    currency: value.currency,
    minOrderQuantity: value.minOrderQuantity,
    descriptionKm: value.descriptionKm ?? "",
    descriptionEn: value.descriptionEn ?? "",
    deliveryAreas: deliveryAreasFrom(value.deliveryProvinces, value.deliveryDistricts),
  };
}).superRefine((value, ctx) => {
  if (value.deliveryAreas.length === 0) {
    ctx.addIssue({ code: "custom", path: ["deliveryProvinces"], message: "validation.province" });
  }
});

/** The form's fields as the browser sends them. */
export type ListingFormValues = {
  productId: string;
  variety: string;
  grade: string;
  certification: string;
  currency: string;
  price: string;
  minOrderQuantity: string;
  descriptionKm: string;
  descriptionEn: string;
  deliveryProvinces: string[];
  deliveryDistricts: string[];
};

type Option = { id: number; nameKm: string; nameEn: string };
type Province = { code: string; nameKm: string; nameEn: string };

export function ListingForm({
  products,
  provinces,
  districts,
  lastResult,
  defaultValue,
  submitLabel,
  intent,
}: {
  products: Option[];
  provinces: Province[];
  /** Districts offered for narrowing (those of the cooperative's own province). */
  districts: Province[];
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: Partial<ListingFormValues>;
  submitLabel: string;
  intent?: string;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [form, fields] = useForm<ListingFormValues, z.output<typeof ListingFormSchema>>({
    lastResult,
    defaultValue,
    // Conform derives browser constraints from the fields; the transform into minor units is server-side.
    constraint: getZodConstraint(ListingFormFields),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ListingFormSchema }),
    shouldRevalidate: "onBlur",
  });
  const provincesError = fields.deliveryProvinces.errors?.length
    ? fields.deliveryProvinces.errorId
    : undefined;
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-lg">
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <FormErrors errors={form.errors} />
      <SelectField
        label={t("supply.product")}
        meta={fields.productId}
        placeholder={t("auth.chooseProvince")}
        options={products.map((p) => ({
          value: String(p.id),
          label: `${localNames(p, lng).primary} · ${localNames(p, lng).secondary}`,
        }))}
      />
      <Field label={t("supply.variety")} meta={fields.variety} />
      <SelectField
        label={t("supply.grade")}
        meta={fields.grade}
        options={["A", "B", "C"].map((g) => ({
          value: g,
          label: t("supply.gradeLabel", { grade: g }),
        }))}
      />
      <SelectField
        label={t("supply.certification")}
        meta={fields.certification}
        options={(["NONE", "ORGANIC", "GAP"] as const).map((c) => ({
          value: c,
          label: t(`supply.certifications.${c}`),
        }))}
      />
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("supply.price")} meta={fields.price} />
        <SelectField
          label={t("supply.currency")}
          meta={fields.currency}
          options={[
            { value: "KHR", label: "៛ KHR" },
            { value: "USD", label: "$ USD" },
          ]}
        />
      </div>
      <Field label={t("supply.minOrderQuantity")} meta={fields.minOrderQuantity} />
      <div className="mb-4">
        <label htmlFor={fields.descriptionKm.id} className="block font-semibold">
          {t("supply.descriptionKm")}
        </label>
        <textarea
          {...getTextareaProps(fields.descriptionKm)}
          lang="km"
          rows={3}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2"
        />
        <ErrorList id={fields.descriptionKm.errorId} errors={fields.descriptionKm.errors} />
      </div>
      <div className="mb-4">
        <label htmlFor={fields.descriptionEn.id} className="block font-semibold">
          {t("supply.descriptionEn")}
        </label>
        <textarea
          {...getTextareaProps(fields.descriptionEn)}
          lang="en"
          rows={3}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2"
        />
        <ErrorList id={fields.descriptionEn.errorId} errors={fields.descriptionEn.errors} />
      </div>
      <fieldset className="mb-4" aria-describedby={provincesError}>
        <legend className="font-semibold">{t("supply.deliveryProvinces")}</legend>
        <div className="mt-1 grid max-h-48 grid-cols-2 gap-1 overflow-y-auto rounded-md border border-stone-300 bg-white p-2">
          {provinces.map((province) => (
            <label key={province.code} className="flex items-center gap-2">
              <input
                {...getInputProps(fields.deliveryProvinces, {
                  type: "checkbox",
                  value: province.code,
                })}
                defaultChecked={fields.deliveryProvinces.initialValue?.includes(province.code)}
                key={province.code}
              />
              {localNames(province, lng).primary}
            </label>
          ))}
        </div>
        <ErrorList id={provincesError} errors={fields.deliveryProvinces.errors} />
      </fieldset>
      {districts.length ? (
        <fieldset className="mb-4">
          <legend className="font-semibold">{t("supply.deliveryDistricts")}</legend>
          <div className="mt-1 grid max-h-48 grid-cols-2 gap-1 overflow-y-auto rounded-md border border-stone-300 bg-white p-2">
            {districts.map((district) => (
              <label key={district.code} className="flex items-center gap-2">
                <input
                  {...getInputProps(fields.deliveryDistricts, {
                    type: "checkbox",
                    value: district.code,
                  })}
                  defaultChecked={fields.deliveryDistricts.initialValue?.includes(district.code)}
                  key={district.code}
                />
                {localNames(district, lng).primary}
              </label>
            ))}
          </div>
          <ErrorList
            id={fields.deliveryDistricts.errorId}
            errors={fields.deliveryDistricts.errors}
          />
        </fieldset>
      ) : null}
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
