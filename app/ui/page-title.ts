// Page titles in the reader's language, from the locale files' `pageTitles`. The root loader sends
// this language's titles (app/i18n/page-titles.server.ts), so no locale file reaches the browser
// for them; a meta function reads them from the root match.
import { type MetaArgs, type MetaDescriptor } from "@remix-run/node";
import { type Language } from "~/i18n/config";
import type en from "~/i18n/locales/en";
import { localNames } from "./format";

export type PageTitleKey = keyof (typeof en)["pageTitles"];
export type PageTitles = Record<PageTitleKey, string>;

const BRAND = "ផ្សារ Phsar";

type RootData = { locale: Language; titles: PageTitles };

function rootOf(matches: MetaArgs["matches"]) {
  return matches.find((m) => m.id === "root")?.data as RootData | undefined;
}

/** "Order 12 · ផ្សារ Phsar"; only the brand when the root's data is missing (an error page). */
export function pageTitle(
  matches: MetaArgs["matches"],
  key: PageTitleKey,
  values: Record<string, string | number> = {},
) {
  const text = rootOf(matches)?.titles[key];
  if (!text) return BRAND;
  return `${text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ""))} · ${BRAND}`;
}

/** A page named by its product, cooperative or organization: the name in the reader's language. */
export function namedTitle(
  matches: MetaArgs["matches"],
  named: { nameKm: string; nameEn: string } | undefined,
) {
  const lng = rootOf(matches)?.locale;
  return named && lng ? `${localNames(named, lng).primary} · ${BRAND}` : BRAND;
}

/** The meta export of a page whose title is one of the locale files' page titles. */
export const titleMeta =
  (key: PageTitleKey) =>
  ({ matches }: Pick<MetaArgs, "matches">): MetaDescriptor[] => [
    { title: pageTitle(matches, key) },
  ];

export const brandTitle = BRAND;
