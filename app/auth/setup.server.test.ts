import pg from "pg";
import { beforeEach, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { action, loader } from "~/routes/setup.$token";
import { completeSetup, isSetupOpen, openSetup, SetupError } from "./setup.server";
import { hashToken } from "./tokens.server";
import { getUser } from "./session.server";

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

function post(token: string, fields: Record<string, string>) {
  return action({
    request: new Request(`http://localhost/setup/${token}`, {
      method: "POST",
      body: new URLSearchParams(fields),
    }),
    params: { token },
    context: { clientIp: "203.0.113.9" },
  });
}

async function status(run: () => Promise<unknown>) {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

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
    expect(
      await status(() =>
        loader({ params: { token: first! }, request: new Request("http://x"), context: {} }),
      ),
    ).toBe(404);
  });

  test("the link creates a signed-in platform admin once, then is a 404; the next start makes none", async () => {
    const token = (await openSetup())!;
    expect(
      await status(() =>
        loader({ params: { token }, request: new Request("http://x"), context: {} }),
      ),
    ).toBe(200);
    const response = (await post(token, {
      name: "Sokha Admin",
      identifier: "Admin@Setup.test",
      password: "a-long-password",
    })) as Response;
    expect(response.status).toBe(302);
    const user = await getUser(
      new Request("http://localhost/", {
        headers: { Cookie: response.headers.get("Set-Cookie")!.split(";")[0]! },
      }),
    );
    expect(user).toMatchObject({ name: "Sokha Admin", email: "admin@setup.test", isAdmin: true });
    expect(
      await prisma.auditEvent.count({
        where: { action: "auth.setup_completed", actorUserId: user!.id },
      }),
    ).toBe(1);

    expect(
      await status(() =>
        loader({ params: { token }, request: new Request("http://x"), context: {} }),
      ),
    ).toBe(404);
    expect(
      await status(() =>
        post(token, { name: "Again", identifier: "again@setup.test", password: "a-long-password" }),
      ),
    ).toBe(404);
    expect(await openSetup()).toBeNull();
    expect(await prisma.setupToken.count()).toBe(0);
    expect(await prisma.user.count({ where: { email: "again@setup.test" } })).toBe(0);
  });

  test("bad input is a 400 naming the field, and the link stays usable", async () => {
    const token = (await openSetup())!;
    await prisma.user.create({ data: { name: "Buyer", email: "taken@setup.test" } });
    for (const [fields, field] of [
      [{ name: "", identifier: "x@setup.test", password: "a-long-password" }, "name"],
      [{ name: "A", identifier: "not an address", password: "a-long-password" }, "identifier"],
      [{ name: "A", identifier: "x@setup.test", password: "short" }, "password"],
      [{ name: "A", identifier: "taken@setup.test", password: "a-long-password" }, "identifier"],
    ] as const) {
      const response = (await post(token, fields)) as Response;
      expect(response.status).toBe(400);
      expect((await response.json()).error).toHaveProperty(field);
    }
    expect(await prisma.user.count({ where: { isAdmin: true } })).toBe(0);
    expect(await isSetupOpen(token)).toBe(true);
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
