import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { shareByPledges } from "./pick-list";
import {
  amountForMilli,
  checkDelivered,
  checkPacked,
  formatQuantityMilli,
  parseQuantityMilli,
} from "./quantities";

describe("quantities typed by people", () => {
  test("weights take up to three decimals, counts only whole numbers", () => {
    expect(parseQuantityMilli("12.35", "KG")).toBe(12_350);
    expect(parseQuantityMilli("១២,៣", "KG")).toBe(12_300);
    expect(parseQuantityMilli(" 7 ", "HEAD")).toBe(7_000);
    expect(parseQuantityMilli("7.0", "HEAD")).toBe(7_000);
    expect(parseQuantityMilli("7.5", "HEAD")).toBeNull();
    expect(parseQuantityMilli("1.2345", "KG")).toBeNull();
    expect(parseQuantityMilli("-1", "KG")).toBeNull();
    expect(parseQuantityMilli("abc", "KG")).toBeNull();
    expect(formatQuantityMilli(12_350)).toBe("12.35");
    expect(formatQuantityMilli(7_000)).toBe("7");
  });

  test("property: formatting then parsing a weight gives it back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (milli) => {
        expect(parseQuantityMilli(formatQuantityMilli(milli), "KG")).toBe(milli);
      }),
    );
  });
});

describe("re-pricing", () => {
  test("half up to a whole minor unit, exact beyond 2^53", () => {
    expect(amountForMilli(2_600, 21_350)).toBe(55_510);
    expect(amountForMilli(1_999, 500)).toBe(1_000); // 999.5 rounds up
    expect(amountForMilli(1_999, 499)).toBe(998); // 997.501 rounds to 998
    expect(amountForMilli(10_000_000, 2_000_000_000)).toBe(20_000_000_000_000);
  });

  test("property: re-pricing the ordered quantity gives the ordered amount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (price, quantity) => {
          expect(amountForMilli(price, quantity * 1000)).toBe(price * quantity);
        },
      ),
    );
  });

  test("packing: weights within the accepted tolerance, counts never over or fractional", () => {
    expect(checkPacked(11_000, { quantity: 10, unit: "KG" }, 10)).toBeNull();
    expect(checkPacked(11_001, { quantity: 10, unit: "KG" }, 10)).toBe("orders.packedTooMuch");
    expect(checkPacked(10_001, { quantity: 10, unit: "KG" }, 0)).toBe("orders.packedTooMuch");
    expect(checkPacked(3_000, { quantity: 10, unit: "KG" }, 0)).toBeNull();
    expect(checkPacked(10_000, { quantity: 10, unit: "HEAD" }, 15)).toBeNull();
    expect(checkPacked(11_000, { quantity: 10, unit: "HEAD" }, 15)).toBe("orders.packedTooMuch");
    expect(checkPacked(9_500, { quantity: 10, unit: "BUNCH" }, 0)).toBe("orders.packedNotWhole");
    expect(checkDelivered(9_000, { packedMilli: 10_000, unit: "TRAY" })).toBeNull();
    expect(checkDelivered(10_001, { packedMilli: 10_000, unit: "KG" })).toBe(
      "orders.deliveredMoreThanPacked",
    );
  });
});

describe("who brings what", () => {
  test("property: shares add up to what was ordered (up to what was pledged) and stay within each pledge", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 12 }),
        (ordered, pledged) => {
          const pledges = pledged.map((p, i) => ({ farmerId: i + 1, pledged: p }));
          const shares = shareByPledges(ordered, pledges);
          const total = pledged.reduce((a, b) => a + b, 0);
          expect(shares.reduce((sum, s) => sum + s.quantity, 0)).toBe(Math.min(ordered, total));
          shares.forEach((s, i) => {
            expect(s.quantity).toBeGreaterThanOrEqual(0);
            expect(s.quantity).toBeLessThanOrEqual(pledged[i]!);
          });
          expect(shareByPledges(ordered, pledges)).toEqual(shares);
        },
      ),
    );
  });
});
