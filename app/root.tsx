import fontBold from "@fontsource/noto-sans-khmer/700.css?url";
import fontRegular from "@fontsource/noto-sans-khmer/400.css?url";
import khmerFont from "@fontsource/noto-sans-khmer/files/noto-sans-khmer-khmer-400-normal.woff2?url";
import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { can } from "./auth/permissions";
import { getUser, homePath } from "./auth/session.server";
import { i18nServer } from "./i18n/i18next.server";
import { pageTitlesFor } from "~/i18n/page-titles.server";
import { brandTitle } from "~/ui/page-title";
import { buyerIdOf } from "./orders/access.server";
import { cartCount } from "./checkout/cart.server";
import { unreadCount } from "./messages/outbox.server";
import tailwind from "./tailwind.css?url";
import { AppShell } from "./ui/app-shell";
import { GeneralErrorBoundary } from "./ui/error-boundary";
import { useNonce } from "./ui/nonce";

export const links: LinksFunction = () => [
  // The Khmer glyphs are needed for the first paint in Khmer; fetch them alongside the CSS.
  { rel: "preload", href: khmerFont, as: "font", type: "font/woff2", crossOrigin: "anonymous" },
  { rel: "stylesheet", href: fontRegular },
  { rel: "stylesheet", href: fontBold },
  { rel: "stylesheet", href: tailwind },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: brandTitle }];

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, user] = await Promise.all([i18nServer.getLocale(request), getUser(request)]);
  const isBuyer = buyerIdOf(user) !== null;
  const [cart, unread] = user
    ? await Promise.all([isBuyer ? cartCount(user.id) : 0, unreadCount(user.id)])
    : [0, 0];
  return {
    locale,
    titles: pageTitlesFor(locale),
    user: user
      ? {
          name: user.name,
          home: homePath(user),
          organizations: user.memberships.map((m) => ({
            slug: m.organization.slug,
            nameKm: m.organization.nameKm,
            nameEn: m.organization.nameEn,
          })),
          canViewDashboard: can(user, "view:dashboard:any"),
          canViewAuditLog: can(user, "view:audit-log:any"),
          canManageProducts: can(user, "manage:products:any"),
          isBuyer,
          cartCount: cart,
          unreadNotifications: unread,
        }
      : null,
  };
}

export const handle = { i18n: ["common"] };

export function Layout({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const nonce = useNonce();
  // Lets a journey wait until React owns the page: keys typed before hydration reach no handler.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={i18n.language} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#2f6320" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen bg-rice-50 font-sans text-stone-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return (
    <AppShell>
      <GeneralErrorBoundary />
    </AppShell>
  );
}
