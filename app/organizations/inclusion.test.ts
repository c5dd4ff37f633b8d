import { describe, expect, test } from "vitest";
import { isYoungFarmer, share, youngFarmerMinBirthYear } from "./inclusion";

describe("young farmers", () => {
  test("someone turning 34 this year is young, someone turning 35 is not", () => {
    expect(isYoungFarmer(1992, 2026)).toBe(true); // 34
    expect(isYoungFarmer(1991, 2026)).toBe(false); // 35
    expect(youngFarmerMinBirthYear(2026)).toBe(1992);
  });
});

describe("share", () => {
  test("is a fraction of the whole", () => {
    expect(share(13, 26)).toBe(0.5);
  });
  test("is null for an empty group rather than a misleading 0%", () => {
    expect(share(0, 0)).toBeNull();
  });
});
