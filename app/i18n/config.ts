export const languages = ["km", "en"] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = "km";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

export const i18nConfig = {
  supportedLngs: [...languages],
  fallbackLng: defaultLanguage,
  defaultNS: "common",
  interpolation: { escapeValue: false },
} as const;
