// Currencies and the one riel/dollar rate. Pure, so forms and tests share it.

export type Currency = "KHR" | "USD";

/**
 * Riel per US dollar, used only to compare prices across currencies (search ranges and sorting,
 * the plausibility check on a typed price, monitoring averages). Never used to charge anyone.
 */
export const KHR_PER_USD = 4_100;

/** Currencies a card payment can be in: Stripe settles dollars for Phsar, not riel. */
export const CARD_CURRENCIES: readonly Currency[] = ["USD"];

export function cardsTake(currency: Currency) {
  return CARD_CURRENCIES.includes(currency);
}

/** A price in minor units as whole riel, for comparing across currencies. */
export function priceInRiel(priceMinor: number, currency: Currency) {
  return currency === "KHR" ? priceMinor : Math.round((priceMinor / 100) * KHR_PER_USD);
}
