import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";

test("every payments key used in the code has a Khmer and an English message", () => {
  const used = new Set<string>();
  const files = [
    ...fs.readdirSync("app/payments").map((file) => path.join("app/payments", file)),
    "app/routes/organizations.$slug.payments.tsx",
    "app/routes/organizations.$slug.statement.tsx",
  ];
  for (const file of files) {
    if (!/\.tsx?$/.test(file) || file.endsWith(".test.ts")) continue;
    const source = fs.readFileSync(file, "utf8");
    for (const match of source.matchAll(/"payments\.(\w+)"/g)) used.add(match[1]!);
  }
  expect(used.size).toBeGreaterThan(20);
  const missing = [...used].filter((key) => !(key in en.payments) || !(key in km.payments));
  expect(missing).toEqual([]);
});
