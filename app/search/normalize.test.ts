import { describe, expect, test } from "vitest";
import { allowedTypos, hasKhmer, normalizeText, segmentForIndex, tokenize } from "./normalize";

describe("normalizeText", () => {
  test("composes to NFC", () => {
    expect(normalizeText("Cafe\u0301")).toBe("caf\u00e9");
  });

  test("removes zero-width characters that Khmer keyboards insert between words", () => {
    expect(normalizeText("ត្រ\u200Bកួន\u200C\u200D\uFEFF\u2060")).toBe("ត្រកួន");
  });

  test("treats the look-alike subscripts ្ដ and ្ត as one", () => {
    expect(normalizeText("ស្ពៃក្ដោប")).toBe(normalizeText("ស្ពៃក្តោប"));
    expect(normalizeText("ស្ពៃក្ដោប")).toBe("ស្ពៃក្\u178Fោប");
  });

  test("turns Khmer digits into ASCII and lower-cases Latin", () => {
    expect(normalizeText("០១២៣៤៥៦៧៨៩ Morning GLORY")).toBe("0123456789 morning glory");
  });
});

describe("tokenize", () => {
  test("segments a Khmer run into dictionary words", () => {
    expect(tokenize("ត្រកួនស្រស់ពីកសិករ")).toEqual(["ត្រកួន", "ស្រស់", "ពី", "កសិករ"]);
  });

  test("segments either spelling of a subscript the same way", () => {
    expect(tokenize("ស្ពៃក្ដោប")).toEqual(tokenize("ស្ពៃក្តោប"));
    expect(tokenize("ស្ពៃក្ដោប")).toEqual(["ស្ពៃ", "ក្តោប"]);
  });

  test("splits mixed scripts and drops punctuation", () => {
    expect(tokenize("ត្រកួន2kg, Water-spinach (morning glory)។")).toEqual([
      "ត្រកួន",
      "2kg",
      "water",
      "spinach",
      "morning",
      "glory",
    ]);
  });

  test("a zero-width space inside a word does not split it", () => {
    expect(tokenize("ត្រ\u200Bកួន")).toEqual(["ត្រកួន"]);
  });

  test("segmentForIndex joins the words with spaces", () => {
    expect(segmentForIndex("ត្រកួនទឹក ១០ KG")).toBe("ត្រកួន ទឹក 10 kg");
  });
});

test("hasKhmer", () => {
  expect(hasKhmer("morning glory ត្រកួន")).toBe(true);
  expect(hasKhmer("morning glory")).toBe(false);
});

test("allowedTypos follows Meilisearch's bounds", () => {
  expect(allowedTypos("kale")).toBe(0);
  expect(allowedTypos("bean")).toBe(0);
  expect(allowedTypos("tomato")).toBe(1);
  expect(allowedTypos("cucumber")).toBe(1);
  expect(allowedTypos("eggplants")).toBe(2);
  expect(allowedTypos("ត្រកួន")).toBe(1);
});
