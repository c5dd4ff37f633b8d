import { describe, expect, test } from "vitest";
import {
  allowedTypos,
  compoundParts,
  hasKhmer,
  normalizeText,
  segmentForIndex,
  segmentForQuery,
  tokenize,
} from "./normalize";

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

describe("English plurals meet their singular", () => {
  test("at index and query time alike", () => {
    expect(tokenize("Tomatoes cabbages LEAVES eggs chillies chilies beans")).toEqual([
      "tomato",
      "cabbage",
      "leaf",
      "egg",
      "chilli",
      "chili",
      "bean",
    ]);
    expect(segmentForQuery("tomatoes")).toBe(segmentForIndex("Tomato"));
  });

  test("words that only look plural, short words and Khmer stay as they are", () => {
    expect(tokenize("lemongrass asparagus bus kg Kep ត្រកួន")).toEqual([
      "lemongrass",
      "asparagus",
      "bus",
      "kg",
      "kep",
      "ត្រកួន",
    ]);
  });
});

describe("Khmer compounds the dictionary keeps whole", () => {
  test("are split into their two words", () => {
    expect(compoundParts("ស្ពៃខៀវ")).toEqual(["ស្ពៃ", "ខៀវ"]);
    expect(compoundParts("ត្រយូងចេក")).toEqual(["ត្រយូង", "ចេក"]);
    expect(compoundParts("មាន់ស្រុក")).toEqual(["មាន់", "ស្រុក"]);
  });

  test("but not where a part would be a single syllable or not a word", () => {
    expect(compoundParts("ត្រកួន")).toEqual([]);
    expect(compoundParts("ខាត់ណា")).toEqual([]);
    expect(compoundParts("ប៉េងប៉ោះ")).toEqual([]);
    expect(compoundParts("ត្រសក់")).toEqual([]);
  });

  test("the index holds the whole word and its parts; a query keeps the word whole", () => {
    expect(segmentForIndex("ស្ពៃខៀវ")).toBe("ស្ពៃខៀវ ស្ពៃ ខៀវ");
    expect(segmentForQuery("ស្ពៃខៀវ")).toBe("ស្ពៃខៀវ");
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
