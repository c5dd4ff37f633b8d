import pg from "pg";
import { beforeEach, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { completeSetup, isSetupOpen, openSetup, SetupError } from "./setup.server";
import { hashToken } from "./tokens.server";

const from = { ipAddress: "203.0.113.9", userAgent: "test" };
const admin = (email: string) => ({
  name: "First Admin",
  identifier: { kind: "email" as const, email },
  password: "a-long-password",
});

beforeEach(async () => {
  await prisma.setupToken.deleteMany();
  await prisma.user.deleteMany({ where: { email: { endsWith: "@setup.test" } } });
});

describe("first-run setup", () => {
  test("with no admin, a start makes one link, stored only as its hash; a restart replaces it", async () => {
    const first = await openSetup();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await prisma.setupToken.findMany({ select: { tokenHash: true } });
    expect(rows).toEqual([{ tokenHash: hashToken(first!) }]);
    expect(await isSetupOpen(first!)).toBe(true);

    const second = await openSetup();
    expect(second).not.toBe(first);
    expect(await isSetupOpen(first!)).toBe(false);
    expect(await isSetupOpen(second!)).toBe(true);
  });

  test("two submissions at once make one admin", async () => {
    const token = (await openSetup())!;
    const results = await Promise.allSettled([
      completeSetup(token, admin("one@setup.test"), from),
      completeSetup(token, admin("two@setup.test"), from),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(SetupError);
    expect(await prisma.user.count({ where: { isAdmin: true } })).toBe(1);
  });

  test("a submission waiting on the link's row lock finds it used when the holder commits", async () => {
    const token = (await openSetup())!;
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`DELETE FROM "SetupToken" WHERE "tokenHash" = $1`, [hashToken(token)]);
      const waiting = completeSetup(token, admin("late@setup.test"), from).then(
        () => "created",
        (error: unknown) => (error instanceof SetupError ? error.key : String(error)),
      );
      await expect
        .poll(async () => {
          const { rows } = await holder.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          return rows[0].n;
        })
        .toBe(1);
      await holder.query("COMMIT");
      expect(await waiting).toBe("setup.gone");
    } finally {
      await holder.end();
    }
    expect(await prisma.user.count({ where: { email: "late@setup.test" } })).toBe(0);
  });
});
