// Backups of a PostgreSQL given by DATABASE_URL: pg_dump/pg_restore of the server's own major
// version (an older pg_dump refuses a newer server; a newer one writes archives an older
// pg_restore cannot read). docs/decisions/027-object-storage.md, "Backups".
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { StartupError } from "./errors";

const run = promisify(execFile);

export async function serverMajorVersion(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect().catch((error: Error) => {
    const { host, port } = new URL(databaseUrl);
    throw new StartupError(
      `Cannot reach the database at ${host}${port ? "" : ":5432"}: ${error.message}`,
    );
  });
  try {
    const { rows } = await client.query<{ server_version_num: string }>("SHOW server_version_num");
    return Math.floor(Number(rows[0]!.server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

/** Where a pg_dump/pg_restore of each major version may be: PG_BIN_DIR, Debian's layout, then PATH. */
export function toolCandidates(
  tool: "pg_dump" | "pg_restore",
  major: number,
  binDir?: string,
  pathEnv = process.env.PATH ?? "",
) {
  const dirs = [
    binDir,
    `/usr/lib/postgresql/${major}/bin`,
    ...pathEnv.split(path.delimiter),
  ].filter((dir): dir is string => Boolean(dir));
  return [...new Set(dirs.map((dir) => path.join(dir, tool)))].filter((file) =>
    fs.existsSync(file),
  );
}

async function toolMajor(file: string) {
  const { stdout } = await run(file, ["--version"]);
  const match = /\(PostgreSQL\) (\d+)/.exec(stdout);
  return match ? Number(match[1]) : null;
}

/** The first candidate of the server's major version, or a StartupError naming what to install. */
export async function findTool(
  tool: "pg_dump" | "pg_restore",
  major: number,
  candidates = toolCandidates(tool, major),
) {
  const seen: string[] = [];
  for (const file of candidates) {
    const version = await toolMajor(file).catch(() => null);
    if (version === major) return file;
    seen.push(`${file} is ${version ?? "unknown"}`);
  }
  throw new StartupError(
    `The database runs PostgreSQL ${major} and needs ${tool} ${major}` +
      (seen.length ? ` (${seen.join("; ")})` : " (none found)") +
      `: install postgresql-client-${major}, or set PG_BIN_DIR to its bin folder.`,
  );
}

/** The URL without its password, which goes in PGPASSWORD instead (never on a command line `ps` shows). */
export function splitPassword(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return { url: url.toString(), password };
}

function runTool(file: string, args: string[], password: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, PGPASSWORD: password },
    });
    let errors = "";
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(
            new StartupError(`${path.basename(file)} failed (exit ${code}): ${errors.trim()}`),
          ),
    );
  });
}

/** A custom-format archive (compressed, restorable table by table) of the whole database. */
export async function dumpDatabase(databaseUrl: string, archive: string, binDir?: string) {
  const major = await serverMajorVersion(databaseUrl);
  const pgDump = await findTool("pg_dump", major, toolCandidates("pg_dump", major, binDir));
  fs.mkdirSync(path.dirname(path.resolve(archive)), { recursive: true });
  const { url, password } = splitPassword(databaseUrl);
  // Written beside the target and renamed, so a failed dump never leaves a file that looks whole.
  const partial = `${path.resolve(archive)}.partial`;
  try {
    await runTool(
      pgDump,
      ["--format=custom", "--no-owner", `--file=${partial}`, `--dbname=${url}`],
      password,
    );
    fs.renameSync(partial, path.resolve(archive));
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** Replaces the database's contents with the archive's, in one transaction: all or nothing. */
export async function restoreDatabase(databaseUrl: string, archive: string, binDir?: string) {
  if (!fs.existsSync(archive)) throw new StartupError(`${archive} does not exist.`);
  const major = await serverMajorVersion(databaseUrl);
  const pgRestore = await findTool(
    "pg_restore",
    major,
    toolCandidates("pg_restore", major, binDir),
  );
  const { url, password } = splitPassword(databaseUrl);
  await runTool(
    pgRestore,
    [
      "--clean",
      "--if-exists",
      "--no-owner",
      "--single-transaction",
      "--exit-on-error",
      `--dbname=${url}`,
      path.resolve(archive),
    ],
    password,
  );
}
