import { type FarmerFormInput } from "./farmers.server";

const FIELDS = [
  "name",
  "nameLatin",
  "gender",
  "birthYear",
  "phone",
  "nationalId",
  "joinedOn",
  "memberNumber",
  "villageCode",
  "selfHelpGroupId",
] as const;

/** A posted member form as text fields (missing or non-text entries are empty, never a 500). */
export function readFarmerForm(formData: FormData): FarmerFormInput {
  return Object.fromEntries(
    FIELDS.map((key) => {
      const value = formData.get(key);
      return [key, typeof value === "string" ? value.slice(0, 500) : ""];
    }),
  ) as FarmerFormInput;
}
