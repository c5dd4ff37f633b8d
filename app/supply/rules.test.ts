import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { addDays, cambodiaInstant } from "~/calendar/dates";
import {
  capacityOf,
  checkPrice,
  checkWindow,
  formatPriceInput,
  deliveryAreasFrom,
  parsePriceToMinor,
  remainingOf,
} from "./rules";

describe("checkWindow", () => {
  const now = new Date("2026-11-22T03:00:00Z"); // 10:00 in Phnom Penh
  test("a future delivery with a cutoff the day before is fine", () => {
    expect(checkWindow("2026-11-25", cambodiaInstant("2026-11-24", "17:00"), now)).toEqual([]);
  });
  test("refuses past deliveries, and cutoffs after the delivery day starts or already passed", () => {
    expect(checkWindow("2026-11-22", cambodiaInstant("2026-11-21", "17:00"), now)).toEqual([
      "supply.deliveryInPast",
      "supply.cutoffInPast",
    ]);
    expect(checkWindow("2026-11-25", cambodiaInstant("2026-11-25", "06:00"), now)).toEqual([
      "supply.cutoffAfterDelivery",
    ]);
  });
  test("refuses a delivery more than a year ahead (year 9999 is a typing mistake)", () => {
    expect(checkWindow("2027-11-23", cambodiaInstant("2027-11-22", "17:00"), now)).toEqual([]);
    expect(checkWindow("2027-11-24", cambodiaInstant("2027-11-23", "17:00"), now)).toEqual([
      "supply.deliveryTooFar",
    ]);
    expect(checkWindow("9999-12-30", cambodiaInstant("9999-12-29", "17:00"), now)).toEqual([
      "supply.deliveryTooFar",
    ]);
  });
});

describe("parsePriceToMinor", () => {
  test("riel are whole; dollars keep exact cents", () => {
    expect(parsePriceToMinor("2,600", "KHR")).toBe(2600);
    expect(parsePriceToMinor("២៦០០", "KHR")).toBe(2600);
    expect(parsePriceToMinor("0.65", "USD")).toBe(65);
    expect(parsePriceToMinor("1.5", "USD")).toBe(150);
    expect(parsePriceToMinor("2600.5", "KHR")).toBeNull();
    expect(parsePriceToMinor("0.655", "USD")).toBeNull();
    expect(parsePriceToMinor("-1", "USD")).toBeNull();
  });
  test("formatting and parsing round-trip every amount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.constantFrom("KHR" as const, "USD" as const),
        (minor, currency) => {
          expect(parsePriceToMinor(formatPriceInput(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });
});

describe("checkPrice", () => {
  test("a typical riel price is fine", () => {
    expect(checkPrice(2600, "KHR", 2500)).toBeNull();
    expect(checkPrice(65, "USD", 2500)).toBeNull(); // $0.65 ≈ 2,665 riel
  });
  test("a missing or extra zero is caught", () => {
    expect(checkPrice(250_000, "KHR", 2500)).toBe("supply.priceFarFromMarket");
    expect(checkPrice(200, "KHR", 2500)).toBe("supply.priceFarFromMarket");
  });
  test("zero, negative, fractional and huge prices are out of range", () => {
    for (const price of [0, -100, 12.5, 50_000_000])
      expect(checkPrice(price, "KHR", null)).toBe("supply.priceOutOfRange");
  });
});

describe("capacity", () => {
  test("is the sum of the pledges, and remaining never goes below zero", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 })),
        fc.nat(100_000),
        (quantities, reserved) => {
          const capacity = capacityOf(quantities.map((quantity) => ({ quantity })));
          expect(capacity).toBe(quantities.reduce((a, b) => a + b, 0));
          const remaining = remainingOf({ capacity, reserved });
          expect(remaining).toBeGreaterThanOrEqual(0);
          expect(remaining).toBeLessThanOrEqual(capacity);
        },
      ),
    );
  });
  test("copying a week moves every date by seven days", () => {
    expect(addDays("2026-12-29", 7)).toBe("2027-01-05");
  });
});

describe("deliveryAreasFrom", () => {
  test("whole provinces, or only the chosen districts of a province", () => {
    expect(deliveryAreasFrom(["17", "12"], ["1710", "1707"])).toEqual([
      { provinceCode: "12", districtCode: null },
      { provinceCode: "17", districtCode: "1710" },
      { provinceCode: "17", districtCode: "1707" },
    ]);
  });
  test("a district alone brings its province", () => {
    expect(deliveryAreasFrom([], ["0408"])).toEqual([{ provinceCode: "04", districtCode: "0408" }]);
  });
});
