import { type Language } from "~/i18n/config";

const numberLocale: Record<Language, string> = { km: "km-KH", en: "en-US" };
const dateLocale: Record<Language, string> = { km: "km-KH", en: "en-GB" };

export function formatDateTime(
  value: Date | string,
  lng: Language,
  options: Intl.DateTimeFormatOptions,
) {
  return new Intl.DateTimeFormat(dateLocale[lng], options).format(new Date(value));
}

/** Riel amounts are whole riel (the riel has no coins in use); the sign ៛ follows the number. */
export function formatRiel(amount: number, lng: Language) {
  return `${new Intl.NumberFormat(numberLocale[lng], { maximumFractionDigits: 0 }).format(amount)} ៛`;
}

/** An amount in minor units: riel are whole, dollars have cents. */
export function formatMoney(amountMinor: number, currency: "KHR" | "USD", lng: Language) {
  if (currency === "KHR") return formatRiel(amountMinor, lng);
  return new Intl.NumberFormat(numberLocale[lng], { style: "currency", currency: "USD" }).format(
    amountMinor / 100,
  );
}

export function formatNumber(value: number, lng: Language) {
  return new Intl.NumberFormat(numberLocale[lng]).format(value);
}

export function formatPercent(fraction: number | null, lng: Language) {
  if (fraction === null) return "–";
  return new Intl.NumberFormat(numberLocale[lng], {
    style: "percent",
    maximumFractionDigits: 0,
  }).format(fraction);
}

type Named = { nameKm: string; nameEn: string };

/** The name in the reader's language first, the other language beside it. */
export function localNames(item: Named, lng: Language) {
  return lng === "km"
    ? { primary: item.nameKm, secondary: item.nameEn, secondaryLang: "en" as const }
    : { primary: item.nameEn, secondary: item.nameKm, secondaryLang: "km" as const };
}
