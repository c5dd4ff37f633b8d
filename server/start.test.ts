// `npm start` as an operator meets it: a child process, its output, its exit code, its signals.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findFreePort } from "../tests/ports";
import { buildIsStale, runBuild } from "./build";

const children: ChildProcess[] = [];
const folders: string[] = [];

function start(env: Record<string, string>) {
  const child = spawn("node", ["--import", "tsx", "server/start.ts"], {
    env: { ...process.env, DATABASE_URL: "", NODE_ENV: "production", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk) => (output.stdout += chunk));
  child.stderr!.on("data", (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output, exited };
}

async function waitFor(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

beforeAll(async () => {
  if (buildIsStale()) await runBuild();
}, 300_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  test("a DATABASE_URL where nothing answers ends with one line naming it, no stack trace", async () => {
    const closed = await findFreePort();
    const run = start({
      PORT: String(await findFreePort()),
      DATABASE_URL: `postgresql://phsar:secret-pw@127.0.0.1:${closed}/phsar`,
    });
    expect(await run.exited).toBe(1);
    const lines = run.output.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`Could not start: Nothing answers at 127\\.0\\.0\\.1:${closed}`),
    );
    expect(lines[0]).not.toContain("secret-pw");
  });

  test("an empty database prints one setup link; SIGTERM (twice) finishes the request in flight, stops once, queue before database, exit 0", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-start-"));
    fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach it
    folders.push(dataDir);
    const port = await findFreePort();
    const pgPort = await findFreePort();
    const run = start({
      PORT: String(port),
      PHSAR_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      SEED_DEMO_DATA: "false",
    });
    await waitFor(`http://127.0.0.1:${port}/healthz`, 120_000);

    // An empty database: one line with the first-run setup link, and the link opens the setup page.
    await expect.poll(() => run.output.stdout, { timeout: 10_000 }).toMatch(/First-run setup/);
    const setupLines = run.output.stdout.split("\n").filter((l) => l.includes("/setup/"));
    expect(setupLines).toHaveLength(1);
    const link = setupLines[0]!.match(/http:\/\/localhost:(\d+)(\/setup\/[A-Za-z0-9_-]{43}) /)!;
    expect(link[1]).toBe(String(port));
    expect((await fetch(`http://127.0.0.1:${port}${link[2]}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/setup/${"x".repeat(43)}`)).status).toBe(404);

    // Hold the migrations table so /readyz stays in flight until we let it go.
    const holder = new pg.Client({
      connectionString: `postgresql://postgres:phsar-local@127.0.0.1:${pgPort}/phsar`,
    });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query('LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`http://127.0.0.1:${port}/readyz`);
    await expect
      .poll(async () => {
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '"_prisma_migrations"'::regclass`,
        );
        return rows[0].n;
      })
      .toBeGreaterThan(0);

    const signalled = Date.now();
    run.child.kill("SIGTERM");
    run.child.kill("SIGTERM");
    // No new connections once stopping, while the old request still waits.
    const connect = () =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => (socket.destroy(), resolve("accepted")));
        socket.once("error", () => resolve("refused"));
      });
    await expect.poll(connect).toBe("refused");
    expect(run.child.exitCode).toBeNull();

    await holder.query("COMMIT");
    await holder.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready" });

    expect(await run.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(30_000);
    const log = run.output.stdout + run.output.stderr;
    // Not asserted: "terminating connection due to administrator command" from the job queue.
    // Alone it does not appear, but in the full suite under load pg-boss still held a connection
    // when PostgreSQL stopped (seen once, 2026-12-03): open, see docs/decisions/013-operations.md.
    expect(log.match(/SIGTERM: stopping/g)).toHaveLength(1);
    expect(log).toMatch(
      /Stopping the job queue[\s\S]*Job queue stopped\.[\s\S]*PostgreSQL stopped\.[\s\S]*Stopped\./,
    );
    for (const line of run.output.stdout.trim().split("\n"))
      expect(() => JSON.parse(line)).not.toThrow();
  }, 180_000);
});
