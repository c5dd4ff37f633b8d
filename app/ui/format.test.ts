import { describe, expect, test } from "vitest";
import { formatPercent, formatRiel, localNames } from "./format";

describe("formatRiel", () => {
  test("groups thousands and puts the riel sign after the amount", () => {
    expect(formatRiel(12500, "km")).toBe("12,500 ៛");
    expect(formatRiel(12500, "en")).toBe("12,500 ៛");
  });
});

describe("formatPercent", () => {
  test("shows a dash, not 0%, when there is nothing to divide", () => {
    expect(formatPercent(null, "en")).toBe("–");
    expect(formatPercent(0.5, "en")).toBe("50%");
  });
});

describe("localNames", () => {
  const product = { nameKm: "ត្រកួន", nameEn: "Water spinach" };
  test("puts Khmer first for Khmer readers, with English beside it", () => {
    expect(localNames(product, "km")).toEqual({
      primary: "ត្រកួន",
      secondary: "Water spinach",
      secondaryLang: "en",
    });
  });
  test("puts English first for English readers, with Khmer beside it", () => {
    expect(localNames(product, "en")).toEqual({
      primary: "Water spinach",
      secondary: "ត្រកួន",
      secondaryLang: "km",
    });
  });
});
