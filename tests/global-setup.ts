// Starts one real PostgreSQL for the whole Vitest run and migrates a template database.
// Each test file then gets its own copy of the template (tests/setup-database.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type TestProject } from "vitest/node";
import { migrateDeploy } from "../server/database";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { findFreePort } from "./ports";

export const TEMPLATE_DATABASE = "phsar_template";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
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
  return async () => {
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
