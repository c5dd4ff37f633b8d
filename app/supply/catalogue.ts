// The product catalogue form, shared by the browser (constraints) and the server (parsing). Pure.
import { z } from "zod";
import { nameText, plainText } from "~/validation/schemas";

export const MAX_SYNONYMS = 40;
export const MAX_SYNONYM_LENGTH = 60;
/** A reference price above this (riel per unit) is a typing mistake, not a market price. */
export const MAX_REFERENCE_PRICE_KHR = 10_000_000;

/** One synonym a line (or separated by commas), trimmed, blank ones and repeats dropped. */
export function parseSynonyms(text: string): string[] {
  const seen = new Set<string>();
  const synonyms: string[] = [];
  for (const raw of text.split(/[\n,،]+/)) {
    const synonym = raw.trim().replace(/\s+/g, " ");
    const key = synonym.normalize("NFC").toLowerCase();
    if (!synonym || seen.has(key)) continue;
    seen.add(key);
    synonyms.push(synonym);
  }
  return synonyms;
}

export const productSchema = z.object({
  nameKm: nameText(120),
  nameEn: nameText(120),
  category: z.enum(["VEGETABLE", "POULTRY", "EGGS"], { error: "catalogue.categoryRequired" }),
  unit: z.enum(["KG", "HEAD", "BUNCH", "TRAY"], { error: "catalogue.unitRequired" }),
  referencePriceKhr: z
    .string()
    .trim()
    .regex(/^\d{1,8}$/, "catalogue.referencePriceInvalid")
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .refine(
      (value) => value === null || (value > 0 && value <= MAX_REFERENCE_PRICE_KHR),
      "catalogue.referencePriceInvalid",
    ),
  searchSynonyms: plainText({ max: 4000, multiline: true })
    .optional()
    .transform((value) => parseSynonyms(value ?? ""))
    .refine((list) => list.length <= MAX_SYNONYMS, "catalogue.tooManySynonyms")
    .refine(
      (list) => list.every((s) => s.length <= MAX_SYNONYM_LENGTH),
      "catalogue.synonymTooLong",
    ),
});

export type ProductInput = z.output<typeof productSchema>;
