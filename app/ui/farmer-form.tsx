import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList } from "./forms";
import { localNames } from "./format";
import { useLanguage } from "./use-language";

type Commune = {
  code: string;
  nameKm: string;
  nameEn: string;
  district: { nameKm: string; nameEn: string };
  villages: { code: string; nameKm: string; nameEn: string }[];
};

export type FarmerFormValues = Partial<
  Record<
    | "name"
    | "nameLatin"
    | "gender"
    | "birthYear"
    | "phone"
    | "nationalId"
    | "joinedOn"
    | "memberNumber"
    | "villageCode"
    | "selfHelpGroupId",
    string
  >
>;

const inputClass =
  "mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2 aria-[invalid=true]:border-red-700";

/** The member form (add and edit): plain HTML, so it works without JavaScript. */
export function FarmerForm({
  values,
  errors,
  communes,
  groups,
  submitLabel,
}: {
  values: FarmerFormValues;
  errors: Partial<Record<string, string>>;
  communes: Commune[];
  groups: { id: number; name: string }[];
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const name = (item: { nameKm: string; nameEn: string }) => {
    const n = localNames(item, lng);
    return `${n.primary} (${n.secondary})`;
  };
  const field = (
    key: keyof FarmerFormValues,
    label: string,
    {
      type = "text",
      hint,
      required = false,
    }: { type?: string; hint?: string; required?: boolean } = {},
  ) => (
    <div className="mb-4">
      <label htmlFor={`farmer-${key}`} className="block font-semibold">
        {label}
      </label>
      {hint ? <p className="text-sm text-stone-600">{hint}</p> : null}
      <input
        id={`farmer-${key}`}
        name={key}
        type={type}
        required={required}
        defaultValue={values[key] ?? ""}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `farmer-${key}-error` : undefined}
        className={inputClass}
      />
      <ErrorList id={`farmer-${key}-error`} errors={errors[key] ? [errors[key]!] : null} />
    </div>
  );
  return (
    <Form method="post" className="max-w-xl rounded-lg bg-white p-4 shadow-sm">
      <input type="hidden" name="intent" value="save" />
      {field("name", t("farmers.name"), { required: true })}
      {field("nameLatin", t("farmers.nameLatin"), { hint: t("farmers.optional") })}
      <fieldset className="mb-4">
        <legend className="font-semibold">{t("farmers.gender")}</legend>
        {(["FEMALE", "MALE", "UNDISCLOSED"] as const).map((gender) => (
          <label key={gender} className="mr-4 inline-flex items-center gap-1">
            <input
              type="radio"
              name="gender"
              value={gender}
              required
              defaultChecked={values.gender === gender}
            />
            {t(`farmers.genders.${gender}`)}
          </label>
        ))}
        <ErrorList errors={errors.gender ? [errors.gender] : null} />
      </fieldset>
      {field("birthYear", t("farmers.birthYear"), { type: "number", required: true })}
      {field("phone", t("farmers.phone"), { type: "tel", hint: t("farmers.phoneHint") })}
      <div className="mb-4">
        <label htmlFor="farmer-villageCode" className="block font-semibold">
          {t("farmers.village")}
        </label>
        <select
          id="farmer-villageCode"
          name="villageCode"
          required
          defaultValue={values.villageCode ?? ""}
          aria-invalid={errors.villageCode ? true : undefined}
          aria-describedby={errors.villageCode ? "farmer-villageCode-error" : undefined}
          className={inputClass}
        >
          <option value="">{t("farmers.chooseVillage")}</option>
          {communes.map((commune) => (
            <optgroup key={commune.code} label={`${name(commune.district)} › ${name(commune)}`}>
              {commune.villages.map((village) => (
                <option key={village.code} value={village.code}>
                  {name(village)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <ErrorList
          id="farmer-villageCode-error"
          errors={errors.villageCode ? [errors.villageCode] : null}
        />
      </div>
      <div className="mb-4">
        <label htmlFor="farmer-selfHelpGroupId" className="block font-semibold">
          {t("farmers.selfHelpGroup")}
        </label>
        <select
          id="farmer-selfHelpGroupId"
          name="selfHelpGroupId"
          defaultValue={values.selfHelpGroupId ?? ""}
          className={inputClass}
        >
          <option value="">{t("farmers.noGroup")}</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      </div>
      {field("joinedOn", t("farmers.joinedOn"), { type: "date", hint: t("farmers.optional") })}
      {field("nationalId", t("farmers.nationalId"), { hint: t("farmers.optional") })}
      {field("memberNumber", t("farmers.memberNumber"), { hint: t("farmers.memberNumberHint") })}
      <button type="submit" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
        {submitLabel}
      </button>
    </Form>
  );
}
