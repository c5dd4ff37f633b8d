import { describe, expect, test } from "vitest";
import { parseMarketPriceCsv } from "./market-prices";

const products = [
  { id: 1, slug: "water-spinach", nameEn: "Water spinach (morning glory)", nameKm: "ត្រកួន" },
  { id: 2, slug: "amaranth", nameEn: "Amaranth (spineless, fresh)", nameKm: "ផ្ទី" },
];
const provinces = [
  { code: "08", nameEn: "Kandal", nameKm: "កណ្ដាល" },
  { code: "12", nameEn: "Phnom Penh", nameKm: "ភ្នំពេញ" },
];

describe("market price CSV", () => {
  test("quoted cells keep their commas, doubled quotes and line breaks (one parser: csv-parse)", () => {
    const named = [
      { id: 3, slug: "x", nameEn: 'Long bean, "yard"\nlong', nameKm: "សណ្ដែកគួ" },
      ...products,
    ];
    const csv =
      'date,province,commodity,price_khr\n2026-03-01,,"Amaranth (spineless, fresh)",3040\n2026-03-01,,"Long bean, ""yard""\nlong",2000\n2026-03-01,,amaranth,x\n';
    const { rows, errors } = parseMarketPriceCsv(csv, named, provinces);
    expect(rows).toEqual([]);
    // The record with a line break ends on line 4, so the bad price is on line 5.
    expect(errors.map((e) => [e.line, e.column])).toEqual([[5, "price_khr"]]);
    expect(
      parseMarketPriceCsv(csv.replace("\n2026-03-01,,amaranth,x", ""), named, provinces).rows,
    ).toEqual([
      { date: "2026-03-01", provinceCode: null, productId: 2, priceKhr: 3040 },
      { date: "2026-03-01", provinceCode: null, productId: 3, priceKhr: 2000 },
    ]);
  });

  test("an unclosed quote is a clear error, not a 500", () => {
    expect(
      parseMarketPriceCsv(
        'date,province,commodity,price_khr\n2026-03-01,,"amaranth,3040\n',
        products,
        provinces,
      ),
    ).toMatchObject({
      rows: [],
      errors: [{ column: "date", message: "is not valid CSV (unclosed quote?)" }],
    });
  });

  test("products and provinces by slug, English or Khmer name; empty province is national", () => {
    const csv =
      '\uFEFFdate,province,commodity,price_khr\r\n2026-03-01,,"Amaranth (spineless, fresh)",3040\r\n2026-03-02,កណ្ដាល,ត្រកួន,២៥០០\r\n2026-03-02,12,water-spinach,2600\r\n';
    expect(parseMarketPriceCsv(csv, products, provinces)).toEqual({
      rows: [
        { date: "2026-03-01", provinceCode: null, productId: 2, priceKhr: 3040 },
        { date: "2026-03-02", provinceCode: "08", productId: 1, priceKhr: 2500 },
        { date: "2026-03-02", provinceCode: "12", productId: 1, priceKhr: 2600 },
      ],
      errors: [],
    });
  });

  test("every bad row is named by line, and nothing is kept", () => {
    const csv = [
      "date,province,commodity,price_khr",
      "2026-03-01,,amaranth,3040",
      "2026-02-30,,amaranth,3040",
      "2026-03-01,Mars,amaranth,3040",
      "2026-03-01,,durian,3040",
      "2026-03-01,,amaranth,-5",
    ].join("\n");
    const { rows, errors } = parseMarketPriceCsv(csv, products, provinces);
    expect(rows).toEqual([]);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, "date"],
      [4, "province"],
      [5, "commodity"],
      [6, "price_khr"],
    ]);
  });

  test("a missing column is refused at line 1", () => {
    expect(
      parseMarketPriceCsv("date,commodity\n2026-03-01,amaranth", products, provinces).errors,
    ).toEqual([{ line: 1, column: "province,price_khr", message: "missing column" }]);
  });
});
