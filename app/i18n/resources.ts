import { type Language } from "./config";
import en from "./locales/en";
import km from "./locales/km";

// The server renders every language; the browser loads only the one it shows (entry.client.tsx).
export const resources = {
  km: { common: km },
  en: { common: en },
} satisfies Record<Language, unknown>;
