// `npm start` (and `npm run dev` with --dev): one command from a fresh clone to a running Phsar.
import { type Server } from "node:http";
import path from "node:path";
import { checkKhmerTextSupport, migrateDeploy } from "./database";
import { startEmbeddedPostgres, isPortFree, type EmbeddedDatabase } from "./embedded-postgres";
import { StartupError } from "./errors";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV ??= dev ? "development" : "production";

function say(message: string) {
  console.log(`[phsar] ${message}`);
}

async function main() {
  const { parseEnv, shouldSeedDemoData, adoptEmbeddedDatabaseUrl } = await import("~/env.server");
  const env = parseEnv(process.env);

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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping…`);
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await closeApp();
    await stopSearch();
    await stopJobs();
    if (embedded) {
      await embedded.stop();
      say("PostgreSQL stopped.");
    }
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  try {
    if (!env.DATABASE_URL) {
      const dataDir = path.join(env.PHSAR_DATA_DIR, "postgres");
      say(`Starting the embedded PostgreSQL (data in ${dataDir}, port ${env.EMBEDDED_PG_PORT})…`);
      embedded = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT });
      adoptEmbeddedDatabaseUrl(embedded.url);
    }
    const databaseUrl = process.env.DATABASE_URL!;

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
    const { orderJobs } = await import("~/orders/jobs.server");
    const { monitoringJobs } = await import("~/monitoring/rollup.server");
    const { exportJobs, startExportWorker } = await import("~/monitoring/exports.server");
    const boss = await startQueue(databaseUrl, say);
    stopJobs = () => boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    await registerScheduledJobs(boss, [...orderJobs, ...monitoringJobs, ...exportJobs], say);
    await startExportWorker(boss);

    const { startSearch } = await import("~/search/boot.server");
    stopSearch = (await startSearch(databaseUrl, env, say, boss)).stop;

    if (!dev) {
      const { buildIsStale, runBuild } = await import("./build");
      if (buildIsStale()) {
        say("Building the app (only when the sources changed)…");
        await runBuild();
      }
    }

    const { createApp } = await import("./app");
    const { app, close } = await createApp({ dev, trustProxy: env.TRUST_PROXY ?? false });
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
  } catch (error) {
    await stopSearch();
    await stopJobs();
    await embedded?.stop();
    throw error;
  }
}

main().catch((error) => {
  if (error instanceof StartupError || error?.name === "EnvError") {
    console.error(`\n[phsar] Could not start.\n${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
