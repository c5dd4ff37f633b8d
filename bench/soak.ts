// `npm run bench:soak`: memory under a long load (issue #15 item 9). The production server
// (server/start.ts, as `npm start` runs it) on its own embedded PostgreSQL with the demo data, a mix
// of public and signed-in pages at 20 connections for 5 minutes, and the server's heap after a full
// garbage collection sampled over IPC (bench/soak-probe.ts) beside its RSS. Baseline: the same
// figures after a warm-up in the same run. Goal: heap after GC at the end within 10 % of it.
// Settings: BENCH_SOAK_SECONDS (300), BENCH_SOAK_CONNECTIONS (20), BENCH_SOAK_WARMUP_SECONDS (20),
// BENCH_SOAK_SAMPLES (10), BENCH_SOAK_SNAPSHOTS=1 to write heap snapshots at the baseline and the end (bench/results/).
// Baseline and end are taken at rest (10 s after the load), so requests in flight are not growth.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import pidusage from "pidusage";
import { type RunningServer } from "./http";
import { percentile, renderTable, row, type BenchRow } from "./table";

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const CONNECTIONS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_SOAK_WARMUP_SECONDS ?? 20);
const SAMPLES = Math.max(2, Number(process.env.BENCH_SOAK_SAMPLES ?? 10));
const SNAPSHOTS = process.env.BENCH_SOAK_SNAPSHOTS === "1";
const IDLE_SECONDS = 10;
const settle = () => new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
const GOAL = 1.1;
const MB = 1024 * 1024;

type Sample = { atSeconds: number; heapMb: number; rssMb: number; externalMb: number };

let asked = 0;
function ask<T>(server: RunningServer, message: Record<string, unknown>): Promise<T> {
  const id = ++asked;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server's probe did not answer")), 120_000);
    const listen = (answer: { id?: number }) => {
      if (answer?.id !== id) return;
      clearTimeout(timer);
      server.child.off("message", listen);
      resolve(answer as T);
    };
    server.child.on("message", listen);
    server.child.send({ id, ...message });
  });
}

async function sample(server: RunningServer, started: number): Promise<Sample> {
  const { usage, gc } = await ask<{ usage: NodeJS.MemoryUsage; gc: boolean }>(server, {
    kind: "memory",
  });
  if (!gc) throw new Error("the server runs without --expose-gc");
  const rss = (await pidusage(server.pid)).memory;
  return {
    atSeconds: Math.round((Date.now() - started) / 1000),
    heapMb: usage.heapUsed / MB,
    rssMb: rss / MB,
    externalMb: (usage.external + usage.arrayBuffers) / MB,
  };
}

async function signInCookie(url: string, identifier: string) {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identifier, password: "phsar-demo-2026", redirectTo: "/" }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`signing in as ${identifier} failed (${response.status})`);
  return cookie;
}

async function mixedRequests(url: string, databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const listings = await client.query<{ id: number }>(
    `SELECT "id" FROM "Listing" WHERE "status" = 'PUBLISHED' ORDER BY "id" LIMIT 3`,
  );
  const cooperative = await client.query<{ slug: string }>(
    `SELECT "slug" FROM "Organization" WHERE "kind" = 'COOPERATIVE' ORDER BY "id" LIMIT 1`,
  );
  await client.end();
  const buyer = { cookie: await signInCookie(url, "buyer@phsar.test") };
  const lead = { cookie: await signInCookie(url, "lead@phsar.test") };
  const monitor = { cookie: await signInCookie(url, "monitor@phsar.test") };
  const slug = cooperative.rows[0]!.slug;
  const pages: { path: string; headers?: Record<string, string> }[] = [
    { path: "/" },
    { path: "/search" },
    { path: "/search?q=%E1%9E%8F%E1%9F%92%E1%9E%9A%E1%9E%9F%E1%9E%80%E1%9F%8B" }, // ត្រសក់
    { path: "/search?q=tomato&sort=price_asc" },
    { path: "/cooperatives" },
    { path: `/cooperatives/${slug}` },
    ...listings.rows.map((listing) => ({ path: `/listings/${listing.id}` })),
    { path: "/api/v1/listings?q=tomato&page=1" },
    { path: "/login" },
    { path: "/cart", headers: buyer },
    { path: "/orders", headers: buyer },
    { path: `/organizations/${slug}/listings`, headers: lead },
    { path: `/organizations/${slug}/orders`, headers: lead },
    { path: "/dashboard", headers: monitor },
  ];
  // Every page must answer 200 before the load, or the soak would measure error pages.
  for (const page of pages) {
    const answer = await fetch(`${url}${page.path}`, { headers: page.headers, redirect: "manual" });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${page.path} answered ${answer.status}`);
  }
  return pages.map((page) => ({ method: "GET" as const, ...page }));
}

function load(url: string, requests: autocannon.Request[], seconds: number) {
  const times: number[] = [];
  return new Promise<{ result: autocannon.Result; times: number[] }>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: CONNECTIONS, duration: seconds, requests },
      (error, result) => (error ? reject(error) : resolve({ result, times })),
    );
    instance.on("response", (_client, _status, _bytes, time) => times.push(time));
  });
}

async function main() {
  const started = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-soak-"));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its folder
  const { findFreePort } = await import("../tests/ports");
  const { startEmbeddedPostgres } = await import("../server/embedded-postgres");
  const { migrateDeploy } = await import("../server/database");
  const { seedDatabase } = await import("../prisma/seed");
  const { buildIsStale, runBuild } = await import("../server/build");
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: await findFreePort(),
    database: "phsar_soak",
  });
  let server: RunningServer | undefined;
  const rows: BenchRow[] = [];
  const samples: Sample[] = [];
  try {
    await migrateDeploy(db.url);
    await seedDatabase(db.url);
    if (buildIsStale()) await runBuild();
    const { startAppServer } = await import("./http");
    server = await startAppServer(db.url, {
      nodeArgs: ["--expose-gc", "--import", path.resolve("bench/soak-probe.ts")],
      ipc: true,
    });
    const running = server;
    const requests = await mixedRequests(running.url, db.url);
    const t0 = Date.now();
    const before = await sample(running, t0);
    console.log(`[soak] warm-up ${WARMUP_SECONDS} s, ${requests.length} pages in turn…`);
    await load(running.url, requests, WARMUP_SECONDS);
    // Both ends are measured at rest (requests finished, idle sockets closed), so that what the
    // requests in flight hold is not counted as growth.
    await settle();
    const baseline = await sample(running, t0);
    samples.push(baseline);
    if (SNAPSHOTS)
      await ask(running, {
        kind: "snapshot",
        file: path.resolve("bench/results/soak-start.heapsnapshot"),
      });

    console.log(`[soak] ${SECONDS} s at ${CONNECTIONS} connections, ${SAMPLES} samples…`);
    const every = (SECONDS * 1000) / SAMPLES;
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling.then(async () => {
        const taken = await sample(running, t0);
        samples.push(taken);
        console.log(
          `[soak] ${taken.atSeconds} s: heap after GC ${taken.heapMb.toFixed(1)} MB, RSS ${taken.rssMb.toFixed(0)} MB`,
        );
      });
    }, every);
    const { result, times } = await load(running.url, requests, SECONDS);
    clearInterval(timer);
    await sampling;
    const loaded = await sample(running, t0);
    samples.push(loaded);
    await settle();
    const end = await sample(running, t0);
    samples.push(end);
    if (SNAPSHOTS)
      await ask(running, {
        kind: "snapshot",
        file: path.resolve("bench/results/soak-end.heapsnapshot"),
      });

    const ratio = end.heapMb / baseline.heapMb;
    const mid = samples.slice(1, -2);
    const peakHeap = Math.max(...samples.slice(1, -1).map((s) => s.heapMb));
    rows.push(
      row(
        "soak: heap after GC at rest, end vs after warm-up",
        end.heapMb,
        "MB",
        baseline.heapMb,
        `goal ≤ ${GOAL.toFixed(2)}× (${ratio <= GOAL ? "met" : "NOT met"}); before any load ${before.heapMb.toFixed(1)} MB`,
      ),
      row(
        "soak: heap after GC under load, highest sample vs after warm-up",
        peakHeap,
        "MB",
        baseline.heapMb,
        `${mid.length + 1} samples while ${CONNECTIONS} requests are in flight`,
      ),
      row("soak: RSS at rest, end vs after warm-up", end.rssMb, "MB", baseline.rssMb),
      row("soak: RSS right after the load vs after warm-up", loaded.rssMb, "MB", baseline.rssMb),
      row(
        "soak: external + array buffers after GC, end vs after warm-up",
        end.externalMb,
        "MB",
        baseline.externalMb,
      ),
      row("soak: latency p50", percentile(times, 50), "ms"),
      row("soak: latency p95", percentile(times, 95), "ms"),
      row(
        "soak: requests",
        result.requests.total,
        "",
        undefined,
        `${CONNECTIONS} connections × ${SECONDS} s; ${result.non2xx} non-2xx, ${result.errors + result.timeouts} errors/timeouts`,
      ),
    );
  } finally {
    await server?.stop();
    pidusage.clear();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\n${renderTable(rows)}\n`);
  console.log("heap after GC / RSS over time:");
  for (const s of samples)
    console.log(
      `  ${String(s.atSeconds).padStart(5)} s  ${s.heapMb.toFixed(1).padStart(7)} MB  ${s.rssMb.toFixed(0).padStart(5)} MB`,
    );
  fs.mkdirSync(path.resolve("bench/results"), { recursive: true });
  fs.writeFileSync(
    path.resolve("bench/results/soak.json"),
    `${JSON.stringify(
      {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model ?? "unknown",
          loadAverage: os.loadavg(),
          node: process.version,
        },
        settings: {
          seconds: SECONDS,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          samples: SAMPLES,
        },
        rows,
        samples,
      },
      null,
      2,
    )}\n`,
  );
  console.log("Written to bench/results/soak.json");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
