// The cooperative form (create and edit): one schema for the server and the browser, and the fields.
import { type FieldMetadata, getSelectProps } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Field, ErrorList } from "~/ui/forms";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { isoDate, nameText, textProblem } from "~/validation/schemas";

export const CooperativeSchema = z.object({
  nameKm: nameText(120),
  nameEn: nameText(120),
  districtCode: z
    .string({ error: "onboarding.cooperatives.unknownDistrict" })
    .regex(/^\d{4}$/, "onboarding.cooperatives.unknownDistrict"),
  // Optional: empty means not chosen yet (the domain checks it is one of the district's).
  communeCode: z
    .string()
    .regex(/^\d{6}$/, "onboarding.cooperatives.communeNotInDistrict")
    .optional(),
  registrationNumber: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, "validation.required")
    .max(60, "validation.tooLong")
    .refine((value) => textProblem(value) === null, "validation.controlCharacters"),
  registeredOn: isoDate("validation.dateRange"),
});

type Place = { code: string; nameKm: string; nameEn: string };

/** The submit button that re-shows the form with the chosen district's communes (no JavaScript). */
export const SHOW_COMMUNES = { name: "show", value: "communes" } as const;

export function CooperativeFields({
  fields,
  provinces,
  communes,
}: {
  fields: {
    nameKm: FieldMetadata<string>;
    nameEn: FieldMetadata<string>;
    districtCode: FieldMetadata<string>;
    communeCode: FieldMetadata<string>;
    registrationNumber: FieldMetadata<string>;
    registeredOn: FieldMetadata<string>;
  };
  provinces: (Place & { districts: Place[] })[];
  /** The communes of the district chosen (saved, or typed in the last post). */
  communes: Place[];
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const district = fields.districtCode;
  const errorId = district.errors?.length ? district.errorId : undefined;
  const commune = fields.communeCode;
  const communeErrorId = commune.errors?.length ? commune.errorId : undefined;
  return (
    <>
      <Field label={t("onboarding.cooperatives.nameKm")} meta={fields.nameKm} />
      <Field label={t("onboarding.cooperatives.nameEn")} meta={fields.nameEn} />
      <div className="mb-4">
        <label htmlFor={district.id} className="block font-semibold">
          {t("onboarding.cooperatives.district")}
        </label>
        {/* One select grouped by province: the province follows from the district, without JavaScript. */}
        <select
          {...getSelectProps(district)}
          key={district.key}
          aria-describedby={errorId}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2 text-base aria-[invalid=true]:border-red-700"
        >
          <option value="">{t("onboarding.cooperatives.chooseDistrict")}</option>
          {provinces.map((p) => (
            <optgroup key={p.code} label={localNames(p, lng).primary}>
              {p.districts.map((d) => (
                <option key={d.code} value={d.code}>
                  {localNames(d, lng).primary} ({localNames(p, lng).primary})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <ErrorList id={errorId} errors={district.errors} />
      </div>
      <div className="mb-4">
        <label htmlFor={commune.id} className="block font-semibold">
          {t("onboarding.cooperatives.commune")}
        </label>
        <p className="text-sm text-stone-600">{t("onboarding.cooperatives.communeHint")}</p>
        <select
          {...getSelectProps(commune)}
          key={`${commune.key}-${communes[0]?.code ?? ""}`}
          aria-describedby={communeErrorId}
          className="mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2 text-base aria-[invalid=true]:border-red-700"
        >
          <option value="">{t("onboarding.cooperatives.chooseCommune")}</option>
          {communes.map((c) => (
            <option key={c.code} value={c.code}>
              {localNames(c, lng).primary} ({localNames(c, lng).secondary})
            </option>
          ))}
        </select>
        <ErrorList id={communeErrorId} errors={commune.errors} />
      </div>
      <Field
        label={t("onboarding.cooperatives.registrationNumber")}
        meta={fields.registrationNumber}
      />
      <Field
        label={t("onboarding.cooperatives.registeredOn")}
        meta={fields.registeredOn}
        type="date"
      />
    </>
  );
}

/**
 * Re-shows the form with the chosen district's communes. Rendered after the form's save button:
 * the first submit button is the one Enter presses, and that must stay the save.
 */
export function ShowCommunesButton() {
  const { t } = useTranslation();
  return (
    <button
      type="submit"
      {...SHOW_COMMUNES}
      formNoValidate
      className="ml-2 mt-2 rounded-md border border-leaf-700 px-3 py-2 font-semibold text-leaf-800"
    >
      {t("onboarding.cooperatives.showCommunes")}
    </button>
  );
}
