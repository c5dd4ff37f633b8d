// The dependency rules of docs/decisions/021-dependencies.md, read from the code by
// dependency-cruiser: no import cycle between files, and no two feature folders that import each
// other (app/<folder>/...). Files directly in app/ (root, entry, wiring, schedule) compose the
// folders and are left out of the folder graph.
import { cruise } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { expect, test } from "vitest";

/** Two-way folder dependencies not yet removed (issue #14), each with why it is still there. */
const KNOWN_FOLDER_CYCLES = new Map([
  // Supply writes search's outbox rows in its own transactions; search reads supply's rules.
  ["search <-> supply", "issue #14: the outbox writer moves out of search"],
]);

async function graph() {
  const result = await cruise(
    ["app"],
    {
      exclude: { path: "(\\.test\\.tsx?$|^app/db/generated/)" },
      doNotFollow: { path: "node_modules" },
      tsPreCompilationDeps: true,
      tsConfig: { fileName: "tsconfig.json" },
    },
    undefined,
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
  if (typeof result.output === "string") throw new Error("unexpected cruise output");
  return result.output.modules.filter((m) => m.source.startsWith("app/"));
}

const folderOf = (file: string) => /^app\/([^/]+)\//.exec(file)?.[1];

test(
  "no import cycle between files, and no new two-way folder dependency",
  { timeout: 120_000 },
  async () => {
    const modules = await graph();
    expect(modules.length).toBeGreaterThan(100);

    const circular = modules.flatMap((m) =>
      m.dependencies.filter((d) => d.circular).map((d) => `${m.source} -> ${d.resolved}`),
    );
    expect(circular).toEqual([]);

    const edges = new Set<string>();
    for (const m of modules)
      for (const d of m.dependencies) {
        const from = folderOf(m.source);
        const to = folderOf(d.resolved);
        if (from && to && from !== to) edges.add(`${from}>${to}`);
      }
    const twoWay = [...edges]
      .map((e) => e.split(">") as [string, string])
      .filter(([a, b]) => a < b && edges.has(`${b}>${a}`))
      .map(([a, b]) => `${a} <-> ${b}`);
    expect(twoWay.filter((pair) => !KNOWN_FOLDER_CYCLES.has(pair))).toEqual([]);
    // An exception that is gone must leave the list, so the list cannot hide a new one.
    expect([...KNOWN_FOLDER_CYCLES.keys()].filter((pair) => !twoWay.includes(pair))).toEqual([]);
  },
);

test(
  "orders never reach payments or checkout; payments never reach checkout",
  { timeout: 120_000 },
  async () => {
    const modules = await graph();
    const forbidden: [string, string][] = [
      ["orders", "payments"],
      ["orders", "checkout"],
      ["payments", "checkout"],
    ];
    const found = modules.flatMap((m) =>
      m.dependencies
        .filter((d) =>
          forbidden.some(
            ([from, to]) => folderOf(m.source) === from && folderOf(d.resolved) === to,
          ),
        )
        .map((d) => `${m.source} -> ${d.resolved}`),
    );
    expect(found).toEqual([]);
  },
);
