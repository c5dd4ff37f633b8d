// Backups (issue #9, part 5): a cluster with orders and a ledger is backed up while stopped,
// restored into a fresh folder, started on another port, and holds the same orders and ledger
// totals. Runs its own embedded PostgreSQL (the shared test server must not be stopped).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, test } from "vitest";
import { backupDataDir, restoreDataDir } from "./backup";
import { migrateDeploy } from "./database";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";
import { findFreePort } from "../tests/ports";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-backup-"));
fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its folder
const servers: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What must survive: every order, and each ledger account's balance per currency. */
async function figures(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const orders = await client.query(
      `SELECT count(*)::int AS n, coalesce(sum("totalMinor"), 0)::bigint::text AS total,
              md5(string_agg("id"::text || ':' || "idempotencyKey", ',' ORDER BY "id")) AS hash
         FROM "Order"`,
    );
    const ledger = await client.query(
      `SELECT e."accountId", t."currency"::text, sum(e."amountMinor")::bigint::text AS balance
         FROM "LedgerEntry" e JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return { orders: orders.rows[0], ledger: ledger.rows };
  } finally {
    await client.end();
  }
}

test("a backup restored into a fresh folder holds the same orders and ledger totals", async () => {
  const original = await startEmbeddedPostgres({
    dataDir: path.join(dir, "original"),
    port: await findFreePort(),
  });
  servers.push(original);
  await migrateDeploy(original.url);
  process.env.DATABASE_URL = original.url; // before the app's Prisma client is first imported
  const { prisma } = await import("~/db/db.server");
  const { seedDemoData } = await import("../prisma/seed");
  const { paidOrdersFromTwoCooperatives } = await import("../tests/payments-fixtures");
  await seedDemoData(prisma);
  await paidOrdersFromTwoCooperatives(3);
  const before = await figures(original.url);
  expect(before.orders.n).toBe(3);
  expect(before.ledger.length).toBeGreaterThan(0);

  // A running cluster is refused: its files are not a consistent copy.
  const archive = path.join(dir, "backup.tar.gz");
  await expect(backupDataDir(path.join(dir, "original"), archive)).rejects.toThrow("running");
  await prisma.$disconnect();
  delete (globalThis as { __phsarPrisma?: unknown }).__phsarPrisma;
  await original.stop();
  await backupDataDir(path.join(dir, "original"), archive);
  // Nothing may come from the original folder: it is gone before the restore starts.
  fs.rmSync(path.join(dir, "original"), { recursive: true, force: true });

  await restoreDataDir(archive, path.join(dir, "restored"));
  await expect(restoreDataDir(archive, path.join(dir, "restored"))).rejects.toThrow("not empty");
  const restored = await startEmbeddedPostgres({
    dataDir: path.join(dir, "restored"),
    port: await findFreePort(),
  });
  servers.push(restored);
  expect(await figures(restored.url)).toEqual(before);
}, 180_000);
