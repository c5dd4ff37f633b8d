import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BUILD_ENTRY } from "./app";
import { StartupError } from "./errors";

const SOURCES = ["app", "public", "vite.config.ts", "remix.config.js", "package-lock.json"];

function newestModification(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target))
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  return newest;
}

/** True when there is no build, or a source file changed after it was made. */
export function buildIsStale() {
  if (!fs.existsSync(BUILD_ENTRY)) return true;
  const built = fs.statSync(BUILD_ENTRY).mtimeMs;
  return SOURCES.some((source) => newestModification(path.resolve(source)) > built);
}

export function runBuild() {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(path.resolve("node_modules/.bin/remix"), ["vite:build"], {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new StartupError(`The build failed (exit ${code}); see the messages above.`)),
    );
  });
}
