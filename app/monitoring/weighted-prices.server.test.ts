// The quantity-weighted price figures against hand-computed fixtures (docs/decisions/033-weighted-price-figures.md).
import { beforeAll, describe, expect, test } from "vitest";
import { buildCooperative, buildProduct, buildSales } from "../../tests/price-sample-fixtures";
import { prisma } from "~/db/db.server";
import { dateColumn } from "~/calendar/dates";
import { type MonitoringFilters } from "./filters";
import { priceRows, weightedPriceRows } from "./stats.server";
import { csvTable, statRows } from "./tables.server";

let meat: number;
let coopA: number;
let coopB: number;
// The ISO week of Monday 19 October 2026 (the week #24 quotes).
const week = (extra: Partial<MonitoringFilters> = {}): MonitoringFilters => ({
  from: "2026-10-19",
  to: "2026-10-25",
  below: 10,
  product: meat,
  ...extra,
});

beforeAll(async () => {
  meat = await buildProduct("Chicken meat");
  coopA = await buildCooperative("Coop A");
  coopB = await buildCooperative("Coop B");
  await buildSales([
    // Grade A, not certified: 100 kg over three lines.
    { cooperativeId: coopA, productId: meat, date: "2026-10-20", price: 12_600, quantity: 65 },
    { cooperativeId: coopB, productId: meat, date: "2026-10-21", price: 14_250, quantity: 20 },
    // Ordered 16 kg, weighed 15 kg at delivery: the weight is what was delivered.
    {
      cooperativeId: coopA,
      productId: meat,
      date: "2026-10-22",
      price: 15_900,
      quantity: 16,
      deliveredMilli: 15_000,
    },
    // Grade B and organic grade A are figures of their own.
    {
      cooperativeId: coopB,
      productId: meat,
      date: "2026-10-22",
      price: 10_000,
      quantity: 30,
      grade: "B",
    },
    {
      cooperativeId: coopB,
      productId: meat,
      date: "2026-10-23",
      price: 18_000,
      quantity: 5,
      certification: "ORGANIC",
    },
    // Accepted, not delivered: no price yet.
    {
      cooperativeId: coopA,
      productId: meat,
      date: "2026-10-23",
      price: 1_000,
      quantity: 500,
      status: "ACCEPTED",
    },
  ]);
  await prisma.marketPrice.create({
    data: { date: dateColumn("2026-10-20"), productId: meat, priceKhr: 14_000 },
  });
});

describe("weighted price figures", () => {
  test("the weighted median is the price most kilograms sold at, not the middle line", async () => {
    const rows = await weightedPriceRows(week());
    expect(
      rows.map((r) => [
        r.week,
        r.unit,
        r.grade,
        r.certification,
        r.sales,
        r.cooperatives,
        r.quantity,
        r.q1,
        r.median,
        r.q3,
        r.iqr,
        r.market,
      ]),
    ).toEqual([
      // 65 of 100 kg at 12,600: the quarter and the half are reached there; three quarters at 14,250 (85 kg).
      ["2026-10-19", "KG", "A", "NONE", 3, 2, 100, 12_600, 12_600, 14_250, 1_650, 14_000],
      ["2026-10-19", "KG", "A", "ORGANIC", 1, 1, 5, 18_000, 18_000, 18_000, 0, 14_000],
      ["2026-10-19", "KG", "B", "NONE", 1, 1, 30, 10_000, 10_000, 10_000, 0, 14_000],
    ]);
  });

  test("the per-line median differs: 14,250, a price 20 kg of 100 were sold at", async () => {
    // The per-line table pools grades: 10,000 12,600 14,250 15,900 18,000.
    const perLine = await priceRows(week(), { source: "live" });
    expect(perLine.map((r) => [r.lines, r.median])).toEqual([[5, 14_250]]);
  });

  test("filters apply: one cooperative's sales", async () => {
    const rows = await weightedPriceRows(week({ cooperative: coopA }));
    expect(rows.map((r) => [r.grade, r.sales, r.cooperatives, r.quantity, r.median])).toEqual([
      ["A", 2, 1, 80, 12_600], // 65 kg at 12,600 of 80
    ]);
    expect(await weightedPriceRows(week({ from: "2026-10-26", to: "2026-11-01" }))).toEqual([]);
  });

  test("the API and the CSV give the page's figures", async () => {
    const rows = await weightedPriceRows(week());
    expect(await statRows("weighted-prices", week())).toEqual(rows);
    const [header, csv] = await csvTable("weighted-prices", week());
    const at = (name: string) => header.indexOf(name);
    expect(
      csv.map((r) => [
        r[at("grade")],
        r[at("sales")],
        r[at("cooperatives")],
        r[at("median_khr")],
        r[at("iqr_khr")],
      ]),
    ).toEqual([
      ["A", 3, 2, 12_600, 1_650],
      ["A", 1, 1, 18_000, 0],
      ["B", 1, 1, 10_000, 0],
    ]);
  });
});

describe("alerts need enough sales and cooperatives", () => {
  const flags = (rows: Awaited<ReturnType<typeof weightedPriceRows>>) =>
    rows.map((r) => [r.grade, r.certification, r.belowMarket, r.enoughSample, r.alert]);

  test("defaults: 3 sales from 2 cooperatives is exactly enough; one sale is not", async () => {
    // Grade A: 12,600 is 10 % below 14,000; grade B: 10,000 is 28.6 % below, on one sale.
    expect(flags(await weightedPriceRows(week({ below: 5 })))).toEqual([
      ["A", "NONE", true, true, true],
      ["A", "ORGANIC", false, false, false],
      ["B", "NONE", true, false, false],
    ]);
    expect(
      (await statRows("alerts", week({ below: 5 }))).map((r) => (r as { grade: string }).grade),
    ).toEqual(["A"]);
  });

  test("one sale or one cooperative short of the minimum: no alert", async () => {
    const rows = await weightedPriceRows(week({ below: 5 }), {
      sample: { minSales: 4, minCooperatives: 2 },
    });
    expect(rows.filter((r) => r.alert)).toEqual([]);
    const fewCoops = await weightedPriceRows(week({ below: 5 }), {
      sample: { minSales: 3, minCooperatives: 3 },
    });
    expect(fewCoops.filter((r) => r.alert)).toEqual([]);
    const anySale = await weightedPriceRows(week({ below: 5 }), {
      sample: { minSales: 1, minCooperatives: 1 },
    });
    expect(anySale.filter((r) => r.alert).map((r) => r.grade)).toEqual(["A", "B"]);
  });

  test("a weighted median exactly at the threshold is not below the market", async () => {
    const [gradeA] = await weightedPriceRows(week({ below: 10 }));
    expect([gradeA!.percentBelow, gradeA!.belowMarket, gradeA!.alert]).toEqual([10, false, false]);
  });

  test("the alerts CSV lists the same figures with their sample", async () => {
    const [header, csv] = await csvTable("alerts", week({ below: 5 }));
    const at = (name: string) => header.indexOf(name);
    expect(
      csv.map((r) => [r[at("grade")], r[at("sales")], r[at("cooperatives")], r[at("alert")]]),
    ).toEqual([["A", 3, 2, "yes"]]);
  });
});
