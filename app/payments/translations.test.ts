import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";

test("every payments error key used in the code has a Khmer and an English message", () => {
  const used = new Set<string>();
  for (const file of fs.readdirSync("app/payments")) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    const source = fs.readFileSync(path.join("app/payments", file), "utf8");
    for (const match of source.matchAll(/"payments\.(\w+)"/g)) used.add(match[1]!);
  }
  expect(used.size).toBeGreaterThan(20);
  const missing = [...used].filter((key) => !(key in en.payments) || !(key in km.payments));
  expect(missing).toEqual([]);
});
