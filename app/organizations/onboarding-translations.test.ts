import fs from "node:fs";
import { expect, test } from "vitest";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";

// Refusals are translation keys in plain strings (not checked by the type checker): each must exist.
test("every onboarding key used in the code has a Khmer and an English message", () => {
  const files = [
    "app/organizations/unions.server.ts",
    "app/organizations/cooperative-form.tsx",
    "app/supply/listings.server.ts",
    "app/ui/app-shell.tsx",
    ...fs
      .readdirSync("app/routes")
      .filter((f) => /^(unions|setup)\..*\.tsx$/.test(f))
      .map((f) => `app/routes/${f}`),
  ];
  const used = new Set<string>();
  for (const file of files)
    for (const match of fs.readFileSync(file, "utf8").matchAll(/"onboarding\.([\w.]+)"/g))
      used.add(match[1]!);
  expect(used.size).toBeGreaterThan(30);
  const lookup = (tree: unknown, key: string) =>
    key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], tree);
  const missing = [...used].filter(
    (key) =>
      typeof lookup(en.onboarding, key) !== "string" ||
      typeof lookup(km.onboarding, key) !== "string",
  );
  expect(missing).toEqual([]);
});
