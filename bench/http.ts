// Server latency and memory under load: the production build served by server/start.ts (what
// `npm start` runs) against its own database of demo data, loaded by autocannon with 50 connections.
// Latency percentiles come from every response's time (autocannon's own summary has no p95); the
// server's resident memory is sampled with pidusage during each load.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import autocannon from "autocannon";
import pidusage from "pidusage";
import { percentile, row, type BenchRow } from "./table";

export type RunningServer = {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
};

/**
 * Starts `server/start.ts` in production mode on a free port against `databaseUrl`. `nodeArgs` go
 * after tsx (the soak bench adds `--expose-gc` and its probe); `ipc` opens a channel to it.
 */
export async function startAppServer(
  databaseUrl: string,
  { nodeArgs = [], ipc = false }: { nodeArgs?: string[]; ipc?: boolean } = {},
): Promise<RunningServer> {
  const { findFreePort } = await import("../tests/ports");
  const port = await findFreePort();
  // node itself (not the tsx wrapper) so that the pid sampled is the server's.
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", ...nodeArgs, path.resolve("server/start.ts")],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_ENV: "production",
        SEED_DEMO_DATA: "false",
        SECURE_COOKIES: "false",
      },
      stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (!output.includes("Phsar is ready")) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${output.slice(-500)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the server did not start: ${output.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

type Load = {
  p50: number;
  p95: number;
  rps: number;
  non2xx: number;
  errors: number;
  peakMb: number;
};

async function load(url: string, pid: number, seconds: number, connections: number): Promise<Load> {
  const times: number[] = [];
  let peak = 0;
  const sampler = setInterval(() => {
    pidusage(pid)
      .then((stat) => (peak = Math.max(peak, stat.memory)))
      .catch(() => {});
  }, 200);
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url, connections, duration: seconds }, (error, done) =>
        error ? reject(error) : resolve(done),
      );
      instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
    });
    return {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      rps: result.requests.average,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      peakMb: peak / 1024 / 1024,
    };
  } finally {
    clearInterval(sampler);
    pidusage.clear();
  }
}

export async function runHttpBench(
  server: RunningServer,
  { seconds = 10, connections = 50 } = {},
): Promise<BenchRow[]> {
  const idleMb = (await pidusage(server.pid)).memory / 1024 / 1024;
  // Reference in the same run: the health check (one `SELECT 1`), through the same server stack.
  const health = await load(`${server.url}/healthz`, server.pid, seconds, connections);
  const rows: BenchRow[] = [];
  let peakMb = health.peakMb;
  for (const [name, pathname] of [
    ["market search page /search", "/search"],
    ["market home page /", "/"],
  ] as const) {
    const measured = await load(`${server.url}${pathname}`, server.pid, seconds, connections);
    peakMb = Math.max(peakMb, measured.peakMb);
    const note =
      measured.non2xx || measured.errors
        ? `${measured.non2xx} non-2xx, ${measured.errors} errors/timeouts`
        : `${connections} connections × ${seconds} s; baseline /healthz`;
    rows.push(
      row(`http ${name}: p50`, measured.p50, "ms", health.p50, note),
      row(`http ${name}: p95`, measured.p95, "ms", health.p95),
      row(`http ${name}: throughput`, measured.rps, "req/s", health.rps),
    );
  }
  rows.push(
    row(
      "server memory under load: peak RSS",
      peakMb,
      "MB",
      idleMb,
      "baseline: RSS before the load",
    ),
  );
  return rows;
}
