import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { allocateToMembers, type MemberContribution } from "./allocation";

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
