// `npm start` (and `npm run dev` with --dev): one command from a fresh clone to a running Phsar.
import { type Server } from "node:http";
import path from "node:path";
import { type Logger } from "pino";
import {
  checkDatabaseReachable,
  checkKhmerTextSupport,
  migrateDeploy,
  withStartupLock,
} from "./database";
import {
  isPortFree,
  releaseSignalsToCaller,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from "./embedded-postgres";
import { StartupError } from "./errors";
import { createLogger, routeConsoleTo } from "./logger";
import { describeStartupFailure } from "./startup-failure";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV ??= dev ? "development" : "production";

// In-flight requests get this long to finish once a stop begins; then their connections are cut.
const DRAIN_MS = 20_000;

let logger: Logger | undefined;
function say(message: string) {
  if (logger) logger.info(message);
  else console.log(`[phsar] ${message}`);
}

async function main() {
  const { parseEnv, shouldSeedDemoData, adoptEmbeddedDatabaseUrl } = await import("~/env.server");
  const env = parseEnv(process.env);
  logger = createLogger({
    format: env.LOG_FORMAT ?? (process.stdout.isTTY ? "text" : "json"),
    level: env.LOG_LEVEL,
  });
  routeConsoleTo(logger);

  // Fail fast, before starting PostgreSQL, if the web port is taken.
  if (!(await isPortFree(env.PORT, env.HOST))) {
    throw new StartupError(
      `Port ${env.PORT} is already in use. Stop whatever is using it, or choose another port: PORT=3001 npm start`,
    );
  }

  let embedded: EmbeddedDatabase | undefined;
  let server: Server | undefined;
  let closeApp = async () => {};
  let stopSearch = async () => {};
  let stopJobs = async () => {};
  let closeDatabase = async () => {};
  let queueStopped = false;
  let stopping = false;
  // Once, whatever arrives: a terminal's Ctrl-C reaches us from both the terminal and a wrapper.
  // Order: stop taking requests and let in-flight ones finish, then the workers and the job queue
  // (finishing their jobs), then the app's connections, and PostgreSQL last.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (finishing requests in flight)…`);
    if (server) {
      const open = server;
      const cut = setTimeout(() => open.closeAllConnections(), DRAIN_MS);
      await new Promise((resolve) => open.close(resolve));
      clearTimeout(cut);
    }
    await closeApp();
    await stopSearch();
    await stopJobs();
    await closeDatabase();
    if (embedded) {
      await embedded.stop();
      say("PostgreSQL stopped.");
    }
    say("Stopped.");
    process.exit(0);
  };
  releaseSignalsToCaller();
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(
      signal,
      () =>
        void stop(signal).catch((error: unknown) => {
          process.stderr.write(`[phsar] Stopping failed: ${describeStartupFailure(error)}\n`);
          process.exit(1);
        }),
    );

  try {
    if (!env.DATABASE_URL) {
      const dataDir = path.join(env.PHSAR_DATA_DIR, "postgres");
      say(`Starting the embedded PostgreSQL (data in ${dataDir}, port ${env.EMBEDDED_PG_PORT})…`);
      embedded = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT });
      adoptEmbeddedDatabaseUrl(embedded.url);
    }
    const databaseUrl = process.env.DATABASE_URL!;

    await checkDatabaseReachable(databaseUrl);
    // From the migrations to the search index, one starting instance at a time changes the schema
    // (docs/decisions/032-concurrent-start.md); the build and the web server need no lock. The
    // lock is let go however this ends: a failure here must not hold up the other instances.
    await withStartupLock(
      databaseUrl,
      say,
      async () => {
        say("Applying database migrations…");
        await migrateDeploy(databaseUrl);
        await checkKhmerTextSupport(databaseUrl);

        if (shouldSeedDemoData(env)) {
          const { seedDatabase } = await import("../prisma/seed");
          const { created } = await seedDatabase(databaseUrl);
          say(
            created
              ? "Added the demo data (see README for the demo logins)."
              : "Demo data already present.",
          );
        }

        // One job queue: the order timers (unpaid expiry, auto-confirmation, standing orders), the
        // dashboard's roll-up refresh and the search sync worker.
        const { registerScheduledJobs, startQueue } = await import("~/jobs/queue.server");
        const { orderJobs } = await import("~/schedule.server");
        const { monitoringJobs } = await import("~/monitoring/rollup.server");
        const { exportJobs, startExportWorker } = await import("~/monitoring/exports.server");
        const boss = await startQueue(databaseUrl, say);
        stopJobs = async () => {
          queueStopped = true;
          say("Stopping the job queue (jobs in progress get 10 s to finish)…");
          await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
          say("Job queue stopped.");
        };
        // Messages: without SMTP_URL, email goes to a local SMTP catcher (docs/decisions/026-outbox.md).
        const { configuredTransports, outboxSweepJob, startOutboxWorker } =
          await import("~/messages/worker.server");
        let catcherPort: number | undefined;
        if (!env.SMTP_URL) {
          const { startSmtpCatcher } = await import("~/messages/smtp-catcher.server");
          const catcher = await startSmtpCatcher(env.SMTP_CATCHER_PORT ?? 0);
          catcherPort = catcher.port;
          const stopQueue = stopJobs;
          stopJobs = async () => {
            await stopQueue();
            await catcher.close();
          };
          say(
            `No SMTP_URL: email goes to the local catcher on 127.0.0.1:${catcher.port} (read it in /admin/outbox).`,
          );
        }
        const outbox = configuredTransports(catcherPort);
        await startOutboxWorker(boss, { transports: outbox.transports });
        await registerScheduledJobs(
          boss,
          [...orderJobs, ...monitoringJobs, ...exportJobs, outboxSweepJob(boss)],
          say,
        );
        await startExportWorker(boss);

        const { startSearch } = await import("~/search/boot.server");
        stopSearch = (await startSearch(databaseUrl, env, say, boss)).stop;
      },
      { waitMs: env.STARTUP_LOCK_WAIT_SECONDS * 1000 },
    );

    if (!dev) {
      const { buildIsStale, runBuild } = await import("./build");
      if (buildIsStale()) {
        say("Building the app (only when the sources changed)…");
        await runBuild();
      }
    }

    const { prisma, pool } = await import("~/db/db.server");
    closeDatabase = async () => {
      await prisma.$disconnect();
      await pool.end();
    };
    // An empty database has no way in: a one-time link creates the first platform admin.
    const { openSetup } = await import("~/auth/setup.server");
    const setupToken = await openSetup();
    const { createMetrics } = await import("./metrics");
    const { pendingMigrations } = await import("./ops");
    const metrics = env.METRICS_TOKEN ? createMetrics({ db: pool, pool: () => pool }) : undefined;
    const { createApp } = await import("./app");
    const { app, close } = await createApp({
      dev,
      trustProxy: env.TRUST_PROXY ?? false,
      ops: {
        logger,
        metrics,
        metricsToken: env.METRICS_TOKEN,
        isStopping: () => stopping,
        readiness: {
          database: async () => void (await pool.query("SELECT 1")),
          migrations: async () => {
            const pending = await pendingMigrations((sql) => pool.query(sql));
            if (pending.length) throw new Error(`not applied: ${pending.join(", ")}`);
          },
          jobs: async () => {
            if (queueStopped) throw new Error("the job queue is stopped");
            await pool.query('SELECT version FROM "pgboss".version');
          },
          search: async () => {
            if (!env.MEILISEARCH_HOST) return; // search runs in PostgreSQL, checked above
            const health = await fetch(new URL("/health", env.MEILISEARCH_HOST), {
              signal: AbortSignal.timeout(3_000),
            });
            if (!health.ok) throw new Error(`Meilisearch answered ${health.status}`);
          },
        },
      },
    });
    closeApp = close;
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(env.PORT, env.HOST, () => resolve(listening));
      listening.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "EADDRINUSE"
            ? new StartupError(
                `Port ${env.PORT} is already in use. Choose another port: PORT=3001 npm start`,
              )
            : error,
        ),
      );
    });
    const shownHost = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
    say(
      `Phsar is ready at http://${shownHost}:${env.PORT}${dev ? " (development, hot reload)" : ""}`,
    );
    if (setupToken)
      say(
        `First-run setup: open http://${shownHost}:${env.PORT}/setup/${setupToken} to create the platform admin (works once, until the next start).`,
      );
  } catch (error) {
    await stopSearch().catch(() => {});
    await stopJobs().catch(() => {});
    await closeDatabase().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
}

/** One line on stderr saying what stopped the start (the stack only with PHSAR_DEBUG=1). */
function fail(error: unknown) {
  process.stderr.write(`[phsar] Could not start: ${describeStartupFailure(error)}\n`);
  if (process.env.PHSAR_DEBUG === "1")
    process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
}

main().catch(fail);
