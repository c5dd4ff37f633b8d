// The monitoring tables as the CSV exports and /api/v1/stats/<table> serve them: one definition per
// table, so the spreadsheet, the API and the dashboard read the same figures.
import { type CsvValue, toCsv } from "./csv";
import { type MonitoringFilters } from "./filters";
import {
  inclusionRows,
  marketComparisonRows,
  performanceRows,
  priceRows,
  volumeRows,
  weightedPriceRows,
} from "./stats.server";

export const STAT_TABLES = [
  "volumes",
  "prices",
  "weighted-prices",
  "performance",
  "inclusion",
  "market",
  "alerts",
] as const;
export type StatTable = (typeof STAT_TABLES)[number];

export function isStatTable(name: string): name is StatTable {
  return (STAT_TABLES as readonly string[]).includes(name);
}

const round = (value: number | null, digits = 4) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** The table's rows as JSON objects (numbers, ISO dates, both languages' names). */
export async function statRows(table: StatTable, f: MonitoringFilters): Promise<object[]> {
  switch (table) {
    case "volumes":
      return volumeRows(f);
    case "prices":
      return priceRows(f);
    case "weighted-prices":
      return weightedPriceRows(f);
    case "performance":
      return performanceRows(f);
    case "inclusion":
      return inclusionRows(f);
    case "market":
      return marketComparisonRows(f);
    case "alerts":
      return (await weightedPriceRows(f)).filter((r) => r.alert);
  }
}

/** The table as CSV (UTF-8 with BOM). Column names are stable English identifiers. */
export async function statCsv(table: StatTable, f: MonitoringFilters): Promise<string> {
  const [header, rows] = await csvTable(table, f);
  return toCsv(header, rows);
}

/** The table's CSV header and rows, for exports written in parts (exports.server.ts). */
export async function csvTable(
  table: StatTable,
  f: MonitoringFilters,
): Promise<[string[], CsvValue[][]]> {
  switch (table) {
    case "volumes":
      return [
        [
          "week",
          "unit",
          "product_id",
          "product_km",
          "product_en",
          "cooperative_id",
          "cooperative_km",
          "cooperative_en",
          "province_code",
          "province_km",
          "province_en",
          "ordered",
          "delivered",
        ],
        (await volumeRows(f)).map((r) => [
          r.week,
          r.unit,
          r.productId,
          r.productKm,
          r.productEn,
          r.cooperativeId,
          r.cooperativeKm,
          r.cooperativeEn,
          r.provinceCode,
          r.provinceKm,
          r.provinceEn,
          r.ordered,
          r.delivered,
        ]),
      ];
    case "prices":
      return [
        [
          "week",
          "product_id",
          "product_km",
          "product_en",
          "unit",
          "lines",
          "min_khr",
          "median_khr",
          "max_khr",
          "posted_khr",
          "market_khr",
          "reference_khr",
        ],
        (await priceRows(f)).map((r) => [
          r.week,
          r.productId,
          r.productKm,
          r.productEn,
          r.unit,
          r.lines,
          round(r.min, 2),
          round(r.median, 2),
          round(r.max, 2),
          round(r.posted, 2),
          round(r.market, 2),
          r.referencePriceKhr,
        ]),
      ];
    case "weighted-prices":
    case "alerts": {
      const all = await weightedPriceRows(f);
      const rows = table === "alerts" ? all.filter((r) => r.alert) : all;
      return [
        [
          "week",
          "product_id",
          "product_km",
          "product_en",
          "unit",
          "grade",
          "certification",
          "sales",
          "cooperatives",
          "quantity",
          "q1_khr",
          "median_khr",
          "q3_khr",
          "iqr_khr",
          "market_khr",
          "percent_below",
          "below_market",
          "enough_sample",
          "alert",
        ],
        rows.map((r) => [
          r.week,
          r.productId,
          r.productKm,
          r.productEn,
          r.unit,
          r.grade,
          r.certification,
          r.sales,
          r.cooperatives,
          round(r.quantity, 3),
          round(r.q1, 2),
          round(r.median, 2),
          round(r.q3, 2),
          round(r.iqr, 2),
          round(r.market, 2),
          round(r.percentBelow, 2),
          r.belowMarket ? "yes" : "no",
          r.enoughSample ? "yes" : "no",
          r.alert ? "yes" : "no",
        ]),
      ];
    }
    case "performance":
      return [
        [
          "cooperative_id",
          "cooperative_km",
          "cooperative_en",
          "province_code",
          "sub_orders",
          "decided",
          "accepted",
          "acceptance_rate",
          "finished_lines",
          "fill_rate",
          "delivered",
          "on_time",
          "on_time_rate",
        ],
        (await performanceRows(f)).map((r) => [
          r.cooperativeId,
          r.cooperativeKm,
          r.cooperativeEn,
          r.provinceCode,
          r.subOrders,
          r.decided,
          r.accepted,
          round(r.acceptanceRate),
          r.finishedLines,
          round(r.fillRate),
          r.delivered,
          r.onTime,
          round(r.onTimeRate),
        ]),
      ];
    case "inclusion":
      return [
        [
          "month",
          "cooperative_id",
          "cooperative_km",
          "cooperative_en",
          "province_code",
          "province_km",
          "province_en",
          "allocated_khr",
          "women_khr",
          "young_khr",
          "women_share",
          "young_share",
        ],
        (await inclusionRows(f)).map((r) => [
          r.month,
          r.cooperativeId,
          r.cooperativeKm,
          r.cooperativeEn,
          r.provinceCode,
          r.provinceKm,
          r.provinceEn,
          round(r.allocated, 2),
          round(r.women, 2),
          round(r.young, 2),
          round(r.women / r.allocated),
          round(r.young / r.allocated),
        ]),
      ];
    case "market": {
      const rows = await marketComparisonRows(f);
      return [
        [
          "week",
          "cooperative_id",
          "cooperative_km",
          "cooperative_en",
          "product_id",
          "product_km",
          "product_en",
          "unit",
          "lines",
          "median_khr",
          "market_khr",
          "percent_below",
          "below_market",
        ],
        rows.map((r) => [
          r.week,
          r.cooperativeId,
          r.cooperativeKm,
          r.cooperativeEn,
          r.productId,
          r.productKm,
          r.productEn,
          r.unit,
          r.lines,
          round(r.median, 2),
          round(r.market, 2),
          round(r.percentBelow, 2),
          r.belowMarket ? "yes" : "no",
        ]),
      ];
    }
  }
}
