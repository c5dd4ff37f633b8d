import { Form, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
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

type RootData = {
  user: {
    name: string;
    home: string;
    organizations: { slug: string }[];
    canViewDashboard: boolean;
    canViewAuditLog: boolean;
    canManageProducts?: boolean;
    isBuyer: boolean;
    cartCount: number;
    unreadNotifications: number;
  } | null;
};

function AccountLinks({ user }: { user: RootData["user"] }) {
  const { t } = useTranslation();
  const location = useLocation();
  if (!user) {
    const back =
      location.pathname === "/" || location.pathname === "/login"
        ? ""
        : `?${new URLSearchParams({ redirectTo: `${location.pathname}${location.search}` })}`;
    return (
      <NavLink to={`/login${back}`} className={navLinkClass}>
        {t("auth.signIn")}
      </NavLink>
    );
  }
  return (
    <>
      {user.isBuyer ? (
        <NavLink to="/cart" className={navLinkClass}>
          {user.cartCount ? t("orders.cartCount", { count: user.cartCount }) : t("orders.cart")}
        </NavLink>
      ) : null}
      <NavLink to="/notifications" className={navLinkClass}>
        {user.unreadNotifications
          ? t("orders.notificationsCount", { count: user.unreadNotifications })
          : t("orders.notifications")}
      </NavLink>
      <NavLink to="/account" className={navLinkClass}>
        {t("nav.account")}
      </NavLink>
      <Form method="post" action="/logout">
        <button
          type="submit"
          className="rounded-md px-3 py-2 font-semibold text-white hover:bg-white/10"
        >
          {t("auth.signOut")}
        </button>
      </Form>
    </>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  // Undefined when the root loader itself failed: show the shell as for a visitor.
  const user = useRouteLoaderData<RootData>("root")?.user ?? null;
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("app.skipToContent")}
      </a>
      <header className="bg-leaf-700 print:hidden">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <NavLink to="/" className="text-xl font-bold text-white">
            ផ្សារ <span lang="en">Phsar</span>
          </NavLink>
          <nav aria-label={t("nav.label")} className="order-last w-full sm:order-none sm:w-auto">
            {/* Wraps on a 412 px phone instead of widening the page. */}
            <ul className="flex flex-wrap gap-1">
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
              <li>
                <NavLink to="/search" className={navLinkClass}>
                  {t("search.nav")}
                </NavLink>
              </li>
              {user?.organizations[0] ? (
                <li>
                  <NavLink
                    to={`/organizations/${user.organizations[0].slug}`}
                    className={navLinkClass}
                  >
                    {t("nav.myOrganization")}
                  </NavLink>
                </li>
              ) : null}
              {user?.isBuyer ? (
                <li>
                  <NavLink to="/orders" className={navLinkClass}>
                    {t("orders.history")}
                  </NavLink>
                </li>
              ) : null}
              {user?.canViewDashboard ? (
                <li>
                  <NavLink to="/dashboard" className={navLinkClass}>
                    {t("nav.dashboard")}
                  </NavLink>
                </li>
              ) : null}
              {user?.canViewDashboard ? (
                <li>
                  <NavLink to="/unions" className={navLinkClass}>
                    {t("onboarding.nav")}
                  </NavLink>
                </li>
              ) : null}
              {user?.canManageProducts ? (
                <li>
                  <NavLink to="/catalogue" className={navLinkClass}>
                    {t("nav.catalogue")}
                  </NavLink>
                </li>
              ) : null}
              {user?.canViewAuditLog ? (
                <li>
                  <NavLink to="/admin/audit" className={navLinkClass}>
                    {t("nav.audit")}
                  </NavLink>
                </li>
              ) : null}
              {user?.canViewAuditLog ? (
                <li>
                  <NavLink to="/admin/refunds" className={navLinkClass}>
                    {t("nav.outsideRefunds")}
                  </NavLink>
                </li>
              ) : null}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-1">
            <AccountLinks user={user} />
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6">
        {children}
      </main>
      <footer className="mx-auto max-w-5xl px-4 py-8 text-sm text-stone-600 print:hidden">
        {t("app.footer")}
      </footer>
    </>
  );
}
