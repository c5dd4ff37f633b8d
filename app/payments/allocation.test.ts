import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  allocateByDelivery,
  allocateToMembers,
  clawBack,
  type MemberContribution,
} from "./allocation";

const membersArbitrary = fc
  .array(
    fc.record({
      delivered: fc.integer({ min: 0, max: 5_000 }),
      repaymentDueMinor: fc.integer({ min: 0, max: 2_000_000 }),
    }),
    { minLength: 1, maxLength: 15 },
  )
  .filter((members) => members.some((m) => m.delivered > 0))
  .map((members) => members.map((m, key): MemberContribution<number> => ({ key, ...m })));

describe("allocateToMembers", () => {
  test("fee + repayments + payables = net, exactly, and nobody goes below zero", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        membersArbitrary,
        (net, bps, members) => {
          const result = allocateToMembers(net, bps, members);
          const payables = result.members.reduce((s, m) => s + m.payableMinor, 0);
          expect(result.cooperativeFeeMinor + result.repaymentsMinor + payables).toBe(net);
          result.members.forEach((m, i) => {
            expect(m.payableMinor).toBeGreaterThanOrEqual(0);
            expect(m.repaymentMinor).toBeGreaterThanOrEqual(0);
            expect(m.repaymentMinor).toBeLessThanOrEqual(members[i]!.repaymentDueMinor);
            expect(m.repaymentMinor + m.payableMinor).toBe(m.shareMinor);
            if (members[i]!.delivered === 0) expect(m.shareMinor).toBe(0);
          });
        },
      ),
    );
  });

  test("shares are proportional to what each delivered, within one unit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), membersArbitrary, (net, members) => {
        const result = allocateToMembers(net, 0, members);
        const delivered = members.reduce((s, m) => s + m.delivered, 0);
        result.members.forEach((m, i) => {
          expect(Math.abs(m.shareMinor - (net * members[i]!.delivered) / delivered)).toBeLessThan(
            1,
          );
        });
      }),
    );
  });

  test("deterministic", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), membersArbitrary, (net, members) => {
        expect(allocateToMembers(net, 150, members)).toEqual(
          allocateToMembers(net, 150, structuredClone(members)),
        );
      }),
    );
  });

  test("a worked example: 3% cooperative fee, one member repaying input credit", () => {
    const result = allocateToMembers(100_000, 300, [
      { key: "Sokha", delivered: 30, repaymentDueMinor: 0 },
      { key: "Dara", delivered: 50, repaymentDueMinor: 10_000 },
      { key: "Chenda", delivered: 20, repaymentDueMinor: 50_000 },
    ]);
    expect(result.cooperativeFeeMinor).toBe(3_000);
    expect(result.members).toEqual([
      { key: "Sokha", shareMinor: 29_100, repaymentMinor: 0, payableMinor: 29_100 },
      { key: "Dara", shareMinor: 48_500, repaymentMinor: 10_000, payableMinor: 38_500 },
      // owes more than her share: the share repays what it can, she is not taken below zero
      { key: "Chenda", shareMinor: 19_400, repaymentMinor: 19_400, payableMinor: 0 },
    ]);
    expect(result.repaymentsMinor).toBe(29_400);
  });

  test("the leftover unit goes to the largest remainder", () => {
    const result = allocateToMembers(100, 0, [
      { key: 1, delivered: 1, repaymentDueMinor: 0 },
      { key: 2, delivered: 2, repaymentDueMinor: 0 },
    ]);
    expect(result.members.map((m) => m.shareMinor)).toEqual([33, 67]);
  });

  test("nothing delivered or bad input is refused", () => {
    expect(() =>
      allocateToMembers(10, 0, [{ key: 1, delivered: 0, repaymentDueMinor: 0 }]),
    ).toThrow("payments.nothingDelivered");
    expect(() =>
      allocateToMembers(-1, 0, [{ key: 1, delivered: 1, repaymentDueMinor: 0 }]),
    ).toThrow("payments.invalidAmount");
    expect(() =>
      allocateToMembers(10, 0, [{ key: 1, delivered: -1, repaymentDueMinor: 0 }]),
    ).toThrow("payments.invalidDelivered");
  });
});

// #18: shares follow what each member was collected for.
const lineArbitrary = fc.record({
  amountMinor: fc.integer({ min: 1, max: 50_000_000 }),
  collected: fc.uniqueArray(
    fc.record({
      farmerId: fc.integer({ min: 1, max: 12 }),
      quantityMilli: fc.integer({ min: 0, max: 900_000 }),
    }),
    { selector: (c) => c.farmerId, maxLength: 8 },
  ),
  pledged: fc.uniqueArray(
    fc.record({
      farmerId: fc.integer({ min: 1, max: 12 }),
      quantity: fc.integer({ min: 1, max: 500 }),
    }),
    { selector: (p) => p.farmerId, minLength: 1, maxLength: 8 },
  ),
});

describe("allocateByDelivery", () => {
  test("for any collection pattern the shares sum to the cooperative's share, and only deliverers get one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(lineArbitrary, { minLength: 1, maxLength: 5 }),
        (net, bps, lines) => {
          const result = allocateByDelivery(net, bps, lines);
          const shares = [...result.shares.values()];
          expect(result.cooperativeFeeMinor + shares.reduce((a, b) => a + b, 0)).toBe(net);
          expect(shares.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
          const collectedOn = lines.map((l) => l.collected.some((c) => c.quantityMilli > 0));
          // A member who delivered nothing on any line that was collected gets nothing for it;
          // pledges count only on lines where nothing at all was collected.
          for (const [farmerId, share] of result.shares) {
            if (share === 0) continue;
            const earned = lines.some((l, i) =>
              collectedOn[i]
                ? l.collected.some((c) => c.farmerId === farmerId && c.quantityMilli > 0)
                : l.pledged.some((p) => p.farmerId === farmerId),
            );
            expect(earned).toBe(true);
          }
          const expected = collectedOn.every(Boolean)
            ? "COLLECTION"
            : collectedOn.some(Boolean)
              ? "MIXED"
              : "PLEDGE";
          // A line whose own share is nothing does not count towards the basis.
          if (lines.length === 1 && net > result.cooperativeFeeMinor)
            expect(result.basis).toBe(expected);
        },
      ),
    );
  });

  test("within a collected line, shares follow the weights collected (largest remainder)", () => {
    const result = allocateByDelivery(10_001, 0, [
      {
        amountMinor: 1,
        collected: [
          { farmerId: 1, quantityMilli: 12_500 },
          { farmerId: 2, quantityMilli: 0 },
          { farmerId: 3, quantityMilli: 37_500 },
        ],
        pledged: [
          { farmerId: 1, quantity: 10 },
          { farmerId: 2, quantity: 90 },
        ],
      },
    ]);
    expect(result.basis).toBe("COLLECTION");
    expect(Object.fromEntries(result.shares)).toEqual({ 1: 2_500, 3: 7_501 });
  });

  test("a line with nothing collected falls back to the pledges, and says so", () => {
    const result = allocateByDelivery(900, 0, [
      {
        amountMinor: 1,
        collected: [],
        pledged: [
          { farmerId: 4, quantity: 2 },
          { farmerId: 5, quantity: 1 },
        ],
      },
      {
        amountMinor: 2,
        collected: [{ farmerId: 6, quantityMilli: 5 }],
        pledged: [{ farmerId: 4, quantity: 1 }],
      },
    ]);
    expect(result.basis).toBe("MIXED");
    expect(Object.fromEntries(result.shares)).toEqual({ 4: 200, 5: 100, 6: 600 });
  });
});

describe("clawBack", () => {
  test("takes back exactly the amount, in proportion, never more than a member's share", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, fraction) => {
          const shares = new Map(values.map((v, i) => [i, v]));
          const total = values.reduce((a, b) => a + b, 0);
          const amount = Math.floor(total * fraction);
          const taken = clawBack(amount, shares);
          expect([...taken.values()].reduce((a, b) => a + b, 0)).toBe(amount);
          for (const [key, part] of taken) {
            expect(part).toBeGreaterThan(0);
            expect(part).toBeLessThanOrEqual(shares.get(key)!);
          }
        },
      ),
    );
  });

  test("refuses to take back more than was allocated", () => {
    expect(() => clawBack(11, new Map([[1, 10]]))).toThrow("payments.invalidAmount");
  });
});
