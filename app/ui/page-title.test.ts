import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";
import { pageTitlesFor } from "~/i18n/page-titles.server";
import { namedTitle, pageTitle, titleMeta } from "./page-title";

const routesDir = path.join(__dirname, "..", "routes");
const pages = fs
  .readdirSync(routesDir)
  .filter((f) => f.endsWith(".tsx") && !f.includes(".test."))
  .map((f) => ({ file: f, source: fs.readFileSync(path.join(routesDir, f), "utf8") }))
  .filter((r) => /^export default /m.test(r.source));

const rootMatch = (lng: "km" | "en") =>
  [{ id: "root", data: { locale: lng, titles: pageTitlesFor(lng) } }] as never;

describe("page titles come from the locale files", () => {
  test("every page route (enumerated from app/routes) names its title through the locale files", () => {
    expect(pages.length).toBeGreaterThan(40);
    for (const { file, source } of pages) {
      const meta = /^export const meta\b[\s\S]*?(?:\n\n|(?![\s\S]))/m.exec(source)?.[0];
      expect(meta, `${file} exports meta`).toBeDefined();
      expect(meta, `${file} writes a title by hand`).not.toMatch(/title:\s*["'`]/);
    }
  });

  test("both languages have every title, and the Khmer one is in Khmer", () => {
    expect(Object.keys(km.pageTitles).sort()).toEqual(Object.keys(en.pageTitles).sort());
    for (const [key, text] of Object.entries(km.pageTitles)) {
      expect(text, key).toMatch(/[\u1780-\u17FF]/);
      expect(en.pageTitles[key as keyof typeof en.pageTitles], key).toMatch(/^[\x20-\x7E]+$/);
    }
  });

  test("the title is in the reader's language, with values filled in", () => {
    expect(pageTitle(rootMatch("km"), "order", { id: 42 })).toBe("ការកុម្ម៉ង់ 42 · ផ្សារ Phsar");
    expect(pageTitle(rootMatch("en"), "order", { id: 42 })).toBe("Order 42 · ផ្សារ Phsar");
    expect(titleMeta("cart")({ matches: rootMatch("en") })).toEqual([
      { title: "Cart · ផ្សារ Phsar" },
    ]);
    const coop = { nameKm: "សហគមន៍ទឹកផុស", nameEn: "Tuek Phos" };
    expect(namedTitle(rootMatch("km"), coop)).toBe("សហគមន៍ទឹកផុស · ផ្សារ Phsar");
    expect(namedTitle(rootMatch("en"), coop)).toBe("Tuek Phos · ផ្សារ Phsar");
  });

  test("an error page without the root's data still has the brand as its title", () => {
    expect(pageTitle([] as never, "cart")).toBe("ផ្សារ Phsar");
    expect(namedTitle([] as never, undefined)).toBe("ផ្សារ Phsar");
  });
});
