import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { normalizeCambodianPhone, parseIdentifier } from "./identifier";

describe("normalizeCambodianPhone", () => {
  test.each([
    ["012 345 678", "+85512345678"],
    ["012-345-678", "+85512345678"],
    ["+855 12 345 678", "+85512345678"],
    ["+855 012 345 678", "+85512345678"],
    ["855 12 345 678", "+85512345678"],
    ["00855 96 123 4567", "+855961234567"],
    ["០១២ ៣៤៥ ៦៧៨", "+85512345678"],
    ["(023) 123 456", "+85523123456"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeCambodianPhone(input)).toBe(expected);
  });

  test.each(["12345678", "+66 81 234 5678", "012 34", "0123456789012", "phone", ""])(
    "refuses %s",
    (input) => {
      expect(normalizeCambodianPhone(input)).toBeNull();
    },
  );

  test("every way of writing a number gives the same E.164 form", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{7,8}$/), (national) => {
        const expected = `+855${national}`;
        expect(normalizeCambodianPhone(`0${national}`)).toBe(expected);
        expect(normalizeCambodianPhone(`+855 ${national}`)).toBe(expected);
        expect(normalizeCambodianPhone(`+855${national.slice(0, 2)} ${national.slice(2)}`)).toBe(
          expected,
        );
      }),
    );
  });
});

describe("parseIdentifier", () => {
  test("emails are lower-cased", () => {
    expect(parseIdentifier(" Lead@Phsar.TEST ")).toEqual({
      kind: "email",
      email: "lead@phsar.test",
    });
  });
  test("phones are normalised", () => {
    expect(parseIdentifier("012 000 001")).toEqual({ kind: "phone", phone: "+85512000001" });
  });
  test("anything else is refused", () => {
    expect(parseIdentifier("not an email@")).toBeNull();
    expect(parseIdentifier("hello")).toBeNull();
  });
});
