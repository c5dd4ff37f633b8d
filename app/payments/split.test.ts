import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { splitPayment, type SplitPart } from "./split";

const partsArbitrary = fc
  .array(
    fc.record({
      amountMinor: fc.integer({ min: 0, max: 50_000_000 }),
      feeRateBps: fc.integer({ min: 0, max: 10_000 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.map((p, key): SplitPart<number> => ({ key, ...p })));

const total = (parts: SplitPart<number>[]) => parts.reduce((s, p) => s + p.amountMinor, 0);

describe("splitPayment", () => {
  test("shares plus the fee are the total, and no share is negative or above its amount", () => {
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        const split = splitPayment(total(parts), parts);
        const nets = split.shares.reduce((s, x) => s + x.netMinor, 0);
        expect(nets + split.feeMinor).toBe(total(parts));
        expect(split.shares.reduce((s, x) => s + x.feeMinor, 0)).toBe(split.feeMinor);
        for (const share of split.shares) {
          expect(Number.isInteger(share.netMinor)).toBe(true);
          expect(share.netMinor).toBeGreaterThanOrEqual(0);
          expect(share.feeMinor).toBeGreaterThanOrEqual(0);
          expect(share.netMinor + share.feeMinor).toBe(share.grossMinor);
        }
      }),
    );
  });

  test("each part's fee is within one unit of its exact fee, and the total fee is the rounded exact fee", () => {
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        const split = splitPayment(total(parts), parts);
        const exactTotal = parts.reduce((s, p) => s + (p.amountMinor * p.feeRateBps) / 10_000, 0);
        expect(Math.abs(split.feeMinor - exactTotal)).toBeLessThanOrEqual(0.5 + 1e-6);
        split.shares.forEach((share, i) => {
          const exact = (parts[i]!.amountMinor * parts[i]!.feeRateBps) / 10_000;
          expect(Math.abs(share.feeMinor - exact)).toBeLessThan(1);
        });
      }),
    );
  });

  test("deterministic: the same input gives the same split, and the key order is kept", () => {
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        const a = splitPayment(total(parts), parts);
        const b = splitPayment(total(parts), structuredClone(parts));
        expect(b).toEqual(a);
        expect(a.shares.map((s) => s.key)).toEqual(parts.map((p) => p.key));
      }),
    );
  });

  test("largest remainder: three equal parts at 5% of 10 riel each", () => {
    // Exact fee 0.5 each, 1.5 in total, rounded to 2: the first two parts (ties in order) pay 1.
    const split = splitPayment(30, [
      { key: "a", amountMinor: 10, feeRateBps: 500 },
      { key: "b", amountMinor: 10, feeRateBps: 500 },
      { key: "c", amountMinor: 10, feeRateBps: 500 },
    ]);
    expect(split.feeMinor).toBe(2);
    expect(split.shares.map((s) => s.netMinor)).toEqual([9, 9, 10]);
  });

  test("the larger remainder gets the unit", () => {
    const split = splitPayment(1_000, [
      { key: 1, amountMinor: 333, feeRateBps: 300 }, // 9.99
      { key: 2, amountMinor: 667, feeRateBps: 300 }, // 20.01
    ]);
    expect(split.feeMinor).toBe(30);
    expect(split.shares.map((s) => s.feeMinor)).toEqual([10, 20]);
  });

  test("a total that does not match the sub-orders is refused", () => {
    expect(() => splitPayment(101, [{ key: 1, amountMinor: 100, feeRateBps: 0 }])).toThrow(
      "payments.amountMismatch",
    );
  });

  test("bad input is refused with a translation key", () => {
    expect(() => splitPayment(0, [])).toThrow("payments.nothingToSplit");
    expect(() => splitPayment(-1, [{ key: 1, amountMinor: -1, feeRateBps: 0 }])).toThrow(
      "payments.invalidAmount",
    );
    expect(() => splitPayment(10, [{ key: 1, amountMinor: 10, feeRateBps: 10_001 }])).toThrow(
      "payments.invalidFeeRate",
    );
    expect(() => splitPayment(1.5, [{ key: 1, amountMinor: 1.5, feeRateBps: 0 }])).toThrow(
      "payments.invalidAmount",
    );
    expect(() =>
      splitPayment(2, [
        { key: 1, amountMinor: 1, feeRateBps: 0 },
        { key: 1, amountMinor: 1, feeRateBps: 0 },
      ]),
    ).toThrow("payments.duplicatePart");
  });
});
