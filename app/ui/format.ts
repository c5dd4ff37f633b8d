import { type Language } from "~/i18n/config";

const numberLocale: Record<Language, string> = { km: "km-KH", en: "en-US" };

// Building an Intl.NumberFormat costs far more than formatting with one (a page of prices made
// thousands): one per language and style, made on first use.
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(lng: Language, style: "whole" | "cents" | "plain" | "percent") {
  const key = `${lng}:${style}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(
      numberLocale[lng],
      style === "whole"
        ? { maximumFractionDigits: 0 }
        : style === "cents"
          ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
          : style === "percent"
            ? { style: "percent", maximumFractionDigits: 0 }
            : {},
    );
    formatters.set(key, format);
  }
  return format;
}

// Dates are formatted by hand: the server's and the browser's ICU data write Khmer dates differently,
// and a page rendered one way and hydrated the other breaks React's hydration.
const months: Record<Language, string[]> = {
  km: ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
};
const weekdays: Record<Language, string[]> = {
  km: ["ថ្ងៃអាទិត្យ", "ថ្ងៃច័ន្ទ", "ថ្ងៃអង្គារ", "ថ្ងៃពុធ", "ថ្ងៃព្រហស្បតិ៍", "ថ្ងៃសុក្រ", "ថ្ងៃសៅរ៍"],
  en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
};
const CAMBODIA_OFFSET_MS = 7 * 60 * 60 * 1000;

function dayMonthYear(date: Date, lng: Language) {
  return `${date.getUTCDate()} ${months[lng][date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** A calendar date (stored as UTC midnight), e.g. "25 វិច្ឆិកា 2026", optionally with the weekday. */
export function formatDate(value: Date | string, lng: Language, { weekday = false } = {}) {
  const date = new Date(value);
  const text = dayMonthYear(date, lng);
  return weekday ? `${weekdays[lng][date.getUTCDay()]} ${text}` : text;
}

/** An instant as a clock in Phnom Penh shows it, e.g. "24 Nov 2026, 17:00". */
export function formatCambodiaDateTime(value: Date | string, lng: Language) {
  const local = new Date(new Date(value).getTime() + CAMBODIA_OFFSET_MS);
  const time = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
  return `${dayMonthYear(local, lng)}, ${time}`;
}

/** Riel amounts are whole riel (the riel has no coins in use); the sign ៛ follows the number. */
export function formatRiel(amount: number, lng: Language) {
  return `${numberFormat(lng, "whole").format(amount)} ៛`;
}

/** An amount in minor units: riel are whole, dollars have cents. */
export function formatMoney(amountMinor: number, currency: "KHR" | "USD", lng: Language) {
  if (currency === "KHR") return formatRiel(amountMinor, lng);
  // The sign by hand, as people in Cambodia write it ($12.50): Node's ICU puts it after the number
  // in Khmer and Chromium's before, and the mismatch broke hydration.
  const sign = amountMinor < 0 ? "-" : "";
  const digits = numberFormat(lng, "cents").format(Math.abs(amountMinor) / 100);
  return `${sign}$${digits}`;
}

export function formatNumber(value: number, lng: Language) {
  return numberFormat(lng, "plain").format(value);
}

export function formatPercent(fraction: number | null, lng: Language) {
  if (fraction === null) return "–";
  return numberFormat(lng, "percent").format(fraction);
}

type Named = { nameKm: string; nameEn: string };

/** The name in the reader's language first, the other language beside it. */
export function localNames(item: Named, lng: Language) {
  return lng === "km"
    ? { primary: item.nameKm, secondary: item.nameEn, secondaryLang: "en" as const }
    : { primary: item.nameEn, secondary: item.nameKm, secondaryLang: "km" as const };
}
