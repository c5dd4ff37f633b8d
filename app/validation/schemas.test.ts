import { describe, expect, test } from "vitest";
import {
  dbId,
  idInFieldName,
  isoDate,
  isSaneDate,
  MAX_DB_INT,
  nameText,
  plainText,
  textProblem,
} from "./schemas";

describe("dates", () => {
  test.each([
    ["2000-01-01", true],
    ["2026-12-30", true],
    ["2100-12-31", true],
    ["1999-12-31", false],
    ["0000-01-01", false],
    ["9999-12-31", false],
    ["2101-01-01", false],
    ["2026-02-30", false],
    ["+02026-01-01", false],
  ])("%s is accepted: %s", (value, ok) => {
    expect(isSaneDate(value)).toBe(ok);
    expect(isoDate().safeParse(value).success).toBe(ok);
  });
});

test("ids stop at PostgreSQL's int4", () => {
  expect(dbId.safeParse("2147483647").success).toBe(true);
  expect(dbId.safeParse("2147483648").success).toBe(false);
  expect(dbId.safeParse(MAX_DB_INT + 1).success).toBe(false);
  expect(idInFieldName("pledge-12", "pledge")).toBe(12);
  expect(idInFieldName("pledge-2147483648", "pledge")).toBeNull();
  expect(idInFieldName("pledge-0", "pledge")).toBeNull();
  expect(idInFieldName("pledge-1e3", "pledge")).toBeNull();
  expect(idInFieldName("pledge-99999999999999999999", "pledge")).toBeNull();
  expect(idInFieldName("intent", "pledge")).toBeUndefined();
});

// Form fields and URL segments arrive as strings: they are coerced, and anything that is not a
// whole number from 1 names no row.
test.each([
  ["1", 1],
  ["42", 42],
  [" 7 ", 7],
  [12, 12],
])("id %j is read as %d", (value, id) => {
  expect(dbId.parse(value)).toBe(id);
});

test.each(["", "0", "-1", "1.5", "abc", "1e3x", "Infinity", "NaN", null, undefined])(
  "id %j is refused",
  (value) => {
    expect(dbId.safeParse(value).success).toBe(false);
  },
);

describe("text", () => {
  test.each([
    ["Dara", null],
    ["សុខា", null],
    ["ស្ពៃ\u200bក្តោប", null], // Khmer separates words with zero-width spaces
    ["a\u0000b", "control"],
    ["a\u0007b", "control"],
    ["a\u007fb", "control"],
    ["a\u0085b", "control"],
    ["line\nbreak", "control"],
    ["a\u2028b", "control"],
    ["abc\u202Etxt.exe", "bidi"],
    ["a\u2066b\u2069", "bidi"],
    ["\u200b\u200c\u200d", "invisible"],
    ["\u3000", "invisible"],
  ])("name %j: %s", (value, problem) => {
    expect(textProblem(value, { visible: true })).toBe(problem);
    const parsed = nameText().safeParse(value);
    expect(parsed.success).toBe(problem === null);
  });

  test("descriptions keep line breaks and tabs, and may be empty", () => {
    const description = plainText({ max: 2000, multiline: true });
    expect(description.parse("  Fresh\r\n\tcabbage  ")).toBe("Fresh\r\n\tcabbage");
    expect(description.parse("")).toBe("");
    expect(description.safeParse("a\u0000").success).toBe(false);
    expect(description.safeParse("a\u202Db").success).toBe(false);
    expect(description.safeParse("\u200b").success).toBe(false);
  });

  test("messages are translation keys", () => {
    const result = nameText().safeParse("x\u0000");
    expect(result.error?.issues[0]?.message).toBe("validation.controlCharacters");
    expect(nameText().safeParse(" ").error?.issues[0]?.message).toBe("validation.required");
  });
});
