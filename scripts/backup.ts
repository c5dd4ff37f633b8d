// `npm run db:backup -- [file]` / `npm run db:restore -- <file>`: the embedded PostgreSQL's folder,
// copied while Phsar is stopped (server/backup.ts says why not pg_dump).
import path from "node:path";
import { parseEnv } from "~/env.server";
import { backupDataDir, restoreDataDir } from "../server/backup";
import { StartupError } from "../server/errors";

async function main() {
  const [command, file] = process.argv.slice(2);
  const env = parseEnv(process.env);
  if (env.DATABASE_URL)
    throw new StartupError(
      "DATABASE_URL is set: back up that PostgreSQL with pg_dump/pg_restore 17 (README, Backups).",
    );
  const dataDir = path.join(env.PHSAR_DATA_DIR, "postgres");
  if (command === "backup") {
    const archive =
      file ?? path.join("backups", `phsar-${new Date().toISOString().replaceAll(":", "-")}.tar.gz`);
    await backupDataDir(dataDir, archive);
    console.log(`Backed up ${dataDir} to ${archive}.`);
  } else if (command === "restore") {
    if (!file) throw new StartupError("Name the archive: npm run db:restore -- <file>");
    await restoreDataDir(file, dataDir);
    console.log(`Restored ${file} into ${dataDir}; npm start uses it.`);
  } else {
    throw new StartupError(`Unknown command "${command}". Use backup or restore.`);
  }
}

main().catch((error) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
