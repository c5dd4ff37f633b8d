import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { StartupError } from "./errors";
import { explainDatabaseFailure } from "./startup-failure";

const prismaBin = path.resolve("node_modules/.bin/prisma");

/** Runs the Prisma CLI against `databaseUrl` and returns its output; throws with that output on failure. */
export function runPrisma(args: string[], databaseUrl: string) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(prismaBin, args, {
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else {
        const error = new StartupError(
          `prisma ${args.join(" ")} failed (exit ${code}):\n${output}`,
        );
        Object.assign(error, { exitCode: code, output });
        reject(error);
      }
    });
  });
}

/** Connects once to the configured PostgreSQL, or throws a StartupError saying in one line why not. */
export async function checkDatabaseReachable(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const line = explainDatabaseFailure(error, databaseUrl);
    if (line) throw new StartupError(line);
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

export function migrateDeploy(databaseUrl: string) {
  return runPrisma(["migrate", "deploy"], databaseUrl);
}

/**
 * The advisory lock (key `hashtext(STARTUP_LOCK)`) that one starting instance holds while it
 * changes the schema. docs/decisions/032-concurrent-start.md.
 */
export const STARTUP_LOCK = "phsar:start-up";

export type StartupLockOptions = {
  /** Give up after this long with a StartupError naming the holder (default 15 minutes). */
  waitMs?: number;
  /** How often to try again while another instance holds it. */
  pollMs?: number;
};

/** Who holds the start-up lock, for the line a waiting instance prints. */
async function describeHolder(client: pg.Client) {
  const { rows } = await client.query<{ pid: number; application_name: string; since: Date }>(
    `SELECT a.pid, a.application_name, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objid = hashtext($1)::oid`,
    [STARTUP_LOCK],
  );
  const holder = rows[0];
  if (!holder) return "another instance";
  return `${holder.application_name || "a session"} (PostgreSQL pid ${holder.pid}, connected ${holder.since.toISOString()})`;
}

/**
 * Waits until no other starting instance is changing the schema, then holds that right until the
 * returned `release` is called. Instances started at once otherwise race: Prisma's own migration
 * lock gives up after 10 s, and pg-boss creating its schema and queues in two sessions at once
 * ends one of them with "deadlock detected". A session lock on a connection of its own: it lasts
 * across the transactions of Prisma and pg-boss, and goes with the connection if this process dies.
 *
 * Never forever: a holder that hangs (rather than dies) would otherwise stop every later instance
 * without a word, so after `waitMs` this throws one line naming the holder. TCP keepalives on the
 * lock's session let the server notice a holder whose host vanished (no FIN ever arrives).
 */
export async function acquireStartupLock(
  databaseUrl: string,
  say: (message: string) => void,
  { waitMs = 15 * 60_000, pollMs = 1_000 }: StartupLockOptions = {},
) {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: `phsar start-up on ${os.hostname()} (pid ${process.pid})`,
    keepAlive: true,
  });
  // A dropped connection has dropped the lock too; the start goes on as it would have without it.
  client.on("error", (error) => say(`start-up lock connection lost: ${error.message}`));
  await client.connect();
  const tryLock = async () => {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
      [STARTUP_LOCK],
    );
    return rows[0]?.locked === true;
  };
  try {
    await client.query(
      "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3",
    );
    if (!(await tryLock())) {
      say(
        `Another instance is preparing the database; waiting for it to finish (holder: ${await describeHolder(client)})…`,
      );
      // Polling rather than a blocking pg_advisory_lock: the wait can end on time, and the
      // connection stays free to ask who is holding it.
      const until = Date.now() + waitMs;
      while (!(await tryLock())) {
        if (Date.now() >= until)
          throw new StartupError(
            `Gave up after ${Math.round(waitMs / 1000)} s waiting for ${await describeHolder(client)} ` +
              `to finish preparing the database. If that instance is stuck, stop it ` +
              `(or SELECT pg_terminate_backend(<pid>)) and start again; STARTUP_LOCK_WAIT_SECONDS waits longer.`,
          );
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  let released = false;
  return async function release() {
    if (released) return;
    released = true;
    // Ending the session releases the lock even if the unlock itself fails.
    await client
      .query("SELECT pg_advisory_unlock(hashtext($1))", [STARTUP_LOCK])
      .catch(() => {})
      .finally(() => client.end().catch(() => {}));
  };
}

/** Runs `work` holding the start-up lock, and lets go of it however `work` ends. */
export async function withStartupLock<T>(
  databaseUrl: string,
  say: (message: string) => void,
  work: () => Promise<T>,
  options?: StartupLockOptions,
) {
  const release = await acquireStartupLock(databaseUrl, say, options);
  try {
    return await work();
  } finally {
    await release();
  }
}

/**
 * Khmer search depends on a UTF-8 character type: under `C`, pg_trgm silently extracts nothing
 * from Khmer text. Refuse to run on such a database rather than serve empty search results.
 */
export async function checkKhmerTextSupport(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ encoding: string; trigrams: number | null }>(
      `SELECT pg_encoding_to_char(encoding) AS encoding,
              cardinality(show_trgm('ក្ក')) AS trigrams
         FROM pg_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    if (!row || row.encoding !== "UTF8" || !row.trigrams) {
      throw new StartupError(
        `The database does not handle Khmer text (encoding ${row?.encoding ?? "?"}, ` +
          `no trigrams from Khmer). Create it with UTF-8 and a UTF-8 character type, for example:\n` +
          `  CREATE DATABASE phsar ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' TEMPLATE template0;`,
      );
    }
  } finally {
    await client.end();
  }
}
