import { Form, NavLink, useLocation } from "@remix-run/react";
import { type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLanguage } from "./use-language";

function LanguageSwitch() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const location = useLocation();
  const other = lng === "km" ? "en" : "km";
  // A full page load: every string on the page changes, and it works without JavaScript.
  return (
    <Form method="post" action="/language" reloadDocument>
      <input type="hidden" name="lng" value={other} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button
        type="submit"
        lang={other}
        aria-label={t("nav.switchLanguageLabel")}
        className="rounded-full border border-white/60 px-3 py-1 text-sm font-semibold text-white hover:bg-white/10"
      >
        {t("nav.switchLanguage")}
      </button>
    </Form>
  );
}

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 font-semibold ${isActive ? "bg-white text-leaf-800" : "text-white hover:bg-white/10"}`;

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("app.skipToContent")}
      </a>
      <header className="bg-leaf-700">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <NavLink to="/" className="text-xl font-bold text-white">
            ផ្សារ <span lang="en">Phsar</span>
          </NavLink>
          <nav aria-label={t("nav.label")} className="order-last w-full sm:order-none sm:w-auto">
            <ul className="flex gap-1">
              <li>
                <NavLink to="/" end className={navLinkClass}>
                  {t("nav.market")}
                </NavLink>
              </li>
              <li>
                <NavLink to="/cooperatives" className={navLinkClass}>
                  {t("nav.cooperatives")}
                </NavLink>
              </li>
            </ul>
          </nav>
          <div className="ml-auto">
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6">
        {children}
      </main>
      <footer className="mx-auto max-w-5xl px-4 py-8 text-sm text-stone-600">{t("app.footer")}</footer>
    </>
  );
}
