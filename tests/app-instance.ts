// One app process (`npm start` in production mode) for tests that run several on one database.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "./ports";

export type AppInstance = {
  base: string;
  child: ChildProcess;
  /** Its own empty data folder (photos on local disk when no S3_* is given). */
  dataDir: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once /readyz answers 200; rejects if the process exits first or time runs out. */
  ready(timeoutMs?: number): Promise<string>;
  stop(): void;
};

/** Starts `server/start.ts` on a free port with `env` on top of this process's environment. */
export async function spawnInstance(env: Record<string, string>): Promise<AppInstance> {
  const port = await findFreePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-instance-"));
  const child = spawn("node", ["--import", "tsx", "server/start.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_FORMAT: "json",
      PORT: String(port),
      HOST: "127.0.0.1",
      PHSAR_DATA_DIR: dataDir,
      SEED_DEMO_DATA: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    child,
    dataDir,
    output: () => output,
    async ready(timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`instance exited: ${output}`);
        const ok = await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return base;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      throw new Error(`instance not ready: ${output}`);
    },
    stop() {
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
