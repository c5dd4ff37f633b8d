import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { findFreePort } from "../tests/ports";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { StartupError } from "./errors";

const folders: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-embedded-"));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach its folder
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("embedded PostgreSQL", () => {
  test("loading it leaves the process exit code alone (a failing test run must stay failed)", () => {
    const run = spawnSync(
      "node_modules/.bin/tsx",
      ["-e", 'import("./server/embedded-postgres.ts").then(() => { process.exitCode = 3; });'],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(3);
  });

  test("creates a UTF-8 cluster where Khmer text yields trigrams, and keeps data across restarts", async () => {
    const dataDir = path.join(tempDir(), "postgres");
    const port = await findFreePort();
    const first = await startEmbeddedPostgres({ dataDir, port });
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    const { rows } = await client.query<{ n: number }>(
      "SELECT cardinality(show_trgm('ស្ពៃក្តោប')) AS n",
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    await client.query("CREATE TABLE kept (word text)");
    await client.query("INSERT INTO kept VALUES ('ត្រកួន')");
    await client.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port });
    const again = new pg.Client({ connectionString: second.url });
    await again.connect();
    expect((await again.query("SELECT word FROM kept")).rows).toEqual([{ word: "ត្រកួន" }]);
    await again.end();
    await second.stop();
  });

  test("a damaged data folder gives a message saying how to reset it", async () => {
    const dataDir = path.join(tempDir(), "postgres");
    const port = await findFreePort();
    const db = await startEmbeddedPostgres({ dataDir, port });
    await db.stop();
    fs.writeFileSync(path.join(dataDir, "PG_VERSION"), "7\n");

    const error = await startEmbeddedPostgres({ dataDir, port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain("did not start");
    expect((error as Error).message).toContain("npm run db:reset");
  });

  test("a folder that is not a database is refused, not overwritten", async () => {
    const dataDir = path.join(tempDir(), "postgres");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "notes.txt"), "someone's file");
    const error = await startEmbeddedPostgres({ dataDir, port: await findFreePort() }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(
      /does not hold a PostgreSQL database[\s\S]*npm run db:reset/,
    );
    expect(fs.readFileSync(path.join(dataDir, "notes.txt"), "utf8")).toBe("someone's file");
  });

  test("a port in use gives a clear message", async () => {
    const port = await findFreePort();
    const blocker = net.createServer().listen(port, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    try {
      const error = await startEmbeddedPostgres({
        dataDir: path.join(tempDir(), "pg"),
        port,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toContain(`Port ${port} is already in use`);
      expect((error as Error).message).toContain("EMBEDDED_PG_PORT");
    } finally {
      blocker.close();
    }
  });
});
