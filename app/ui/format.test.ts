import { describe, expect, test } from "vitest";
import {
  formatMoney,
  formatCambodiaDateTime,
  formatDate,
  formatPercent,
  formatRiel,
  localNames,
} from "./format";

describe("formatRiel", () => {
  test("groups thousands and puts the riel sign after the amount", () => {
    expect(formatRiel(12500, "km")).toBe("12,500 ៛");
    expect(formatRiel(12500, "en")).toBe("12,500 ៛");
  });
});

describe("formatMoney", () => {
  test("dollars carry the sign before the amount in both languages, with cents, as browsers and the server agree", () => {
    expect(formatMoney(1_234_550, "USD", "km")).toBe("$12,345.50");
    expect(formatMoney(0, "USD", "en")).toBe("$0.00");
    expect(formatMoney(-705, "USD", "km")).toBe("-$7.05");
    expect(formatMoney(12_000, "KHR", "km")).toBe(formatRiel(12_000, "km"));
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

describe("dates", () => {
  test("calendar dates read the same on the server and in any browser", () => {
    expect(formatDate("2026-11-25T00:00:00.000Z", "km")).toBe("25 វិច្ឆិកា 2026");
    expect(formatDate("2026-11-25T00:00:00.000Z", "en", { weekday: true })).toBe(
      "Wednesday 25 Nov 2026",
    );
  });
  test("instants are shown as the clock in Phnom Penh shows them", () => {
    expect(formatCambodiaDateTime("2026-11-24T10:00:00.000Z", "en")).toBe("24 Nov 2026, 17:00");
    expect(formatCambodiaDateTime("2026-11-24T18:30:00.000Z", "km")).toBe("25 វិច្ឆិកា 2026, 01:30");
  });
});
