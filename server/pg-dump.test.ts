// Backups of a configured PostgreSQL with pg_dump/pg_restore, against the test PostgreSQL 17
// (embedded). The tool of the server's major version is looked for, and any other is refused
// with one line naming the package to install.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { StartupError } from "./errors";
import {
  dumpDatabase,
  findTool,
  restoreDatabase,
  serverMajorVersion,
  splitPassword,
  toolCandidates,
} from "./pg-dump";

const url = process.env.DATABASE_URL!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-pgdump-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const major = await serverMajorVersion(url);
const matching = await findTool("pg_dump", major)
  .then(() => findTool("pg_restore", major))
  .then(() => true)
  .catch(() => false);
const otherDump = toolCandidates("pg_dump", 0).find((file) => !file.includes(`/${major}/`));

describe("pg_dump of the server's major version", () => {
  test("the test server's major version is read from the server", () => {
    expect(major).toBe(17);
  });

  test.skipIf(!otherDump)("a pg_dump of another major version is refused in one line", async () => {
    const attempt = findTool("pg_dump", major, [otherDump!]);
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(
      /^The database runs PostgreSQL 17 and needs pg_dump 17 \(.*pg_dump is \d+\): install postgresql-client-17, or set PG_BIN_DIR/,
    );
  });

  test("none at all is refused the same way", async () => {
    await expect(findTool("pg_restore", major, [])).rejects.toThrow(
      "The database runs PostgreSQL 17 and needs pg_restore 17 (none found): install postgresql-client-17, or set PG_BIN_DIR to its bin folder.",
    );
  });

  test("an unreachable database is one line, not a stack trace", async () => {
    await expect(
      dumpDatabase("postgresql://phsar:secret@127.0.0.1:1/phsar", path.join(dir, "x.dump")),
    ).rejects.toThrow(/^Cannot reach the database at 127\.0\.0\.1:1: /);
    expect(fs.existsSync(path.join(dir, "x.dump"))).toBe(false);
  });

  test("the password leaves the URL (it goes in PGPASSWORD, out of `ps`)", () => {
    expect(splitPassword("postgresql://phsar:s%40cret@db:5432/phsar")).toEqual({
      url: "postgresql://phsar@db:5432/phsar",
      password: "s@cret",
    });
  });

  // Needs postgresql-client-17 (the Docker image has it; Debian 12's apt has only 15).
  test.skipIf(!matching)("a dump restores the data it was taken from", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE TABLE backup_probe (id int PRIMARY KEY, name text)`);
      await client.query(`INSERT INTO backup_probe VALUES (1, 'ផ្សារ'), (2, 'Phsar')`);
      const archive = path.join(dir, "phsar.dump");
      await dumpDatabase(url, archive);
      await client.query(`DELETE FROM backup_probe WHERE id = 1`);
      await client.query(`UPDATE backup_probe SET name = 'changed' WHERE id = 2`);
      await restoreDatabase(url, archive);
      const { rows } = await client.query(`SELECT id, name FROM backup_probe ORDER BY id`);
      expect(rows).toEqual([
        { id: 1, name: "ផ្សារ" },
        { id: 2, name: "Phsar" },
      ]);
    } finally {
      await client.end();
    }
  });
});
