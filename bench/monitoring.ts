// `npm run bench:monitoring`: latency of the union dashboard's queries with 1M order lines.
// Starts its own embedded PostgreSQL in a temporary folder, seeds the demo data, generates
// BENCH_LINES order lines (4 per sub-order, two years of delivery dates) with generate_series, and
// measures p50/p95 of each query and of the whole dashboard over BENCH_RUNS runs, for the default
// view (12 weeks) and a one-year view. Not a test: figures depend on the machine; quote ratios.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type PrismaClient } from "~/db/generated/client";

export type MonitoringFigure = { view: string; query: string; p50: number; p95: number };

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
const LINES_PER_SUB_ORDER = 4;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-bench-monitoring-"));
fs.chmodSync(dir, 0o755);

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
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
    const { prisma } = await import("~/db/db.server");
    const stats = await import("~/monitoring/stats.server");
    const { loadDashboard } = await import("~/monitoring/dashboard.server");
    const { parseMonitoringParams } = await import("~/monitoring/filters");

    const started = performance.now();
    await generateHistory(prisma, LINES);
    const counts = await prisma.$queryRaw<{ lines: bigint; subs: bigint }[]>`
      SELECT (SELECT COUNT(*) FROM "OrderLine") AS lines, (SELECT COUNT(*) FROM "SubOrder") AS subs`;
    console.log(
      `Generated in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${Number(counts[0]!.lines).toLocaleString("en")} order lines, ` +
        `${Number(counts[0]!.subs).toLocaleString("en")} sub-orders.`,
    );

    const { provinceCode } = await prisma.organization.findFirstOrThrow({
      where: { kind: "COOPERATIVE" },
      orderBy: { id: "asc" },
      select: { provinceCode: true },
    });
    const views = {
      "12 weeks": new URLSearchParams(),
      "1 year": new URLSearchParams({ from: addYears(-1), to: addYears(0) }),
      "1 year, one province": new URLSearchParams({
        from: addYears(-1),
        to: addYears(0),
        province: provinceCode,
      }),
    };
    const refreshStarted = performance.now();
    const { refreshMonitoringRollup } = await import("~/monitoring/rollup.server");
    await refreshMonitoringRollup();
    console.log(
      `Roll-up refresh (CONCURRENTLY): ${((performance.now() - refreshStarted) / 1000).toFixed(1)} s.`,
    );
    type F = Parameters<typeof stats.volumeRows>[0];
    const queries: Record<string, (f: F) => Promise<unknown>> = {
      "volumes (roll-up)": (f) => stats.volumeRows(f),
      "volumes (live)": (f) => stats.volumeRows(f, { source: "live" }),
      "prices (roll-up)": (f) => stats.priceRows(f),
      "prices (live)": (f) => stats.priceRows(f, { source: "live" }),
      "market (roll-up)": (f) => stats.marketComparisonRows(f),
      "market (live)": (f) => stats.marketComparisonRows(f, { source: "live" }),
      "performance (roll-up fills)": (f) => stats.performanceRows(f),
      "performance (live)": (f) => stats.performanceRows(f, { source: "live" }),
      "inclusion (live)": (f) => stats.inclusionRows(f),
      "whole dashboard": loadDashboard,
    };
    const rows: string[] = [];
    const measured: MonitoringFigure[] = [];
    for (const [view, params] of Object.entries(views)) {
      const parsed = parseMonitoringParams(params);
      if (!parsed.ok) throw new Error(`bad view ${view}`);
      for (const [name, run] of Object.entries(queries)) {
        const times: number[] = [];
        for (let i = 0; i < WARMUP + RUNS; i++) {
          const t0 = performance.now();
          await run(parsed.value);
          if (i >= WARMUP) times.push(performance.now() - t0);
        }
        const line = `| ${view} | ${name} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 95).toFixed(0)} |`;
        rows.push(line);
        measured.push({
          view,
          query: name,
          p50: percentile(times, 50),
          p95: percentile(times, 95),
        });
        console.log(line);
      }
    }
    console.log(
      `\n${RUNS} runs each after ${WARMUP} warm-up runs; times in ms.\n\n` +
        "| View | Query | p50 | p95 |\n|---|---|---:|---:|\n" +
        rows.join("\n"),
    );
    // For `npm run bench`, which runs this file as a child process and adds these to its table.
    if (process.env.BENCH_JSON)
      fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ lines: LINES, measured }));
    await prisma.$disconnect();
  } finally {
    await pgServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function addYears(years: number) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

/**
 * Sub-orders spread over the last two years across every cooperative, each with four lines of its
 * own listings; statuses like a real market (most settled, some rejected or cancelled), transitions
 * for the performance figures and three member allocations per settled sub-order.
 */
async function generateHistory(prisma: PrismaClient, lines: number) {
  const subOrders = Math.ceil(lines / LINES_PER_SUB_ORDER);
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT setseed(0.42)`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE bench_listing ON COMMIT DROP AS
        SELECT l."cooperativeId" AS coop, l."id" AS listing,
               (SELECT w."id" FROM "DeliveryWindow" w WHERE w."listingId" = l."id" ORDER BY w."id" LIMIT 1) AS window,
               l."priceMinor" AS price,
               row_number() OVER (PARTITION BY l."cooperativeId" ORDER BY l."id") - 1 AS idx,
               COUNT(*) OVER (PARTITION BY l."cooperativeId") AS n
          FROM "Listing" l`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE bench_coop ON COMMIT DROP AS
        SELECT coop, row_number() OVER (ORDER BY coop) - 1 AS idx FROM (SELECT DISTINCT coop FROM bench_listing) c`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE bench_farmers ON COMMIT DROP AS
        SELECT "cooperativeId" AS coop, array_agg("id" ORDER BY "id") AS ids FROM "Farmer" GROUP BY 1`);
      const buyer = await tx.organization.findFirstOrThrow({
        where: { kind: "BUYER" },
        select: { id: true },
      });
      const user = await tx.user.findFirstOrThrow({ select: { id: true } });
      await tx.$executeRawUnsafe(`
        INSERT INTO "Order" ("buyerId", "placedById", "currency", "totalMinor", "idempotencyKey", "createdAt")
        SELECT ${buyer.id}, ${user.id}, 'KHR', 1, 'bench-' || g, now() FROM generate_series(1, ${subOrders}) g`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "SubOrder" ("orderId", "cooperativeId", "deliveryDate", "status", "totalMinor", "createdAt", "updatedAt")
        SELECT o."id", c.coop, current_date - (o."id" * 7919 % 730),
               (CASE WHEN r < 0.05 THEN 'REJECTED' WHEN r < 0.1 THEN 'CANCELLED' WHEN r < 0.2 THEN 'DELIVERED' ELSE 'SETTLED' END)::"SubOrderStatus",
               0, now(), now()
          FROM (SELECT "id", random() AS r FROM "Order" WHERE "idempotencyKey" LIKE 'bench-%') o
          JOIN bench_coop c ON c.idx = o."id" % (SELECT COUNT(*) FROM bench_coop)`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE bench_sub ON COMMIT DROP AS
        SELECT s."id", s."cooperativeId" AS coop, s."status", s."deliveryDate"
          FROM "SubOrder" s JOIN "Order" o ON o."id" = s."orderId" WHERE o."idempotencyKey" LIKE 'bench-%'`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "OrderLine" ("subOrderId", "windowId", "listingId", "quantity", "unitPriceMinor", "amountMinor",
                                 "packedQuantityMilli", "deliveredQuantityMilli", "finalAmountMinor")
        SELECT s."id", l.window, l.listing, q.quantity, p.price, q.quantity * p.price, d.milli, d.milli, d.milli * p.price / 1000
          FROM bench_sub s
          CROSS JOIN generate_series(1, ${LINES_PER_SUB_ORDER}) k
          JOIN bench_listing l ON l.coop = s.coop AND l.idx = (s."id" + k) % l.n
          CROSS JOIN LATERAL (SELECT 5 + (s."id" * k * 31 % 60) AS quantity) q
          CROSS JOIN LATERAL (SELECT (l.price * (0.8 + random() * 0.35))::int AS price) p
          CROSS JOIN LATERAL (SELECT CASE WHEN s."status" IN ('DELIVERED', 'SETTLED')
                                          THEN (q.quantity * 1000 * (0.9 + random() * 0.12))::int END AS milli) d`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "SubOrderTransition" ("subOrderId", "from", "to", "at")
        SELECT s."id", 'CONFIRMED'::"SubOrderStatus", (CASE WHEN s."status" = 'REJECTED' THEN 'REJECTED' ELSE 'ACCEPTED' END)::"SubOrderStatus",
               s."deliveryDate" - 2
          FROM bench_sub s
        UNION ALL
        SELECT s."id", 'PACKED'::"SubOrderStatus", 'DELIVERED'::"SubOrderStatus", s."deliveryDate" + make_interval(hours => (s."id" * 13 % 30))
          FROM bench_sub s WHERE s."status" IN ('DELIVERED', 'SETTLED')`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "MemberAllocation" ("subOrderId", "farmerId", "currency", "shareMinor", "repaymentMinor", "payableMinor")
        SELECT s."id", f.ids[1 + (s."id" * k) % cardinality(f.ids)], 'KHR'::"Currency", 1000 * k + s."id" % 5000, 0, 1000 * k + s."id" % 5000
          FROM bench_sub s
          JOIN bench_farmers f ON f.coop = s.coop
          CROSS JOIN generate_series(1, 3) k
         WHERE s."status" = 'SETTLED'
        ON CONFLICT DO NOTHING`);
    },
    { timeout: 3_600_000, maxWait: 60_000 },
  );
  await prisma.$executeRawUnsafe(`ANALYZE`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
