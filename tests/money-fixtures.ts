// Deterministic interleavings for the money tests: a test holds sub-orders' row locks on its own
// connection, starts the calls that race, waits until they all queue behind locks, and may change
// the recorded facts before letting go. A call that decided before taking the lock acts on stale
// facts, so the test fails instead of passing by luck.
import { holdLocks } from "./lock-fixtures";

export function holdSubOrderLocks(subOrderIds: number[]) {
  return holdLocks(
    [...subOrderIds]
      .sort((a, b) => a - b)
      .map((id) => ({
        sql: `SELECT "id" FROM "SubOrder" WHERE "id" = $1 FOR UPDATE`,
        values: [id],
      })),
  );
}

/** The account invariants hold (app/payments/money-check.server.ts): run after each payments test. */
export async function expectMoneyExact() {
  const { checkMoney, formatProblems } = await import("~/payments/money-check.server");
  const { expect } = await import("vitest");
  expect(formatProblems(await checkMoney())).toBe("");
}
