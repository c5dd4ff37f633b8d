// Deterministic interleavings for the orders tests: a second connection takes row (or advisory)
// locks, the racing calls start and queue behind them, the test may change facts inside the holding
// transaction, then lets go. A call that decided before taking its lock acts on stale facts, and a
// call that never takes the lock does not queue at all, so either way the test fails, not by luck.
import pg from "pg";

export async function holdLocks(statements: { sql: string; values?: unknown[] }[]) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  for (const s of statements) await client.query(s.sql, s.values ?? []);
  return {
    /** Runs SQL inside the holding transaction (it commits on release, before the queue goes on). */
    query: (sql: string, values: unknown[] = []) => client.query(sql, values),
    /** Resolves once `count` other sessions wait on a lock; throws after `timeoutMs`. */
    async waitForQueue(count: number, timeoutMs = 4_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        // Inside a transaction PostgreSQL keeps serving its first look at the statistics: drop it.
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
