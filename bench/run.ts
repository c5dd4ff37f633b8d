// `npm run bench`: every benchmark in one run, one table, and bench/results/latest.json.
// Starts its own embedded PostgreSQL (temporary folder) with two databases: one for the search and
// order benchmarks (listings are generated into it), one with only the demo data for the app server
// that the HTTP load and Lighthouse hit. Each part fails soft: its row says "error: …".
// Not part of npm test. Figures depend on the machine: compare ratios from the same run.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type RunningServer } from "./http";
import type { MonitoringFigure } from "./monitoring";
import { renderTable, row, softly, type BenchRow } from "./table";

const SEARCH_SIZES = (process.env.BENCH_SIZES ?? "10000").split(",").map(Number);
const SEARCH_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

async function main() {
  const started = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-bench-"));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its folder
  const { findFreePort } = await import("../tests/ports");
  const { startEmbeddedPostgres } = await import("../server/embedded-postgres");
  const { migrateDeploy } = await import("../server/database");
  const { seedDatabase } = await import("../prisma/seed");
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: await findFreePort(),
    database: "phsar_bench",
  });
  process.env.DATABASE_URL = db.url; // before anything imports the app's Prisma client
  const rows: BenchRow[] = [];
  try {
    await migrateDeploy(db.url);
    await seedDatabase(db.url);

    rows.push(
      ...(await softly("orders", async () => {
        const { runOrdersBench } = await import("./orders");
        return runOrdersBench({ databaseUrl: db.url });
      })),
    );
    rows.push(
      ...(await softly("search", async () => {
        const { runSearchBench } = await import("./search");
        return (await runSearchBench({ sizes: SEARCH_SIZES, requests: SEARCH_REQUESTS, dir })).rows;
      })),
    );

    let server: RunningServer | undefined;
    const appUrl = new URL(db.url);
    appUrl.pathname = "/phsar_app";
    const ready = await softly("app server", async () => {
      const { buildIsStale, runBuild } = await import("../server/build");
      if (buildIsStale()) await runBuild();
      const admin = new pg.Client({ connectionString: db.adminUrl });
      await admin.connect();
      await admin.query('CREATE DATABASE "phsar_app"');
      await admin.end();
      await migrateDeploy(appUrl.toString());
      // The seed's money trail works through the app's own client (DATABASE_URL), which here
      // points at the bench database: seed the app's database from a process of its own.
      await seedInChild(appUrl.toString());
      const { startAppServer } = await import("./http");
      server = await startAppServer(appUrl.toString());
      return [];
    });
    rows.push(...ready);
    rows.push(
      ...(await softly("bundle", async () => {
        const { runBundleBench } = await import("./bundle");
        return runBundleBench();
      })),
    );
    if (server) {
      const running = server;
      try {
        rows.push(
          ...(await softly("http", async () => {
            const { runHttpBench } = await import("./http");
            return runHttpBench(running, { seconds: HTTP_SECONDS });
          })),
        );
        rows.push(
          ...(await softly("lighthouse", async () => {
            const client = new pg.Client({ connectionString: appUrl.toString() });
            await client.connect();
            const { rows: listings } = await client.query<{ id: number }>(
              `SELECT "id" FROM "Listing" WHERE "status" = 'PUBLISHED' ORDER BY "id" LIMIT 1`,
            );
            await client.end();
            if (!listings[0]) throw new Error("no published listing in the demo data");
            const { runLighthouseBench } = await import("./lighthouse");
            return runLighthouseBench({
              baseUrl: running.url,
              listingPath: `/listings/${listings[0].id}`,
            });
          })),
        );
      } finally {
        await running.stop();
      }
    }
  } finally {
    const { prisma } = await import("~/db/db.server");
    await prisma.$disconnect();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Its own process and PostgreSQL: it generates a million order lines and must not share this
  // process's Prisma client, which points at the database above.
  rows.push(...(await softly("monitoring", runMonitoringBench)));
  // Also its own process and PostgreSQL: 16,500 generated members imported twice.
  rows.push(...(await softly("import", runImportBenchProcess)));

  console.log(`\n${renderTable(rows)}\n`);
  const results = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      loadAverage: os.loadavg(),
      node: process.version,
    },
    settings: {
      searchSizes: SEARCH_SIZES,
      searchRequests: SEARCH_REQUESTS,
      httpSeconds: HTTP_SECONDS,
    },
    rows,
  };
  fs.mkdirSync(path.resolve("bench/results"), { recursive: true });
  fs.writeFileSync(
    path.resolve("bench/results/latest.json"),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log("Written to bench/results/latest.json");
}

const MONITORING_LINES = Number(process.env.BENCH_MONITORING_LINES ?? 1_000_000);

async function runMonitoringBench(): Promise<BenchRow[]> {
  const out = path.join(os.tmpdir(), `phsar-bench-monitoring-${process.pid}.json`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/monitoring.ts"], {
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        BENCH_LINES: String(MONITORING_LINES),
        BENCH_RUNS: process.env.BENCH_MONITORING_RUNS ?? "10",
        BENCH_JSON: out,
      },
    });
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`bench/monitoring.ts exited with ${code}`);
  const { lines, measured } = JSON.parse(fs.readFileSync(out, "utf8")) as {
    lines: number;
    measured: MonitoringFigure[];
  };
  fs.rmSync(out, { force: true });
  const find = (view: string, query: string) =>
    measured.find((m) => m.view === view && m.query === query);
  const result: BenchRow[] = [];
  const scale = `${(lines / 1e6).toFixed(lines >= 1e6 ? 0 : 1)}M order lines`;
  for (const view of ["12 weeks", "1 year"]) {
    const whole = find(view, "whole dashboard");
    if (whole) {
      result.push(row(`monitoring: whole dashboard, ${view}, ${scale}, p50`, whole.p50, "ms"));
      result.push(row(`monitoring: whole dashboard, ${view}, ${scale}, p95`, whole.p95, "ms"));
    }
    for (const query of ["volumes", "prices"]) {
      const rolled = find(view, `${query} (roll-up)`);
      const live = find(view, `${query} (live)`);
      if (rolled && live)
        result.push(
          row(
            `monitoring: ${query} ${view} p50, roll-up vs live query`,
            rolled.p50,
            "ms",
            live.p50,
          ),
        );
    }
  }
  return result;
}

async function runImportBenchProcess(): Promise<BenchRow[]> {
  const out = path.join(os.tmpdir(), `phsar-bench-import-${process.pid}.json`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=96", "--import", "tsx", "bench/import.ts"],
      {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, BENCH_JSON: out },
      },
    );
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`bench/import.ts exited with ${code}`);
  const result = JSON.parse(fs.readFileSync(out, "utf8")) as BenchRow[];
  fs.rmSync(out, { force: true });
  return result;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

function seedInChild(url: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/db.ts", "seed"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`seeding the app database exited with ${code}`)),
    );
  });
}
