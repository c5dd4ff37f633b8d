// `npm run db:backup` / `npm run db:restore` with DATABASE_URL, end to end through the script: a
// database with the demo data and paid orders is dumped by the real pg_dump, restored by the real
// pg_restore into a fresh database, and holds the same rows, orders and ledger balances, with the
// money invariants intact. A damaged archive changes nothing (one transaction), and a wrong
// DATABASE_URL is one line.
//
// The shared test server is the embedded PostgreSQL 17, which ships no pg_dump, and this machine's
// Debian has only postgresql-15 (pg_dump refuses a newer server). So this file starts its own
// PostgreSQL 15 from Debian's binaries, where server and tools match as in a real deployment; it
// is skipped where those are not installed. docs/decisions/027-object-storage.md, "Backups".
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { migrateDeploy } from "../server/database";
import { findFreePort } from "../tests/ports";

const major = 15;
const bin = `/usr/lib/postgresql/${major}/bin`;
const available = ["initdb", "pg_ctl", "pg_dump", "pg_restore"].every((tool) =>
  fs.existsSync(path.join(bin, tool)),
);
const asRoot = process.getuid?.() === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-db-backup-"));
const dataDir = path.join(dir, "data");
let port = 0;
let serverStarted = false;

/** Runs a PostgreSQL program; as root, as the `postgres` user (PostgreSQL refuses root). */
function pgTool(tool: string, args: string[]) {
  const [command, argv] = asRoot
    ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]]
    : [path.join(bin, tool), args];
  const result = spawnSync(command, argv, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${tool} failed (exit ${result.status}): ${result.stderr}${result.stdout}`);
}

const urlOf = (database: string) => `postgresql://phsar@127.0.0.1:${port}/${database}`;

async function sql<T extends pg.QueryResultRow>(database: string, text: string) {
  const client = new pg.Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** What must survive: every table's row count, every order, each ledger account's balance. */
async function figures(database: string) {
  const tables = await sql<{ name: string }>(
    database,
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables)
    counts[name] = (
      await sql<{ n: number }>(database, `SELECT count(*)::int AS n FROM "${name}"`)
    )[0]!.n;
  const [orders] = await sql(
    database,
    `SELECT count(*)::int AS n, coalesce(sum("totalMinor"), 0)::bigint::text AS total,
            md5(string_agg("id"::text || ':' || "idempotencyKey", ',' ORDER BY "id")) AS hash
       FROM "Order"`,
  );
  const ledger = await sql(
    database,
    `SELECT a."key", sum(e."amountMinor")::bigint::text AS balance, count(*)::int AS entries
       FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId"
      GROUP BY 1 ORDER BY 1`,
  );
  return { counts, orders, ledger };
}

/** `npm run db:backup|db:restore -- <file>`, as an operator runs it. */
function script(command: "backup" | "restore", file: string, databaseUrl: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn("node", ["--import", "tsx", "scripts/backup.ts", command, file], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PG_BIN_DIR: bin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

async function moneyProblems(databaseUrl: string) {
  const { createPrismaClient } = await import("~/db/client");
  const { checkMoney, formatProblems } = await import("~/payments/money-check.server");
  const client = createPrismaClient(databaseUrl);
  try {
    return formatProblems(await checkMoney(client));
  } finally {
    await client.$disconnect();
  }
}

beforeAll(async () => {
  if (!available) return;
  fs.chmodSync(dir, 0o755);
  if (asRoot) fs.chownSync(dir, ...postgresIds());
  port = await findFreePort();
  pgTool("initdb", [
    `--pgdata=${dataDir}`,
    "--username=phsar",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
  ]);
  pgTool("pg_ctl", [
    `--pgdata=${dataDir}`,
    `--log=${path.join(dir, "server.log")}`,
    `--options=-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    "--wait",
    "start",
  ]);
  serverStarted = true;
  await sql("postgres", `CREATE DATABASE original`);
  await migrateDeploy(urlOf("original"));

  // The app's Prisma client and the factories, pointed at this server before their first import.
  process.env.DATABASE_URL = urlOf("original");
  const { prisma } = await import("~/db/db.server");
  const { seedDemoData } = await import("../prisma/seed");
  const { paidOrdersFromTwoCooperatives } = await import("../tests/payments-fixtures");
  await seedDemoData(prisma);
  await paidOrdersFromTwoCooperatives(3);
  await prisma.$disconnect();
}, 180_000);

function postgresIds(): [number, number] {
  const passwd = fs.readFileSync("/etc/passwd", "utf8").split("\n");
  const entry = passwd.find((line) => line.startsWith("postgres:"))!.split(":");
  return [Number(entry[2]), Number(entry[3])];
}

afterAll(() => {
  if (serverStarted) pgTool("pg_ctl", [`--pgdata=${dataDir}`, "--mode=immediate", "stop"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)(`db:backup and db:restore against PostgreSQL ${major}`, () => {
  const archive = path.join(dir, "phsar.dump");

  test("a backup restored into a fresh database holds the same rows, orders and ledger", async () => {
    const before = await figures("original");
    expect(before.orders?.n).toBe(3);
    expect(before.ledger.length).toBeGreaterThan(0);
    expect(Object.values(before.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(await moneyProblems(urlOf("original"))).toBe("");

    const backup = await script("backup", archive, urlOf("original"));
    expect(backup).toMatchObject({ code: 0, err: "" });
    expect(backup.out).toContain("pg_dump, custom format");
    expect(fs.statSync(archive).size).toBeGreaterThan(0);
    expect(fs.existsSync(`${archive}.partial`)).toBe(false);

    await sql("postgres", `CREATE DATABASE restored TEMPLATE template0 ENCODING 'UTF8'`);
    const restore = await script("restore", archive, urlOf("restored"));
    expect(restore).toMatchObject({ code: 0, err: "" });
    expect(await figures("restored")).toEqual(before);
    expect(await moneyProblems(urlOf("restored"))).toBe("");
  }, 120_000);

  test("a damaged archive is refused in one line and changes nothing (all or nothing)", async () => {
    const before = await figures("restored");
    const damaged = path.join(dir, "damaged.dump");
    const whole = fs.readFileSync(archive);
    fs.writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const restore = await script("restore", damaged, urlOf("restored"));
    expect(restore.code).toBe(1);
    expect(restore.err).toMatch(/^pg_restore failed \(exit 1\): /);
    expect(await figures("restored")).toEqual(before);
  }, 60_000);

  test("a wrong DATABASE_URL is one line, not a stack trace", async () => {
    const wrong = await script("backup", path.join(dir, "x.dump"), "mysql://phsar@db/phsar");
    expect(wrong.code).toBe(1);
    expect(wrong.err).toBe(
      'Invalid environment variables:\n  DATABASE_URL="mysql://phsar@db/phsar": DATABASE_URL must be a PostgreSQL URL like postgresql://user:password@host:5432/phsar\nSee "Configuration" in README.md.\n',
    );
    const unreachable = await script(
      "backup",
      path.join(dir, "x.dump"),
      urlOf("missing").replace(`:${port}/`, ":1/"),
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^Cannot reach the database at 127\.0\.0\.1:1: [^\n]+\n$/);
    expect(fs.existsSync(path.join(dir, "x.dump"))).toBe(false);
  });
});
