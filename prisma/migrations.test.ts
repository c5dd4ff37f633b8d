import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, test } from "vitest";
import { runPrisma } from "../server/database";

const adminUrl = inject("adminUrl");

function diff(schemaPath: string) {
  return runPrisma(
    [
      "migrate",
      "diff",
      "--from-migrations",
      "prisma/migrations",
      "--to-schema-datamodel",
      schemaPath,
      "--exit-code",
    ],
    adminUrl,
  ).then(
    () => 0,
    (error: { exitCode?: number }) => error.exitCode ?? -1,
  );
}

describe("migrations", () => {
  test("prisma/migrations produce exactly schema.prisma (no drift)", async () => {
    expect(await diff("prisma/schema.prisma")).toBe(0);
  });

  test("the drift check notices a schema change that has no migration", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-drift-"));
    const changed = path.join(dir, "schema.prisma");
    fs.writeFileSync(
      changed,
      fs.readFileSync("prisma/schema.prisma", "utf8") + "\nmodel Unmigrated {\n  id Int @id\n}\n",
    );
    try {
      expect(await diff(changed)).toBe(2); // --exit-code: 2 means "there is a difference"
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no migration comment holds a semicolon", () => {
    // The Wasm schema engine's adapter splits scripts on every ";", even inside comments.
    for (const name of fs.readdirSync("prisma/migrations")) {
      const file = path.join("prisma/migrations", name, "migration.sql");
      if (!fs.existsSync(file)) continue;
      const offending = fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trimStart().startsWith("--") && line.includes(";"));
      expect(offending, file).toEqual([]);
    }
  });
});
