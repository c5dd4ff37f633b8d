// `npm run bench:search`: search latency at 10k and 100k listings, for both drivers, in one run.
// Starts its own embedded PostgreSQL and Meilisearch in a temporary folder, generates listings, and
// measures p50/p95 of (a) the JSON API over HTTP (the route's code: parse, search, read hits from
// PostgreSQL, JSON) and (b) the raw query: the PostgreSQL driver's SQL statement, or Meilisearch's
// own processingTimeMs. Not a test: figures depend on the machine; quote ratios from one run.
// `npm run bench` calls runSearchBench on its own database, at 10k listings by default.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { type PrismaClient } from "~/db/generated/client";
import { percentile, row, type BenchRow } from "./table";

const WARMUP = 20;

const QUERIES = [
  "q=ត្រកួន",
  "q=morning+glory",
  "q=cucumbar",
  "q=ស្ពៃ&sort=price_asc",
  "category=VEGETABLE&grade=A&sort=soonest",
  "q=organic&priceMax=4000&sort=remaining",
  "province=12&certification=GAP",
  "",
];

/**
 * Measures both search drivers at each size on the database of process.env.DATABASE_URL (migrated,
 * demo data in it; listings are added), with its own Meilisearch in `dir`. Returns the figures.
 */
export async function runSearchBench({
  sizes,
  requests,
  dir,
}: {
  sizes: number[];
  requests: number;
  dir: string;
}): Promise<{ rows: BenchRow[]; markdown: string }> {
  const { findFreePort } = await import("../tests/ports");
  const { startLocalMeilisearch } = await import("../server/meilisearch-server");
  const meiliServer = await startLocalMeilisearch({
    port: await findFreePort(),
    dataDir: path.join(dir, "meilisearch"),
    masterKey: "bench-master-key-0123456789abcdef",
  });
  const rows: string[] = [];
  const figures: BenchRow[] = [];
  try {
    const { prisma } = await import("~/db/db.server");
    const { postgresEngine, rebuildPostgresIndex } = await import("~/search/postgres.server");
    const { meilisearchEngine } = await import("~/search/meilisearch.server");
    const { parseSearchParams } = await import("~/search/query");
    const { searchListings } = await import("~/search/search.server");
    const engines = {
      postgres: postgresEngine(prisma),
      meilisearch: meilisearchEngine(prisma, {
        host: meiliServer.url,
        apiKey: meiliServer.masterKey,
        index: "bench",
      }),
    };

    for (const size of sizes) {
      const started = performance.now();
      await generateListings(prisma, size);
      await prisma.$transaction((tx) => rebuildPostgresIndex(tx), { timeout: 3_600_000 });
      const pgIndexed = performance.now();
      await engines.meilisearch.reindex();
      const msIndexed = performance.now();
      console.log(
        `${size} listings: generated + PostgreSQL index ${((pgIndexed - started) / 1000).toFixed(1)} s, ` +
          `Meilisearch index ${((msIndexed - pgIndexed) / 1000).toFixed(1)} s`,
      );

      for (const [name, engine] of Object.entries(engines)) {
        // The API: the same steps as app/routes/api.v1.listings.ts, over real HTTP.
        const server = http.createServer(async (req, res) => {
          const parsed = parseSearchParams(new URL(req.url!, "http://x").searchParams);
          if (!parsed.ok) return void res.writeHead(400).end();
          const body = JSON.stringify(await searchListings(parsed.value, { engine }));
          res.writeHead(200, { "Content-Type": "application/json" }).end(body);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as { port: number };
        const api: number[] = [];
        const raw: number[] = [];
        for (let i = 0; i < WARMUP + requests; i++) {
          const query = QUERIES[i % QUERIES.length]!;
          const t0 = performance.now();
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/listings?${query}`);
          await response.text();
          const t1 = performance.now();
          const params = parseSearchParams(new URLSearchParams(query));
          if (!params.ok) throw new Error(`bad bench query ${query}`);
          const t2 = performance.now();
          const result = await engine.search(params.value);
          const t3 = performance.now();
          if (i < WARMUP) continue;
          api.push(t1 - t0);
          raw.push(result.processingTimeMs ?? t3 - t2);
        }
        server.close();
        const measured = {
          size,
          name,
          apiP50: percentile(api, 50),
          apiP95: percentile(api, 95),
          rawP50: percentile(raw, 50),
          rawP95: percentile(raw, 95),
        };
        const line =
          `| ${size.toLocaleString("en")} | ${name} | ${measured.apiP50.toFixed(1)} | ${measured.apiP95.toFixed(1)} | ` +
          `${measured.rawP50.toFixed(1)} | ${measured.rawP95.toFixed(1)} | ${(measured.apiP50 / Math.max(measured.rawP50, 0.1)).toFixed(1)}× |`;
        rows.push(line);
        console.log(line);
        const label = `search ${name} ${size / 1000}k: API vs raw`;
        figures.push(
          row(`${label}, p50`, measured.apiP50, "ms", measured.rawP50),
          row(`${label}, p95`, measured.apiP95, "ms", measured.rawP95),
        );
      }
    }
    const markdown =
      `\n${requests} requests per driver and size (${QUERIES.length} queries in turn); times in ms.\n` +
      `Raw: PostgreSQL = the driver's SQL round trip; Meilisearch = its processingTimeMs.\n\n` +
      "| Listings | Driver | API p50 | API p95 | Raw p50 | Raw p95 | API/raw (p50) |\n" +
      "|---:|---|---:|---:|---:|---:|---:|\n" +
      rows.join("\n");
    return { rows: figures, markdown };
  } finally {
    await meiliServer.stop();
  }
}

/** `npm run bench:search`: its own embedded PostgreSQL, 10k and 100k listings unless BENCH_SIZES. */
async function main() {
  const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
  const requests = Number(process.env.BENCH_REQUESTS ?? 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-bench-"));
  fs.chmodSync(dir, 0o755);
  const { findFreePort } = await import("../tests/ports");
  const { startEmbeddedPostgres } = await import("../server/embedded-postgres");
  const { migrateDeploy } = await import("../server/database");
  const pgServer = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: await findFreePort(),
    database: "phsar_bench",
  });
  process.env.DATABASE_URL = pgServer.url;
  try {
    await migrateDeploy(pgServer.url);
    const { seedDatabase } = await import("../prisma/seed");
    await seedDatabase(pgServer.url);
    const { markdown } = await runSearchBench({ sizes, requests, dir });
    console.log(markdown);
    const { prisma } = await import("~/db/db.server");
    await prisma.$disconnect();
  } finally {
    await pgServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds published listings (each with two open delivery windows) until there are `size`. */
async function generateListings(prisma: PrismaClient, size: number) {
  const existing = await prisma.listing.count();
  const missing = size - existing;
  if (missing <= 0) return;
  await prisma.$executeRaw`
    WITH products AS (SELECT array_agg("id" ORDER BY "id") AS ids FROM "Product"),
         coops AS (SELECT array_agg("id" ORDER BY "id") AS ids FROM "Organization" WHERE "kind" = 'COOPERATIVE'),
         texts AS (SELECT ARRAY['ប្រមូលផលពីកសិករសមាជិក ហើយវេចខ្ចប់នៅសហគមន៍។', 'ដាំដោយគ្មានថ្នាំគីមី នៅភូមិតាកែវ',
                               'ស្រស់ៗ រៀងរាល់ព្រឹក', 'សរីរាង្គ ពីខេត្តកំពង់ស្ពឺ'] AS km,
                         ARRAY['Harvested by member farmers.', 'Organic, grown without chemicals.',
                               'Fresh every morning.', 'Hand-picked and washed.'] AS en),
         new AS (
           INSERT INTO "Listing" ("cooperativeId", "productId", "grade", "certification", "priceMinor",
                                  "currency", "minOrderQuantity", "descriptionKm", "descriptionEn", "status", "updatedAt")
           SELECT coops.ids[1 + (g * 7) % cardinality(coops.ids)],
                  products.ids[1 + (g * 13) % cardinality(products.ids)],
                  (ARRAY['A','B','C'])[1 + g % 3]::"Grade",
                  (ARRAY['NONE','ORGANIC','GAP'])[1 + (g / 3) % 3]::"Certification",
                  1000 + (g * 37) % 9000, 'KHR', 1,
                  texts.km[1 + g % 4], texts.en[1 + (g / 4) % 4],
                  CASE WHEN g % 10 = 0 THEN 'PAUSED' ELSE 'PUBLISHED' END::"ListingStatus", now()
             FROM generate_series(1, ${missing}::int) AS g, products, coops, texts
           RETURNING "id")
    INSERT INTO "DeliveryWindow" ("listingId", "deliveryDate", "cutoffAt", "capacity", "reserved")
    SELECT new."id", current_date + d + (new."id" % 7), now() + make_interval(days => d + (new."id" % 7)),
           50 + (new."id" * 11) % 500, (new."id" * 3) % 40
      FROM new, (VALUES (2), (9)) AS days(d)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
