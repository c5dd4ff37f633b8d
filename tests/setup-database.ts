// Gives each test file its own database, copied from the migrated template, so files run in parallel.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import "~/wiring.server";

const adminUrl = inject("adminUrl");
const template = inject("templateDatabase");
const name = `test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function admin<T>(run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
const url = new URL(adminUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();

afterAll(async () => {
  const globalForPrisma = globalThis as { __phsarPrisma?: { $disconnect(): Promise<void> } };
  await globalForPrisma.__phsarPrisma?.$disconnect();
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});
