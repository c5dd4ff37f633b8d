import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject, expect, test } from "vitest";
import { findFreePort } from "../tests/ports";
import { checkDatabaseReachable } from "./database";
import { blockingFolder } from "./embedded-postgres";
import { describeStartupFailure } from "./startup-failure";

const adminUrl = inject("adminUrl");

async function failure(url: string) {
  const error = await checkDatabaseReachable(url).catch((e: unknown) => e);
  return describeStartupFailure(error);
}

test("a wrong DATABASE_URL is one line naming what to fix, without the password", async () => {
  const closed = await findFreePort();
  expect(await failure(`postgresql://u:pw-secret@127.0.0.1:${closed}/phsar`)).toMatch(
    /^Nothing answers at 127\.0\.0\.1:\d+ .*start PostgreSQL there/,
  );
  const wrongPassword = new URL(adminUrl);
  wrongPassword.password = "not-the-password";
  const line = await failure(wrongPassword.toString());
  expect(line).toMatch(/refused the user name or password/);
  expect(line).not.toContain("not-the-password");
  const missing = new URL(adminUrl);
  missing.pathname = "/no_such_database";
  expect(await failure(missing.toString())).toMatch(/database "no_such_database" does not exist/);
  for (const text of [line]) expect(text.split("\n")).toHaveLength(1);
});

test("a full disk is one line (a real ENOSPC from /dev/full)", () => {
  let error: unknown;
  try {
    fs.writeFileSync("/dev/full", "x");
  } catch (e) {
    error = e;
  }
  expect(describeStartupFailure(error)).toMatch(/^The disk is full.*: free some space/);
});

test("a 0700 folder on the way blocks the postgres user; 0755 does not", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-home-"));
  try {
    const checkout = path.join(home, "phsar", ".data", "postgres");
    fs.mkdirSync(path.dirname(checkout), { recursive: true });
    fs.chmodSync(home, 0o700);
    const account = { uid: 4242, gid: 4242 };
    expect(blockingFolder(checkout, account)).toEqual({ folder: home, mode: "0700" });
    fs.chmodSync(home, 0o755);
    expect(blockingFolder(checkout, account)).toBeUndefined();
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
