// Deterministic interleavings for the money tests: a test holds sub-orders' row locks on its own
// connection, starts the calls that race, waits until they all queue behind locks, and may change
// the recorded facts before letting go. A call that decided before taking the lock acts on stale
// facts, so the test fails instead of passing by luck.
import pg from "pg";

export async function holdSubOrderLocks(subOrderIds: number[]) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  for (const id of [...subOrderIds].sort((a, b) => a - b))
    await client.query(`SELECT "id" FROM "SubOrder" WHERE "id" = $1 FOR UPDATE`, [id]);
  return {
    /** Runs SQL inside the holding transaction (it commits on release, before the queue goes on). */
    query: (sql: string, values: unknown[] = []) => client.query(sql, values),
    /** Resolves once `count` other sessions wait on a lock; throws after `timeoutMs`. */
    async waitForQueue(count: number, timeoutMs = 4_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        // Inside a transaction PostgreSQL keeps serving its first look at pg_stat_activity.
        await client.query("SELECT pg_stat_clear_snapshot()");
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]!.n) >= count) return;
        if (Date.now() > until)
          throw new Error(`${rows[0]!.n} of ${count} calls queued behind the held locks`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

/** The account invariants hold (app/payments/money-check.server.ts): run after each payments test. */
export async function expectMoneyExact() {
  const { checkMoney, formatProblems } = await import("~/payments/money-check.server");
  const { expect } = await import("vitest");
  expect(formatProblems(await checkMoney())).toBe("");
}
