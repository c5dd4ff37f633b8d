import { useTranslation } from "react-i18next";
import { defaultLanguage, isLanguage, type Language } from "~/i18n/config";

/** The language the page is rendered in (set per request on the server, from <html lang> in the browser). */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : defaultLanguage;
}
