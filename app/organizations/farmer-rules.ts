// What a member farmer's record may hold: one set of rules for the form and the import. Pure: no
// database, safe in the browser. Messages are translation keys under `farmers.errors`.
import { normalizeCambodianPhone } from "~/auth/identifier";
import { type Gender } from "~/db/generated/enums";
import { normalizeText } from "~/search/normalize";

/** The oldest a living member can plausibly be, and the youngest a cooperative registers. */
export const MAX_MEMBER_AGE = 110;
export const MIN_MEMBER_AGE = 12;
export const FARMER_PAGE_SIZE = 50;

export type FarmerErrorKey =
  | "farmers.errors.nameRequired"
  | "farmers.errors.tooLong"
  | "farmers.errors.formula"
  | "farmers.errors.gender"
  | "farmers.errors.birthYear"
  | "farmers.errors.phone"
  | "farmers.errors.date"
  | "farmers.errors.futureDate"
  | "farmers.errors.nationalId"
  | "farmers.errors.memberNumber"
  | "farmers.errors.memberNumberTaken"
  | "farmers.errors.village";

// A cell a spreadsheet would run as a formula (CSV injection): "=SUM(…)", "@cmd", "+A1", "-2+3".
// A phone written "+855 12 …" or a plain negative number is not one.
const FORMULA_START = /^\s*(=|@|[+-]\s*[^\d\s])/;

export function looksLikeFormula(value: string) {
  return FORMULA_START.test(value);
}

type Result<T> = { ok: true; value: T } | { ok: false; error: FarmerErrorKey };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (error: FarmerErrorKey): Result<never> => ({ ok: false, error });

function text(value: string, max: number, required: FarmerErrorKey | null): Result<string> {
  const trimmed = value.normalize("NFC").trim().replace(/\s+/g, " ");
  if (!trimmed) return required ? fail(required) : ok("");
  if (trimmed.length > max) return fail("farmers.errors.tooLong");
  if (looksLikeFormula(trimmed)) return fail("farmers.errors.formula");
  return ok(trimmed);
}

export const parseName = (value: string) => text(value, 120, "farmers.errors.nameRequired");
export const parseNameLatin = (value: string) => text(value, 120, null);

/** The member number of the cooperative's own register: letters, digits, "-", "/", "." (≤ 40). */
export function parseMemberNumber(value: string, required: boolean): Result<string | null> {
  const trimmed = value.trim();
  if (!trimmed) return required ? fail("farmers.errors.memberNumber") : ok(null);
  if (!/^[\p{L}\p{N}][\p{L}\p{N}./-]{0,39}$/u.test(trimmed))
    return fail("farmers.errors.memberNumber");
  return ok(trimmed);
}

export function parseNationalId(value: string): Result<string | null> {
  const compact = value.replace(/\s+/g, "");
  if (!compact) return ok(null);
  if (!/^[A-Za-z0-9]{6,20}$/.test(compact)) return fail("farmers.errors.nationalId");
  return ok(compact.toUpperCase());
}

const GENDERS: Record<string, Gender> = {
  female: "FEMALE",
  f: "FEMALE",
  woman: "FEMALE",
  ស្រី: "FEMALE",
  male: "MALE",
  m: "MALE",
  man: "MALE",
  ប្រុស: "MALE",
  undisclosed: "UNDISCLOSED",
  មិនបញ្ជាក់: "UNDISCLOSED",
};

/** Gender as the register writes it (ស្រី/ប្រុស, female/male, F/M, the enum itself). */
export function parseGender(value: string): Result<Gender> {
  const gender = GENDERS[value.normalize("NFC").trim().toLowerCase()];
  return gender ? ok(gender) : fail("farmers.errors.gender");
}

export const genderLabelKm: Record<Gender, string> = {
  FEMALE: "ស្រី",
  MALE: "ប្រុស",
  UNDISCLOSED: "មិនបញ្ជាក់",
};

/** A four-digit year between MAX_MEMBER_AGE and MIN_MEMBER_AGE years before `year`. */
export function parseBirthYear(value: string, year: number): Result<number> {
  const ascii = value.trim().replace(/[\u17E0-\u17E9]/g, (d) => String(d.charCodeAt(0) - 0x17e0));
  if (!/^\d{4}$/.test(ascii)) return fail("farmers.errors.birthYear");
  const birthYear = Number(ascii);
  if (birthYear < year - MAX_MEMBER_AGE || birthYear > year - MIN_MEMBER_AGE)
    return fail("farmers.errors.birthYear");
  return ok(birthYear);
}

/** Optional; E.164 when given. Members of one family often share one phone, so it is not unique. */
export function parsePhone(value: string): Result<string | null> {
  if (!value.trim()) return ok(null);
  const phone = normalizeCambodianPhone(value);
  return phone ? ok(phone) : fail("farmers.errors.phone");
}

/** A date joined as YYYY-MM-DD or DD/MM/YYYY, not after `today` (YYYY-MM-DD). */
export function parseJoinedOn(value: string, today: string): Result<string | null> {
  const trimmed = value.trim();
  if (!trimmed) return ok(null);
  let iso: string | null = null;
  const isoMatch = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dmyMatch = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(trimmed);
  if (isoMatch)
    iso = `${isoMatch[1]}-${isoMatch[2]!.padStart(2, "0")}-${isoMatch[3]!.padStart(2, "0")}`;
  else if (dmyMatch)
    iso = `${dmyMatch[3]}-${dmyMatch[2]!.padStart(2, "0")}-${dmyMatch[1]!.padStart(2, "0")}`;
  if (!iso) return fail("farmers.errors.date");
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso)
    return fail("farmers.errors.date");
  if (iso > today || iso < "1950-01-01") return fail("farmers.errors.futureDate");
  return ok(iso);
}

/** What the member search compares: names, member number and phone, in the search normaliser's form. */
export function farmerSearchText(farmer: {
  name: string;
  nameLatin: string;
  memberNumber: string | null;
  phone: string | null;
}) {
  const phone = farmer.phone ? `${farmer.phone} 0${farmer.phone.slice(4)}` : "";
  return normalizeText(
    [farmer.name, farmer.nameLatin, farmer.memberNumber ?? "", phone].join(" "),
  ).replace(/\s+/g, " ");
}

/** A search box's text in the same form (a phone typed "012 345 678" matches "012345678"). */
export function farmerSearchQuery(query: string) {
  // Control characters match no name and PostgreSQL refuses NUL in text: they count as spaces.
  const trimmed = query.replace(/\p{Cc}/gu, " ").trim();
  const phone = normalizeCambodianPhone(trimmed);
  if (phone) return `0${phone.slice(4)}`;
  return normalizeText(trimmed).replace(/\s+/g, " ").trim();
}

/** The field values a member form or an import row holds, as text. */
export type FarmerFields = {
  name: string;
  nameLatin: string;
  gender: string;
  birthYear: string;
  phone: string;
  nationalId: string;
  joinedOn: string;
  memberNumber: string;
};

export type FarmerValues = {
  name: string;
  nameLatin: string;
  gender: Gender;
  birthYear: number;
  phone: string | null;
  nationalId: string | null;
  joinedOn: string | null;
  memberNumber: string | null;
};

/** Checks every field; the errors name the field they belong to. */
export function parseFarmerFields(
  fields: FarmerFields,
  {
    year,
    today,
    memberNumberRequired,
  }: { year: number; today: string; memberNumberRequired: boolean },
):
  | { ok: true; value: FarmerValues }
  | { ok: false; errors: Partial<Record<keyof FarmerFields, FarmerErrorKey>> } {
  const results = {
    name: parseName(fields.name),
    nameLatin: parseNameLatin(fields.nameLatin),
    gender: parseGender(fields.gender),
    birthYear: parseBirthYear(fields.birthYear, year),
    phone: parsePhone(fields.phone),
    nationalId: parseNationalId(fields.nationalId),
    joinedOn: parseJoinedOn(fields.joinedOn, today),
    memberNumber: parseMemberNumber(fields.memberNumber, memberNumberRequired),
  };
  const errors: Partial<Record<keyof FarmerFields, FarmerErrorKey>> = {};
  for (const [key, result] of Object.entries(results))
    if (!result.ok) errors[key as keyof FarmerFields] = result.error;
  if (Object.keys(errors).length) return { ok: false, errors };
  const value = Object.fromEntries(
    Object.entries(results).map(([key, result]) => [key, result.ok ? result.value : null]),
  ) as FarmerValues;
  return { ok: true, value };
}
