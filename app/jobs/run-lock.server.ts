import { pool } from "~/db/db.server";

/**
 * Runs a batch job unless another run of it holds its lock (an overlapping run here, or another
 * instance of the app): then nothing is done and the answer is null. The lock is a PostgreSQL
 * session advisory lock on a connection of its own, so it goes with that connection if the process
 * dies, and the job's own transactions are free to use the rest of the pool.
 */
export async function withJobLock<T>(name: string, job: () => Promise<T>): Promise<T | null> {
  const key = `job:${name}`;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext($1)) AS "locked"`,
      [key],
    );
    if (!rows[0]?.locked) return null;
    try {
      return await job();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]).catch((error: Error) => {
        // A connection that cannot unlock is not given back: closing it drops the lock.
        broken = error;
      });
    }
  } finally {
    client.release(broken);
  }
}
