// Every figure below is worked out by hand from tests/monitoring-fixtures.ts.
import { beforeAll, describe, expect, test } from "vitest";
import { buildMonitoringHistory } from "../../tests/monitoring-fixtures";
import { prisma } from "~/db/db.server";
import { fillWeeks } from "./figures";
import { importMarketPrices } from "./market-prices.server";
import { refreshMonitoringRollup } from "./rollup.server";
import { type MonitoringFilters } from "./filters";
import {
  inclusionRows,
  marketComparisonRows,
  performanceRows,
  priceRows,
  volumeRows,
} from "./stats.server";

let ids: Awaited<ReturnType<typeof buildMonitoringHistory>>;
const march = (extra: Partial<MonitoringFilters> = {}): MonitoringFilters => ({
  from: "2026-03-02",
  to: "2026-03-22",
  below: 10,
  ...extra,
});

beforeAll(async () => {
  ids = await buildMonitoringHistory();
  await refreshMonitoringRollup();
});

describe("volumes", () => {
  test("ordered (not cancelled or rejected) and delivered, by week × product × cooperative", async () => {
    const rows = await volumeRows(march());
    expect(
      rows.map((r) => [
        r.week,
        r.productEn,
        r.cooperativeEn,
        r.provinceCode,
        r.unit,
        r.ordered,
        r.delivered,
      ]),
    ).toEqual([
      ["2026-03-02", "Chicken", "Coop A", "08", "HEAD", 5, 5],
      ["2026-03-02", "Kale", "Coop A", "08", "KG", 30, 29.5],
      ["2026-03-02", "Kale", "Coop B", "03", "KG", 20, 18],
      ["2026-03-16", "Chicken", "Coop A", "08", "HEAD", 0, 0], // cancelled after acceptance
      ["2026-03-16", "Kale", "Coop A", "08", "KG", 10, 10], // the rejected 15 kg do not count
      ["2026-03-16", "Kale", "Coop B", "03", "KG", 6, 0], // accepted, not yet delivered
    ]);
  });

  test("the weekly trend of kilograms has the empty week as zero", async () => {
    const kg = (await volumeRows(march())).filter((r) => r.unit === "KG");
    expect(fillWeeks("2026-03-02", "2026-03-22", kg, (r) => r.ordered)).toEqual([
      { week: "2026-03-02", value: 50 },
      { week: "2026-03-09", value: 0 },
      { week: "2026-03-16", value: 16 },
    ]);
    expect(
      fillWeeks("2026-03-02", "2026-03-22", kg, (r) => r.delivered).map((w) => w.value),
    ).toEqual([47.5, 0, 10]);
  });

  test("filters: product, province, cooperative, dates", async () => {
    expect((await volumeRows(march({ product: ids.chicken }))).map((r) => r.ordered)).toEqual([
      5, 0,
    ]);
    expect((await volumeRows(march({ province: "03" }))).map((r) => r.ordered)).toEqual([20, 6]);
    expect((await volumeRows(march({ cooperative: ids.coopB }))).map((r) => r.delivered)).toEqual([
      18, 0,
    ]);
    expect(await volumeRows(march({ from: "2026-03-09", to: "2026-03-15" }))).toEqual([]);
  });
});

describe("prices", () => {
  test("min, median (even count) and max of delivered lines, beside posted and market prices", async () => {
    const rows = await priceRows(march());
    expect(
      rows.map((r) => [r.productEn, r.week, r.lines, r.min, r.median, r.max, r.posted, r.market]),
    ).toEqual([
      ["Chicken", "2026-03-02", 1, 20000, 20000, 20000, 20000, null],
      // 1800, 2000, 2500, 3100: median (2000 + 2500) / 2. Posted: A 2000 (changed after the week), B 3000.
      ["Kale", "2026-03-02", 4, 1800, 2250, 3100, 2500, 3100],
      // 50 US cents at 4100 riel. Posted: A 2100, B 3000.
      ["Kale", "2026-03-16", 1, 2050, 2050, 2050, 2550, 2500],
    ]);
  });

  test("with a province: that province's market price, else the national one", async () => {
    const rows = await priceRows(march({ province: "08" }));
    expect(rows.map((r) => [r.productEn, r.week, r.median, r.posted, r.market])).toEqual([
      ["Chicken", "2026-03-02", 20000, 20000, null],
      ["Kale", "2026-03-02", 1900, 2000, 2600],
      ["Kale", "2026-03-16", 2050, 2100, 2500],
    ]);
  });
});

describe("cooperative performance", () => {
  test("acceptance, fill and on-time rates", async () => {
    const rows = await performanceRows(march());
    expect(rows.map((r) => ({ ...r, cooperativeId: undefined, cooperativeKm: undefined }))).toEqual(
      [
        {
          cooperativeId: undefined,
          cooperativeKm: undefined,
          cooperativeEn: "Coop A",
          provinceCode: "08",
          subOrders: 5,
          decided: 5,
          accepted: 4, // one rejected
          acceptanceRate: 0.8,
          // 0.95 + 1 (first order) + 1 + 0 (cancelled after acceptance) + 1 (USD order)
          finishedLines: 5,
          fillRate: expect.closeTo(0.79, 10),
          delivered: 3,
          onTime: 1, // 01:00 next day in Phnom Penh is late, as is the 21st for the 20th
          onTimeRate: 1 / 3,
        },
        {
          cooperativeId: undefined,
          cooperativeKm: undefined,
          cooperativeEn: "Coop B",
          provinceCode: "03",
          subOrders: 3,
          decided: 3,
          accepted: 3,
          acceptanceRate: 1,
          finishedLines: 2, // the open order is not finished
          fillRate: 0.9,
          delivered: 2,
          onTime: 2,
          onTimeRate: 1,
        },
      ],
    );
  });

  test("a product filter keeps the sub-orders and lines of that product", async () => {
    const [a] = await performanceRows(march({ product: ids.chicken }));
    expect(a).toMatchObject({
      subOrders: 2,
      decided: 2,
      accepted: 2,
      finishedLines: 2,
      fillRate: 0.5,
      delivered: 1,
      onTime: 1,
    });
  });
});

describe("inclusion", () => {
  test("shares of the value allocated to women and to farmers under 35", async () => {
    const rows = await inclusionRows(march());
    // KHR: 50000 + 30000 + 20000 + 10000 + 5000; USD: (300 + 200) cents × 41 riel.
    // Women: F1, F3, F5 = 50000 + 20000 + 5000 + 12300. Young: F1, F5 = 50000 + 5000 + 12300 (F4 is 35).
    expect(
      rows.map((r) => [r.month, r.cooperativeEn, r.provinceCode, r.allocated, r.women, r.young]),
    ).toEqual([["2026-03-01", "Coop A", "08", 135500, 87300, 67300]]);
  });

  test("months without settled sales have no row", async () => {
    expect(await inclusionRows(march({ cooperative: ids.coopB }))).toEqual([]);
  });
});

describe("market comparison", () => {
  test("each cooperative's median beside its province's market price (else national), flagged over the threshold", async () => {
    const rows = await marketComparisonRows(march());
    expect(
      rows.map((r) => [
        r.week,
        r.cooperativeEn,
        r.median,
        r.market,
        Math.round(r.percentBelow * 100) / 100,
        r.belowMarket,
      ]),
    ).toEqual([
      ["2026-03-02", "Coop A", 1900, 2600, 26.92, true], // Kandal's own price
      ["2026-03-02", "Coop B", 2800, 3100, 9.68, false], // national price; under 10 %
      ["2026-03-16", "Coop A", 2050, 2500, 18, true],
    ]);
    const stricter = await marketComparisonRows(march({ below: 5 }));
    expect(stricter.map((r) => r.belowMarket)).toEqual([true, true, true]);
  });
});

describe("importing market prices", () => {
  test("all rows or none; a re-import of the same date, province and product replaces it", async () => {
    const count = () => prisma.marketPrice.count({ where: { productId: ids.kale } });
    const before = await count();
    const bad =
      "date,province,commodity,price_khr\n2026-04-01,,m-kale,3000\n2026-04-02,,m-kale,abc\n";
    expect(await importMarketPrices(bad, null)).toMatchObject({
      imported: 0,
      errors: [{ line: 3 }],
    });
    expect(await count()).toBe(before);
    const good =
      "date,province,commodity,price_khr\n2026-04-01,,m-kale,3000\n2026-04-01,Kandal,Kale,2800\n";
    expect(await importMarketPrices(good, null)).toEqual({ imported: 2, errors: [] });
    expect(await importMarketPrices(good.replace("3000", "3100"), null)).toEqual({
      imported: 2,
      errors: [],
    });
    expect(await count()).toBe(before + 2);
    const national = await prisma.marketPrice.findFirstOrThrow({
      where: { productId: ids.kale, provinceCode: null, date: new Date("2026-04-01") },
      select: { priceKhr: true },
    });
    expect(national.priceKhr).toBe(3100);
  });
});

describe("the daily roll-up", () => {
  test("gives the same volumes, prices and fill rates as the order tables, for every filter", async () => {
    for (const extra of [
      {},
      { province: "08" },
      { product: ids.kale },
      { cooperative: ids.coopB },
    ]) {
      const f = march(extra);
      expect(await volumeRows(f)).toEqual(await volumeRows(f, { source: "live" }));
      expect(await priceRows(f)).toEqual(await priceRows(f, { source: "live" }));
      expect(await marketComparisonRows(f)).toEqual(
        await marketComparisonRows(f, { source: "live" }),
      );
      expect(await performanceRows(f)).toEqual(await performanceRows(f, { source: "live" }));
    }
  });

  test("is stale until refreshed, then includes a new delivery", async () => {
    const f = march({ cooperative: ids.coopB, from: "2026-03-16" });
    await prisma.subOrder.updateMany({
      where: { cooperativeId: ids.coopB, deliveryDate: new Date("2026-03-19") },
      data: { status: "CANCELLED" },
    });
    expect((await volumeRows(f)).map((r) => r.ordered)).toEqual([6]);
    await refreshMonitoringRollup();
    expect((await volumeRows(f)).map((r) => r.ordered)).toEqual([0]);
  });
});
