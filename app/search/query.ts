// The search parameters shared by the search page and GET /api/v1/listings. Pure (no I/O), so the
// page's form and the API validate the same way.
import { z } from "zod";
import { dbId, isoDate } from "~/validation/schemas";

export const SORTS = ["relevance", "price_asc", "price_desc", "soonest", "remaining"] as const;
export type Sort = (typeof SORTS)[number];

export const FACETS = [
  "category",
  "product",
  "province",
  "cooperative",
  "certification",
  "grade",
] as const;
export type Facet = (typeof FACETS)[number];

export const CATEGORIES = ["VEGETABLE", "POULTRY", "EGGS"] as const;
export const CERTIFICATIONS = ["NONE", "ORGANIC", "GAP"] as const;
export const GRADES = ["A", "B", "C"] as const;

export const MAX_PER_PAGE = 50;

/** A repeatable parameter (`?grade=A&grade=B`): always an array. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(item).max(100),
  );

const riel = z.coerce.number().int().min(0).max(1_000_000_000);

export const SearchParamsSchema = z
  .object({
    q: z.string().trim().max(200).default(""),
    category: many(z.enum(CATEGORIES)),
    product: many(dbId),
    province: many(z.string().regex(/^\d{2}$/, "a 2-digit province code")),
    cooperative: many(dbId),
    certification: many(z.enum(CERTIFICATIONS)),
    grade: many(z.enum(GRADES)),
    /** Delivery dates from/to (inclusive), in Cambodia's calendar. */
    from: isoDate().optional(),
    to: isoDate().optional(),
    /** Price range per unit, in riel (USD prices are compared at a fixed rate). */
    priceMin: riel.optional(),
    priceMax: riel.optional(),
    /** remaining: the largest quantity left in one open window, most first. */
    sort: z.enum(SORTS).default("relevance"),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    perPage: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(20),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.from && value.to && value.from > value.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    if (
      value.priceMin !== undefined &&
      value.priceMax !== undefined &&
      value.priceMin > value.priceMax
    )
      ctx.addIssue({ code: "custom", path: ["priceMax"], message: "must not be below priceMin" });
  });

export type SearchParams = z.infer<typeof SearchParamsSchema>;

export type SearchParamsProblem = { parameter: string; message: string };

/**
 * Reads search parameters from a URL. Empty values (a GET form's untouched fields) count as absent.
 * Returns the first problem with the parameter's name, for a 400 answer.
 */
export function parseSearchParams(
  params: URLSearchParams,
): { ok: true; value: SearchParams } | { ok: false; problem: SearchParamsProblem } {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (values.length === 0) continue;
    raw[key] = values.length === 1 ? values[0]! : values;
  }
  const result = SearchParamsSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const parameter =
    issue.code === "unrecognized_keys" ? issue.keys.join(",") : String(issue.path[0] ?? "query");
  return { ok: false, problem: { parameter, message: issue.message } };
}

/** The URL query for these parameters, leaving out defaults (for links and the page's URL). */
export function toSearchString(params: Partial<SearchParams>): string {
  const out = new URLSearchParams();
  if (params.q) out.set("q", params.q);
  for (const facet of FACETS) for (const v of params[facet] ?? []) out.append(facet, String(v));
  if (params.from) out.set("from", params.from);
  if (params.to) out.set("to", params.to);
  if (params.priceMin !== undefined) out.set("priceMin", String(params.priceMin));
  if (params.priceMax !== undefined) out.set("priceMax", String(params.priceMax));
  if (params.sort && params.sort !== "relevance") out.set("sort", params.sort);
  if (params.page && params.page > 1) out.set("page", String(params.page));
  if (params.perPage && params.perPage !== 20) out.set("perPage", String(params.perPage));
  return out.toString();
}
