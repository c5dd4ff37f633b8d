// Starts one real PostgreSQL for the whole Vitest run and migrates a template database.
// Each test file then gets its own copy of the template (tests/setup-database.ts).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type TestProject } from "vitest/node";
import { migrateDeploy } from "../server/database";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { startLocalMeilisearch } from "../server/meilisearch-server";
import { findFreePort } from "./ports";

export const TEMPLATE_DATABASE = "phsar_template";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    /** A real Meilisearch for the search contract tests; each test file uses its own index. */
    meilisearchUrl: string;
    meilisearchKey: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-test-"));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach its folder
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "postgres"),
    port: await findFreePort(),
    database: TEMPLATE_DATABASE,
  });
  await migrateDeploy(db.url);
  project.provide("adminUrl", db.adminUrl);
  project.provide("templateDatabase", TEMPLATE_DATABASE);
  const meilisearch = await startLocalMeilisearch({
    port: await findFreePort(),
    dataDir: path.join(dataDir, "meilisearch"),
    masterKey: randomBytes(24).toString("hex"),
  });
  project.provide("meilisearchUrl", meilisearch.url);
  project.provide("meilisearchKey", meilisearch.masterKey);
  return async () => {
    await meilisearch.stop();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
