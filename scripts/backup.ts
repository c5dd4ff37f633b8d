// `npm run db:backup -- [file]` / `npm run db:restore -- <file>`. With DATABASE_URL: pg_dump and
// pg_restore of the server's major version (server/pg-dump.ts). Without: the embedded PostgreSQL's
// folder, copied while Phsar is stopped (server/backup.ts).
import path from "node:path";
import { backupDataDir, restoreDataDir } from "../server/backup";
import { StartupError } from "../server/errors";
import { dumpDatabase, restoreDatabase } from "../server/pg-dump";

async function main() {
  const [command, file] = process.argv.slice(2);
  // Imported here, not above: env.server checks the environment as it loads, and a wrong
  // DATABASE_URL must end in main's one line below rather than an uncaught stack trace.
  const { parseEnv } = await import("~/env.server");
  const env = parseEnv(process.env);
  const stamp = new Date().toISOString().replaceAll(":", "-");
  if (env.DATABASE_URL) {
    if (command === "backup") {
      const archive = file ?? path.join("backups", `phsar-${stamp}.dump`);
      await dumpDatabase(env.DATABASE_URL, archive, env.PG_BIN_DIR);
      console.log(`Backed up the database to ${archive} (pg_dump, custom format).`);
      return;
    }
    if (command === "restore") {
      if (!file) throw new StartupError("Name the archive: npm run db:restore -- <file>");
      await restoreDatabase(env.DATABASE_URL, file, env.PG_BIN_DIR);
      console.log(`Restored ${file} into the database (pg_restore, one transaction).`);
      return;
    }
    throw new StartupError(`Unknown command "${command}". Use backup or restore.`);
  }
  const dataDir = path.join(env.PHSAR_DATA_DIR, "postgres");
  if (command === "backup") {
    const archive = file ?? path.join("backups", `phsar-${stamp}.tar.gz`);
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
  const oneLine = error instanceof StartupError || (error as Error)?.name === "EnvError";
  console.error(oneLine ? (error as Error).message : error);
  process.exit(1);
});
