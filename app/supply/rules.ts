// Supply rules that need no database: delivery windows, prices, quantities, capacity.
// Pure, so they test fast and the forms can reuse them in the browser.

import { addDays, cambodiaInstant, cambodiaToday, type IsoDate } from "~/calendar/dates";
import { KHR_PER_USD } from "~/money/currency";

export type WindowProblem =
  | "supply.deliveryInPast"
  | "supply.deliveryTooFar"
  | "supply.cutoffAfterDelivery"
  | "supply.cutoffInPast";

/** Produce is planned weeks ahead: a delivery more than a year away is a typing mistake. */
export const MAX_DELIVERY_DAYS_AHEAD = 366;

/** A delivery window is open for orders until its cutoff, which must come before the delivery day starts. */
export function checkWindow(deliveryDate: IsoDate, cutoffAt: Date, now: Date): WindowProblem[] {
  const problems: WindowProblem[] = [];
  if (deliveryDate <= cambodiaToday(now)) problems.push("supply.deliveryInPast");
  if (deliveryDate > addDays(cambodiaToday(now), MAX_DELIVERY_DAYS_AHEAD))
    problems.push("supply.deliveryTooFar");
  if (cutoffAt.getTime() >= cambodiaInstant(deliveryDate).getTime())
    problems.push("supply.cutoffAfterDelivery");
  if (cutoffAt.getTime() <= now.getTime()) problems.push("supply.cutoffInPast");
  return problems;
}

export const MAX_QUANTITY = 1_000_000;

/** A price further than this factor from the market's typical price is almost surely a typing mistake. */
export const PRICE_SANITY_FACTOR = 10;

export const priceBounds = {
  KHR: { min: 100, max: 10_000_000 },
  USD: { min: 1, max: 250_000 },
} as const;

/** Reads a price as typed ("2,600" riel, "0.65" dollars) into integer minor units; null if it is not one. */
export function parsePriceToMinor(text: string, currency: "KHR" | "USD"): number | null {
  const compact = text
    .replace(/[\u17E0-\u17E9]/g, (d) => String(d.charCodeAt(0) - 0x17e0))
    .replace(/[\s,]/g, "");
  if (currency === "KHR") return /^\d{1,9}$/.test(compact) ? Number(compact) : null;
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(compact);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Minor units back to what a person types. */
export function formatPriceInput(priceMinor: number, currency: "KHR" | "USD") {
  return currency === "KHR" ? String(priceMinor) : (priceMinor / 100).toFixed(2);
}

export type PriceProblem = "supply.priceOutOfRange" | "supply.priceFarFromMarket";

/** Catches absurd prices (a missing or extra zero) before buyers see them. */
export function checkPrice(
  priceMinor: number,
  currency: "KHR" | "USD",
  referencePriceKhr: number | null,
): PriceProblem | null {
  const bounds = priceBounds[currency];
  if (!Number.isInteger(priceMinor) || priceMinor < bounds.min || priceMinor > bounds.max)
    return "supply.priceOutOfRange";
  if (referencePriceKhr) {
    const priceKhr = currency === "KHR" ? priceMinor : (priceMinor / 100) * KHR_PER_USD;
    const ratio = priceKhr / referencePriceKhr;
    if (ratio > PRICE_SANITY_FACTOR || ratio < 1 / PRICE_SANITY_FACTOR)
      return "supply.priceFarFromMarket";
  }
  return null;
}

/** A window's capacity: what its member farmers pledged. */
export function capacityOf(pledges: readonly { quantity: number }[]) {
  return pledges.reduce((sum, pledge) => sum + pledge.quantity, 0);
}

export function remainingOf(window: { capacity: number; reserved: number }) {
  return Math.max(0, window.capacity - window.reserved);
}

/**
 * Delivery areas from the form: a whole province, or only some of its districts. A district's
 * gazetteer code starts with its province's code; picking districts narrows that province to them.
 */
export function deliveryAreasFrom(
  provinceCodes: readonly string[],
  districtCodes: readonly string[],
) {
  const districts = [...new Set(districtCodes)];
  const narrowed = new Set(districts.map((code) => code.slice(0, 2)));
  return [
    ...[...new Set(provinceCodes)]
      .filter((code) => !narrowed.has(code))
      .map((provinceCode) => ({ provinceCode, districtCode: null })),
    ...districts.map((districtCode) => ({ provinceCode: districtCode.slice(0, 2), districtCode })),
  ];
}
