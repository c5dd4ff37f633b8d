import { createCookie } from "@remix-run/node";
import { RemixI18Next } from "remix-i18next/server";
import { cookiesAreSecure, env } from "~/env.server";
import { defaultLanguage, i18nConfig, languages } from "./config";
import { resources } from "./resources";

export const languageCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: cookiesAreSecure(env),
  maxAge: 60 * 60 * 24 * 365,
});

// Khmer first: only an explicit choice (the cookie set by the language switch) changes the language.
export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...languages],
    fallbackLanguage: defaultLanguage,
    cookie: languageCookie,
    order: ["cookie"],
  },
  i18next: { ...i18nConfig, resources },
});
