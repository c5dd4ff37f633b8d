// The monitoring filters, shared by the dashboard's GET form, its CSV exports and /api/v1/stats/*.
// They live in the URL, so a filtered view can be bookmarked and shared. Pure (no I/O).
import { z } from "zod";
import { addDays, cambodiaToday, type IsoDate } from "~/calendar/dates";
import { dbId, isoDate } from "~/validation/schemas";
import { weekStart } from "./figures";

/** Weeks shown when no date range is given. */
export const DEFAULT_WEEKS = 12;
/** The longest range one request may ask for (keeps the week series and the queries bounded). */
export const MAX_RANGE_DAYS = 731;
/** Default alert threshold: selling more than this percent below the market. */
export const DEFAULT_BELOW_PCT = 10;

export const MonitoringParamsSchema = z
  .object({
    /** Delivery dates from/to, inclusive, in Cambodia's calendar. */
    from: isoDate().optional(),
    to: isoDate().optional(),
    product: dbId.optional(),
    province: z
      .string()
      .regex(/^\d{2}$/, "must be a 2-digit province code")
      .optional(),
    cooperative: dbId.optional(),
    /** Alert threshold, percent below the market price. */
    below: z.coerce.number().min(0).max(100).default(DEFAULT_BELOW_PCT),
  })
  .strict();

export type MonitoringFilters = {
  from: IsoDate;
  to: IsoDate;
  product?: number;
  province?: string;
  cooperative?: number;
  below: number;
};

export type ParamProblem = { parameter: string; message: string };

/**
 * Reads the filters from a URL. Empty values (untouched fields of a GET form) count as absent.
 * Without dates: the last DEFAULT_WEEKS whole weeks up to today (in Phnom Penh).
 */
export function parseMonitoringParams(
  params: URLSearchParams,
  now = new Date(),
): { ok: true; value: MonitoringFilters } | { ok: false; problem: ParamProblem } {
  const raw: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (values.length > 1)
      return { ok: false, problem: { parameter: key, message: "must be given once" } };
    if (values.length === 1) raw[key] = values[0]!;
  }
  const result = MonitoringParamsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const parameter =
      issue.code === "unrecognized_keys" ? issue.keys.join(",") : String(issue.path[0] ?? "query");
    return { ok: false, problem: { parameter, message: issue.message } };
  }
  const { from, to, ...rest } = result.data;
  const end = to ?? cambodiaToday(now);
  const start = from ?? weekStart(addDays(end, -7 * (DEFAULT_WEEKS - 1)));
  if (start > end)
    return { ok: false, problem: { parameter: "to", message: "must not be before from" } };
  if (addDays(start, MAX_RANGE_DAYS) < end)
    return {
      ok: false,
      problem: { parameter: "to", message: `must be at most ${MAX_RANGE_DAYS} days after from` },
    };
  return { ok: true, value: { ...rest, from: start, to: end } };
}

/** The URL query for these filters (for export links and the API), leaving out the default threshold. */
export function toMonitoringSearch(filters: MonitoringFilters): string {
  const out = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.product) out.set("product", String(filters.product));
  if (filters.province) out.set("province", filters.province);
  if (filters.cooperative) out.set("cooperative", String(filters.cooperative));
  if (filters.below !== DEFAULT_BELOW_PCT) out.set("below", String(filters.below));
  return out.toString();
}
