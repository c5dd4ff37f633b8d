// The catalogue's product form (new and edit pages). Works without JavaScript: a plain POST.
import { getFormProps, getTextareaProps, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field, FormErrors, SelectField, SubmitButton, useForm } from "~/ui/forms";
import { productSchema } from "./catalogue";

export type ProductFormDefaults = {
  nameKm?: string;
  nameEn?: string;
  category?: string;
  unit?: string;
  referencePriceKhr?: string;
  searchSynonyms?: string;
};

export function ProductForm({
  lastResult,
  defaultValue,
  submitLabel,
}: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: ProductFormDefaults;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "product",
    lastResult,
    defaultValue,
    constraint: getZodConstraint(productSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: productSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="max-w-xl">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="save" />
      <Field label={t("catalogue.nameKm")} meta={fields.nameKm} />
      <Field label={t("catalogue.nameEn")} meta={fields.nameEn} />
      <SelectField
        label={t("catalogue.category")}
        meta={fields.category}
        placeholder={t("catalogue.choose")}
        options={(["VEGETABLE", "POULTRY", "EGGS"] as const).map((value) => ({
          value,
          label: t(`category.${value}`),
        }))}
      />
      <SelectField
        label={t("catalogue.unit")}
        meta={fields.unit}
        placeholder={t("catalogue.choose")}
        options={(["KG", "HEAD", "BUNCH", "TRAY"] as const).map((value) => ({
          value,
          label: t(`unit.${value}`),
        }))}
      />
      <Field
        label={t("catalogue.referencePrice")}
        hint={t("catalogue.referencePriceHint")}
        meta={fields.referencePriceKhr}
      />
      <div className="mb-4">
        <label htmlFor={fields.searchSynonyms.id} className="block font-semibold">
          {t("catalogue.synonyms")}
        </label>
        <p id={`${fields.searchSynonyms.id}-hint`} className="text-sm text-stone-600">
          {t("catalogue.synonymsHint")}
        </p>
        <textarea
          {...getTextareaProps(fields.searchSynonyms)}
          aria-describedby={
            fields.searchSynonyms.errors?.length
              ? fields.searchSynonyms.errorId
              : `${fields.searchSynonyms.id}-hint`
          }
          rows={6}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2"
        />
        <ErrorList id={fields.searchSynonyms.errorId} errors={fields.searchSynonyms.errors} />
      </div>
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
