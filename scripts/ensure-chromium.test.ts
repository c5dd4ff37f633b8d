import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";

const run = (path: string) =>
  spawnSync("node", ["--import", "tsx", "scripts/ensure-chromium.ts"], {
    env: { ...process.env, CHROMIUM_PATH: path },
    encoding: "utf8",
  });

test("a missing Chromium stops npm test with one line naming the fix", () => {
  const result = run("/nonexistent/chromium");
  expect(result.status).toBe(1);
  expect(result.stderr.trim().split("\n")).toEqual([
    "Chromium is missing at CHROMIUM_PATH=/nonexistent/chromium: point CHROMIUM_PATH at a Chromium, or unset it to use /usr/bin/chromium.",
  ]);
});

test("a present one lets it go on, silently", () => {
  const result = run(process.execPath); // any executable stands in for the check
  expect(result.status).toBe(0);
  expect(result.stdout + result.stderr).toBe("");
});
