// JavaScript each main route makes the browser load: the Remix browser manifest's entry, root and
// route modules with their (already flattened) static imports, plus the manifest file itself, each
// gzipped as the server's compression middleware would (zlib default level).
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { row, type BenchRow } from "./table";

type ManifestEntry = { module: string; imports?: string[] };
type Manifest = { entry: ManifestEntry; routes: Record<string, ManifestEntry> };

export const MAIN_ROUTES: Record<string, string> = {
  "market (home)": "routes/_index",
  "market search": "routes/search",
  listing: "routes/listings.$listingId",
  cart: "routes/cart",
  "buyer orders": "routes/orders._index",
  dashboard: "routes/dashboard",
};

export function runBundleBench(clientDir = path.resolve("build/client")): BenchRow[] {
  const assets = path.join(clientDir, "assets");
  const manifestFile = fs.readdirSync(assets).find((f) => /^manifest-.*\.js$/.test(f));
  if (!manifestFile) throw new Error("no build/client/assets/manifest-*.js: run npm run build");
  const text = fs.readFileSync(path.join(assets, manifestFile), "utf8");
  const manifest = JSON.parse(
    text.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, ""),
  ) as Manifest;
  const gzipKb = (files: Set<string>) =>
    [...files].reduce(
      (sum, file) => sum + gzipSync(fs.readFileSync(path.join(clientDir, file))).length,
      0,
    ) / 1024;
  const filesOf = (entry: ManifestEntry) => [entry.module, ...(entry.imports ?? [])];
  const shell = new Set([
    `/assets/${manifestFile}`,
    ...filesOf(manifest.entry),
    ...filesOf(manifest.routes.root!),
  ]);
  const shellKb = gzipKb(shell);
  return Object.entries(MAIN_ROUTES).map(([name, id]) => {
    const route = manifest.routes[id];
    if (!route) throw new Error(`route ${id} not in the manifest`);
    return row(
      `JS shipped: ${name}`,
      gzipKb(new Set([...shell, ...filesOf(route)])),
      "KB gzip",
      shellKb,
      "baseline: entry + root shared by every page",
    );
  });
}
