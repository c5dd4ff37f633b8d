// Monitoring arithmetic that needs no database: medians, ISO weeks in Cambodia's calendar, rates,
// the below-market rule and roll-ups. Pure, so every figure can be checked by hand in tests.
import { addDays, type IsoDate } from "~/calendar/dates";

/** The median; with an even count, the mean of the two middle values (as percentile_cont(0.5)). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A part of a whole as a fraction 0..1; nothing to divide by gives no rate (null), not 0%. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * The Monday that starts the ISO week of a calendar date. Delivery dates are already Cambodian
 * calendar dates (DATE columns), so no time zone applies here; instants go through cambodiaToday.
 */
export function weekStart(date: IsoDate): IsoDate {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((day + 6) % 7));
}

/** The ISO week label, e.g. "2026-W01" (the week's Thursday decides its year, as ISO 8601 says). */
export function isoWeek(date: IsoDate): string {
  const thursday = new Date(`${addDays(weekStart(date), 3)}T00:00:00Z`);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Every week (its Monday) from the week of `from` to the week of `to`, so empty weeks show as 0. */
export function weeksBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const weeks: IsoDate[] = [];
  for (let w = weekStart(from); w <= to; w = addDays(w, 7)) weeks.push(w);
  return weeks;
}

/**
 * One value per week of the range: the rows' values summed by week, and `empty` where a week has no
 * rows. Rows carry their week's Monday.
 */
export function fillWeeks<T extends { week: IsoDate }>(
  from: IsoDate,
  to: IsoDate,
  rows: readonly T[],
  value: (row: T) => number,
): { week: IsoDate; value: number }[] {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.week, (sums.get(row.week) ?? 0) + value(row));
  return weeksBetween(from, to).map((week) => ({ week, value: sums.get(week) ?? 0 }));
}

/** How far (percent) a price is below the market price; negative when above. */
export function percentBelow(price: number, market: number): number {
  return ((market - price) / market) * 100;
}

/** A finite number as an exact decimal: digits × 10^-scale, read from its shortest decimal form. */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  const [mantissa, exponent = "0"] = value.toString().split("e");
  const [whole, fraction = ""] = mantissa!.split(".");
  const digits = BigInt(`${whole}${fraction}`);
  const scale = fraction.length - Number(exponent);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * The alert rule: strictly more than `thresholdPct` percent below the market price, compared
 * exactly ((market − price) × 100 > threshold × market in integers), so a price exactly at the
 * threshold is not flagged however the division would round (7 % below was 7.000000000000001).
 */
export function isBelowMarket(price: number, market: number, thresholdPct: number): boolean {
  if (!(market > 0) || ![price, market, thresholdPct].every(Number.isFinite)) return false;
  const [p, m, t] = [price, market, thresholdPct].map(exactDecimal) as [
    ReturnType<typeof exactDecimal>,
    ReturnType<typeof exactDecimal>,
    ReturnType<typeof exactDecimal>,
  ];
  const scale = Math.max(p.scale, m.scale, t.scale);
  const up = (d: { digits: bigint; scale: number }) => d.digits * 10n ** BigInt(scale - d.scale);
  // Both sides at scale 2 × scale: no division, no rounding.
  return (up(m) - up(p)) * 100n * 10n ** BigInt(scale) > up(t) * up(m);
}

/** An alert's percentage as shown: to one decimal (a whole percent hid 7.4 % vs 6.6 %). */
export function alertPercent(price: number, market: number): number {
  return Math.round(percentBelow(price, market) * 10) / 10;
}

/** Sums the numeric fields `fields` of rows that share `key`, keeping the first row's other fields. */
export function rollUp<T extends Record<string, unknown>, F extends keyof T>(
  rows: readonly T[],
  key: (row: T) => string,
  fields: readonly F[],
): T[] {
  const groups = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const seen = groups.get(k);
    if (!seen) {
      groups.set(k, { ...row });
      continue;
    }
    for (const f of fields) (seen[f] as number) = (seen[f] as number) + (row[f] as number);
  }
  return [...groups.values()];
}

/** One sale for the weighted figures: a riel price and the quantity sold at it (grams or heads × 1000). */
export type WeightedPoint = { price: number; quantityMilli: number };

/**
 * The quantity-weighted p-quantile (docs/decisions/033-weighted-price-figures.md): the smallest price
 * at which the quantity sold at or below it reaches p of the total. Lines at the same price pool
 * their quantity; no interpolation, so the figure is always a price someone paid. Compared in
 * integers (quantities in milli-units, p in quarters) so a cumulative share exactly at p counts.
 */
function weightedQuantile(sorted: readonly WeightedPoint[], total: number, quarters: 1 | 2 | 3) {
  let cumulative = 0;
  for (const point of sorted) {
    cumulative += point.quantityMilli;
    if (cumulative * 4 >= total * quarters) return point.price;
  }
  return sorted[sorted.length - 1]!.price;
}

/**
 * Weighted first quartile, median and third quartile of prices by quantity sold; points without a
 * quantity carry no weight. Null when nothing was sold.
 */
export function weightedQuartiles(
  points: readonly WeightedPoint[],
): { q1: number; median: number; q3: number } | null {
  const weighted = points.filter((p) => p.quantityMilli > 0);
  if (weighted.length === 0) return null;
  const sorted = [...weighted].sort((a, b) => a.price - b.price);
  const total = sorted.reduce((sum, p) => sum + p.quantityMilli, 0);
  return {
    q1: weightedQuantile(sorted, total, 1),
    median: weightedQuantile(sorted, total, 2),
    q3: weightedQuantile(sorted, total, 3),
  };
}

/**
 * Rows a week-by-week table shows on the dashboard. Twelve weeks of prices are over a hundred rows
 * each (six thousand elements on the page, too heavy for a phone): the page shows the newest weeks,
 * and the table's CSV and the stats API hold every row.
 */
export const PAGE_ROWS = 30;

/** The newest `limit` rows by week, and how many there were; within a week the order stays. */
export function newestRows<T extends { week: IsoDate }>(rows: readonly T[], limit: number) {
  const sorted = [...rows].sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
  return { rows: sorted.slice(0, limit), total: rows.length };
}
