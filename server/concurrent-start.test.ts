// Two app processes started at the same moment on one empty database both come up: one applies
// the migrations and creates pg-boss's schema and queues while the other waits for the start-up
// lock (docs/decisions/032-concurrent-start.md). To make "at the same moment" certain rather than
// likely, the test holds that lock itself while both start, so both reach it and wait, then lets go.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { spawnInstance, type AppInstance } from "../tests/app-instance";
import { buildIsStale, runBuild } from "./build";
import { acquireStartupLock, STARTUP_LOCK, withStartupLock } from "./database";
import { StartupError } from "./errors";

const adminUrl = inject("adminUrl");
const name = `fresh_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const instances: AppInstance[] = [];

async function withClient<T>(connectionString: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  if (buildIsStale()) await runBuild();
  // Not the migrated template: an empty database, as a first deployment has.
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
}, 300_000);

afterAll(async () => {
  for (const instance of instances) instance.stop();
  await withClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
});

describe("two instances started at once on an empty database", () => {
  test("both wait for the start-up lock, then both come up, with the schema made once", async () => {
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext($1))", [STARTUP_LOCK]);
      for (let i = 0; i < 2; i += 1)
        instances.push(await spawnInstance({ DATABASE_URL: databaseUrl }));
      for (const instance of instances)
        await waitFor(
          () => instance.output().includes("Another instance is preparing the database"),
          `an instance to wait for the lock:\n${instance.output()}`,
        );
      // Both are blocked on the lock: nothing has touched the schema yet.
      const tables = await holder.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname IN ('public', 'pgboss')`,
      );
      expect(tables.rows[0].n).toBe(0);
      await holder.query("SELECT pg_advisory_unlock(hashtext($1))", [STARTUP_LOCK]);
    } finally {
      await holder.end();
    }

    const bases = await Promise.all(instances.map((instance) => instance.ready(180_000)));
    for (const base of bases) {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
    }
    const logs = instances.map((instance) => instance.output()).join("\n");
    expect(logs).not.toMatch(
      /deadlock detected|Timed out trying to acquire a postgres advisory lock/,
    );

    await withClient(databaseUrl, async (client) => {
      const migrations = fs
        .readdirSync("prisma/migrations", { withFileTypes: true })
        .filter((entry) => entry.isDirectory()).length;
      const applied = await client.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE finished_at IS NULL)::int AS unfinished
           FROM _prisma_migrations`,
      );
      expect(applied.rows[0]).toEqual({ n: migrations, unfinished: 0 });
      const lock = await client.query(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND objid = hashtext($1)::oid`,
        [STARTUP_LOCK],
      );
      expect(lock.rows[0].n).toBe(0);
    });
  }, 300_000);
});

describe("the start-up lock never holds the others up for good", () => {
  const quiet = () => {};
  const holders = () =>
    withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid`,
        [STARTUP_LOCK],
      );
      return rows[0]!.n;
    });

  test("work that fails while holding it lets go, and the next one gets it at once", async () => {
    await expect(
      withStartupLock(databaseUrl, quiet, async () => {
        throw new Error("a migration failed");
      }),
    ).rejects.toThrow("a migration failed");
    expect(await holders()).toBe(0);
    const started = Date.now();
    const release = await acquireStartupLock(databaseUrl, quiet, { waitMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await release();
    expect(await holders()).toBe(0);
  });

  test("a holder whose session ends (its process killed, its host gone) lets the waiter through", async () => {
    const holder = new pg.Client({ connectionString: databaseUrl });
    holder.on("error", () => {}); // it is about to be cut off
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext($1))", [STARTUP_LOCK]);
      const { rows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const said: string[] = [];
      const waiting = acquireStartupLock(databaseUrl, (line) => said.push(line), { pollMs: 100 });
      await waitFor(() => said.length > 0, "the waiter to notice the holder", 10_000);
      expect(said[0]).toMatch(
        new RegExp(`^Another instance is preparing the database; .*PostgreSQL pid ${rows[0]!.pid}`),
      );
      await withClient(databaseUrl, (client) =>
        client.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]),
      );
      const release = await waiting;
      expect(await holders()).toBe(1);
      await release();
    } finally {
      await holder.end().catch(() => {});
    }
  });

  test("a holder that hangs makes the waiter give up in one line naming it, not wait forever", async () => {
    const holder = new pg.Client({
      connectionString: databaseUrl,
      application_name: "stuck holder",
    });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext($1))", [STARTUP_LOCK]);
      const attempt = acquireStartupLock(databaseUrl, quiet, { waitMs: 1_500, pollMs: 100 });
      await expect(attempt).rejects.toBeInstanceOf(StartupError);
      await expect(attempt).rejects.toThrow(
        /^Gave up after 2 s waiting for stuck holder \(PostgreSQL pid \d+, connected .+\) to finish preparing the database\. If that instance is stuck, stop it/,
      );
    } finally {
      await holder.end();
    }
    expect(await holders()).toBe(0);
  });
});
