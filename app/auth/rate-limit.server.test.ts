// A sign-in attempt while a successful sign-in of the same account and address clears its row
// (a double click, two tabs): found by the e2e suite as a 500.
import { expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { holdLocks } from "../../tests/lock-fixtures";
import { clearRateLimit, signInBackoff, takeBackoffAttempt } from "./rate-limit.server";

test("an attempt queued behind the row that a success deletes still counts, once", async () => {
  const key = "test:double-click";
  await takeBackoffAttempt(key, signInBackoff);
  // The successful sign-in holds the row, then deletes it and commits while the attempt waits.
  const lock = await holdLocks([
    { sql: `SELECT 1 FROM "RateLimit" WHERE "key" = $1 FOR UPDATE`, values: [key] },
  ]);
  const attempt = takeBackoffAttempt(key, signInBackoff);
  try {
    await lock.waitForQueue(1);
    await lock.query(`DELETE FROM "RateLimit" WHERE "key" = $1`, [key]);
  } finally {
    await lock.release();
  }
  expect(await attempt).toEqual({ allowed: true });
  expect(await prisma.rateLimit.findUnique({ where: { key }, select: { count: true } })).toEqual({
    count: 1,
  });
});

test("attempts and successes of one key in real parallel never fail", async () => {
  const key = "test:parallel";
  const calls = [];
  for (let i = 0; i < 20; i += 1)
    calls.push(i % 2 ? takeBackoffAttempt(key, signInBackoff) : clearRateLimit(key));
  await expect(Promise.all(calls)).resolves.toHaveLength(20);
});
