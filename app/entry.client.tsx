import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { defaultLanguage, i18nConfig, isLanguage } from "./i18n/config";

// Load only the language on screen, so a Khmer reader does not download the English strings.
const loaders = {
  km: () => import("./i18n/locales/km"),
  en: () => import("./i18n/locales/en"),
};

async function hydrate() {
  const lang = document.documentElement.lang;
  const lng = isLanguage(lang) ? lang : defaultLanguage;
  const { default: strings } = await loaders[lng]();
  await i18next.use(initReactI18next).init({
    ...i18nConfig,
    lng,
    ns: getInitialNamespaces(),
    resources: { [lng]: { common: strings } },
  });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
