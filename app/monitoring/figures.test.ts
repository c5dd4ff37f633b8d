import { describe, expect, test } from "vitest";
import { type IsoDate } from "~/calendar/dates";
import { toCsv } from "./csv";
import {
  alertPercent,
  fillWeeks,
  isBelowMarket,
  isoWeek,
  median,
  newestRows,
  percentBelow,
  rate,
  rollUp,
  weeksBetween,
  weightedQuartiles,
  weekStart,
} from "./figures";
import { parseMonitoringParams, toMonitoringSearch } from "./filters";

describe("median", () => {
  test("odd, even and empty counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4000, 1000, 3000, 2000])).toBe(2500);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNull();
  });
});

describe("weeks", () => {
  test("ISO weeks start on Monday; the Thursday decides the year", () => {
    expect(weekStart("2026-11-24")).toBe("2026-11-23"); // a Tuesday
    expect(weekStart("2026-11-22")).toBe("2026-11-16"); // a Sunday belongs to the week before
    expect(isoWeek("2026-01-01")).toBe("2026-W01");
    expect(isoWeek("2027-01-01")).toBe("2026-W53"); // a Friday: its Thursday is in 2026
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
  });

  test("empty weeks are filled with zero", () => {
    expect(weeksBetween("2026-03-04", "2026-03-20")).toEqual([
      "2026-03-02",
      "2026-03-09",
      "2026-03-16",
    ]);
    const rows = [
      { week: "2026-03-02" as const, kg: 10 },
      { week: "2026-03-16" as const, kg: 5 },
      { week: "2026-03-02" as const, kg: 2.5 },
    ];
    expect(fillWeeks("2026-03-02", "2026-03-22", rows, (r) => r.kg)).toEqual([
      { week: "2026-03-02", value: 12.5 },
      { week: "2026-03-09", value: 0 },
      { week: "2026-03-16", value: 5 },
    ]);
  });
});

describe("rates and the below-market rule", () => {
  test("a rate of nothing is no rate", () => {
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBeNull();
  });

  test("strictly more than the threshold below the market", () => {
    expect(percentBelow(1800, 2000)).toBe(10);
    expect(isBelowMarket(1800, 2000, 10)).toBe(false);
    expect(isBelowMarket(1799, 2000, 10)).toBe(true);
    expect(isBelowMarket(2500, 2000, 0)).toBe(false);
    expect(isBelowMarket(100, 0, 10)).toBe(false);
  });

  test("a price exactly at the threshold is not flagged (exact comparison, #24)", () => {
    // The division gives 7.000000000000001 here; the old rule flagged it as "more than 7 %".
    expect(percentBelow(930, 1000)).toBeGreaterThan(7);
    expect(isBelowMarket(930, 1000, 7)).toBe(false);
    expect(isBelowMarket(929.5, 1000, 7)).toBe(true);
    expect(isBelowMarket(14250.5, 15322.04, 7)).toBe(false); // 6.9934… %
    expect(isBelowMarket(1850, 2000, 7.5)).toBe(false); // exactly 7.5 %
    expect(isBelowMarket(1849.9, 2000, 7.5)).toBe(true);
  });

  test("alert percentages to one decimal", () => {
    expect(alertPercent(930, 1000)).toBe(7);
    expect(alertPercent(1852, 2000)).toBe(7.4);
    expect(alertPercent(1868, 2000)).toBe(6.6);
  });

  test("roll-ups sum the named fields by key", () => {
    const rows = [
      { unit: "KG", product: 1, ordered: 10, delivered: 8 },
      { unit: "KG", product: 2, ordered: 5, delivered: 5 },
      { unit: "HEAD", product: 3, ordered: 7, delivered: 0 },
    ];
    expect(rollUp(rows, (r) => r.unit, ["ordered", "delivered"])).toEqual([
      { unit: "KG", product: 1, ordered: 15, delivered: 13 },
      { unit: "HEAD", product: 3, ordered: 7, delivered: 0 },
    ]);
  });
});

describe("CSV", () => {
  test("starts with a BOM, quotes what needs it, defuses formulas", () => {
    const csv = toCsv(
      ["name", "kg"],
      [
        ["ត្រកួន, ស្រស់", 12.5],
        ['say "hi"', null],
        ["=1+1", -3],
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('name,kg\r\n"ត្រកួន, ស្រស់",12.5\r\n"say ""hi""",\r\n\'=1+1,-3\r\n');
  });
});

describe("filters from the URL", () => {
  const now = new Date("2026-11-24T20:00:00Z"); // already 25 November in Phnom Penh

  test("defaults: the last 12 weeks up to today in Phnom Penh", () => {
    const parsed = parseMonitoringParams(new URLSearchParams(), now);
    expect(parsed).toEqual({
      ok: true,
      value: { from: "2026-09-07", to: "2026-11-25", below: 10 },
    });
  });

  test("empty form fields are absent; values are coerced", () => {
    const parsed = parseMonitoringParams(
      new URLSearchParams(
        "from=2026-01-01&to=2026-02-01&product=3&province=12&cooperative=&below=15",
      ),
      now,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { from: "2026-01-01", to: "2026-02-01", product: 3, province: "12", below: 15 },
    });
    if (parsed.ok)
      expect(toMonitoringSearch(parsed.value)).toBe(
        "from=2026-01-01&to=2026-02-01&product=3&province=12&below=15",
      );
  });

  test.each([
    ["from=2026-02-30", "from", "must be a date YYYY-MM-DD from 2000-01-01 to 2100-12-31"],
    ["from=0000-01-01", "from", "must be a date YYYY-MM-DD from 2000-01-01 to 2100-12-31"],
    ["province=Kandal", "province", "must be a 2-digit province code"],
    ["from=2026-03-01&to=2026-02-01", "to", "must not be before from"],
    ["from=2020-01-01&to=2026-01-01", "to", "must be at most 731 days after from"],
    ["product=1&product=2", "product", "must be given once"],
    ["colour=red", "colour", undefined],
    ["below=150", "below", undefined],
  ])("%s is refused, naming %s", (query, parameter, message) => {
    const parsed = parseMonitoringParams(new URLSearchParams(query), now);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.parameter).toBe(parameter);
      if (message) expect(parsed.problem.message).toBe(message);
    }
  });
});

describe("weightedQuartiles", () => {
  const kg = (price: number, kilograms: number) => ({ price, quantityMilli: kilograms * 1000 });

  test("the smallest price at which the cumulative quantity reaches a half (#24's chicken meat)", () => {
    expect(weightedQuartiles([kg(14_250, 20), kg(12_600, 65), kg(15_900, 15)])).toEqual({
      q1: 12_600,
      median: 12_600,
      q3: 14_250,
    });
    expect(median([14_250, 12_600, 15_900])).toBe(14_250);
  });

  test("exactly half at a price: that price, not the mean with the next one", () => {
    expect(weightedQuartiles([kg(1_000, 50), kg(2_000, 50)])).toEqual({
      q1: 1_000,
      median: 1_000,
      q3: 2_000,
    });
  });

  test("lines at the same price pool their quantity; unweighed lines carry no weight", () => {
    expect(
      weightedQuartiles([
        kg(3_000, 10),
        kg(2_000, 20),
        kg(3_000, 30),
        { price: 1, quantityMilli: 0 },
      ]),
    ).toEqual({ q1: 2_000, median: 3_000, q3: 3_000 });
    expect(weightedQuartiles([{ price: 1_000, quantityMilli: 0 }])).toBeNull();
    expect(weightedQuartiles([])).toBeNull();
  });
});

test("newestRows keeps the newest weeks, in their order within a week, and counts them all", () => {
  const rows = [
    { week: "2026-01-05" as IsoDate, product: "a" },
    { week: "2026-01-12" as IsoDate, product: "a" },
    { week: "2026-01-12" as IsoDate, product: "b" },
    { week: "2025-12-29" as IsoDate, product: "a" },
  ];
  expect(newestRows(rows, 3)).toEqual({
    rows: [rows[1], rows[2], rows[0]],
    total: 4,
  });
  expect(newestRows(rows, 10).rows).toHaveLength(4);
  expect(newestRows([], 3)).toEqual({ rows: [], total: 0 });
});
