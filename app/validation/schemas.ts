// Shared input schemas: dates, database ids and free text. Every form, query string and CSV that
// takes one of these uses them, so what PostgreSQL would refuse (year 0, NUL, an id past int4) is a
// clear 400 at the edge instead of a 500 from the database. Pure (no I/O): forms reuse it in the browser.
import { z } from "zod";
import { isIsoDate, type IsoDate } from "~/calendar/dates";

/** The dates Phsar accepts anywhere (delivery dates, filters, market prices): inclusive. */
export const MIN_DATE = "2000-01-01";
export const MAX_DATE = "2100-12-31";

/** A real calendar date, YYYY-MM-DD, between MIN_DATE and MAX_DATE. */
export function isSaneDate(value: string): value is IsoDate {
  // ISO dates of the same width compare as strings.
  return isIsoDate(value) && value >= MIN_DATE && value <= MAX_DATE;
}

export const DATE_MESSAGE = `must be a date YYYY-MM-DD from ${MIN_DATE} to ${MAX_DATE}`;

/** A date field; `message` is a translation key in forms, plain English in APIs. */
export const isoDate = (message = DATE_MESSAGE) =>
  z
    .string()
    .refine(isSaneDate, message)
    .transform((value) => value as IsoDate);

/** PostgreSQL's int4: ids and counts past it name nothing and make the query fail. */
export const MAX_DB_INT = 2_147_483_647;

/** A database id from a form, a URL or a field name. */
export const dbId = z.coerce.number().int().positive().max(MAX_DB_INT);

/** The id in a field name such as `pledge-12`, or null when the name is not `<prefix>-<id>`. */
export function idInFieldName(name: string, prefix: string): number | null | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const digits = name.slice(prefix.length + 1);
  if (!/^\d{1,10}$/.test(digits)) return null;
  const id = Number(digits);
  return id >= 1 && id <= MAX_DB_INT ? id : null;
}

// C0 and C1 controls and DEL. PostgreSQL refuses NUL in text; the others garble pages and CSVs.
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINES = /[^\P{Cc}\t\n\r]/u;
// Line and paragraph separators have no place in a one-line value.
const LINE_SEPARATORS = /[\u2028\u2029]/;
// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what is shown around
// them: "txt.exe" can be displayed as "exe.txt". Khmer and English never need them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
// Something a reader can see: a letter (Khmer consonants and vowels are letters), a digit, a symbol
// or punctuation. Zero-width spaces and joiners alone are not a name.
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

export type TextProblem = "control" | "bidi" | "invisible";

/** Why a text cannot be stored as it is, or null when it can. */
export function textProblem(
  value: string,
  options: { multiline?: boolean; visible?: boolean } = {},
): TextProblem | null {
  if ((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) return "control";
  if (!options.multiline && LINE_SEPARATORS.test(value)) return "control";
  if (BIDI_CONTROLS.test(value)) return "bidi";
  if (options.visible && !VISIBLE.test(value)) return "invisible";
  return null;
}

/** Translation keys for each problem (app/i18n/locales). */
export const TEXT_MESSAGES: Record<TextProblem, string> = {
  control: "validation.controlCharacters",
  bidi: "validation.bidiCharacters",
  invisible: "validation.visibleCharacters",
};

type TextOptions = {
  max: number;
  /** Descriptions and reasons may have line breaks and tabs; names may not. */
  multiline?: boolean;
  /** Names: required, and must hold at least one visible character. */
  required?: boolean;
  requiredMessage?: string;
  tooLongMessage?: string;
};

/** A free-text field, trimmed; refuses control characters, bidi controls and invisible names. */
export function plainText({
  max,
  multiline = false,
  required = false,
  requiredMessage = "validation.required",
  tooLongMessage = "validation.tooLong",
}: TextOptions) {
  let schema = z.string({ error: requiredMessage }).trim();
  if (required) schema = schema.min(1, requiredMessage);
  return schema.max(max, tooLongMessage).superRefine((value, ctx) => {
    const problem = textProblem(value, { multiline, visible: required || value !== "" });
    if (problem) ctx.addIssue({ code: "custom", message: TEXT_MESSAGES[problem] });
  });
}

/** A person's, business's or cooperative's name. */
export const nameText = (max = 120) => plainText({ max, required: true });
