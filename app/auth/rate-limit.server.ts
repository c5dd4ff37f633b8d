import { prisma } from "~/db/db.server";

export type RateLimitRule = { limit: number; windowSeconds: number };

export const rateLimits = {
  signInPerAddress: { limit: 30, windowSeconds: 15 * 60 },
  signUpPerAddress: { limit: 10, windowSeconds: 60 * 60 },
  passwordResetPerAddress: { limit: 5, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitRule>;

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts one attempt under `key` in a fixed window stored in PostgreSQL, so every app instance
 * shares the count. One statement: concurrent attempts cannot both slip under the limit.
 */
export async function hitRateLimit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
  const rows = await prisma.$queryRaw<{ count: number; retry_after: number }[]>`
    INSERT INTO "RateLimit" ("key", "count", "resetAt")
    VALUES (${key}, 1, now() + make_interval(secs => ${rule.windowSeconds}::float8))
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."resetAt" <= now() THEN 1 ELSE "RateLimit"."count" + 1 END,
      "resetAt" = CASE WHEN "RateLimit"."resetAt" <= now()
                       THEN now() + make_interval(secs => ${rule.windowSeconds}::float8)
                       ELSE "RateLimit"."resetAt" END
    RETURNING "count", CEIL(EXTRACT(EPOCH FROM ("resetAt" - now())))::int AS retry_after`;
  const row = rows[0]!;
  return row.count <= rule.limit
    ? { allowed: true }
    : { allowed: false, retryAfterSeconds: Math.max(1, row.retry_after) };
}

export type BackoffRule = {
  /** Attempts allowed without any wait. */
  freeAttempts: number;
  /** The wait after the last free attempt; it doubles with each further attempt. */
  firstWaitSeconds: number;
  maxWaitSeconds: number;
  /** A count with no attempt for this long starts again from zero. */
  forgetSeconds: number;
};

/**
 * Sign-in guesses per account and address: the owner, from their own address, is never slowed by
 * someone guessing elsewhere, while each guesser waits longer and longer (15 s, 30 s, 1 min, … 15 min).
 */
export const signInBackoff: BackoffRule = {
  freeAttempts: 5,
  firstWaitSeconds: 15,
  maxWaitSeconds: 15 * 60,
  forgetSeconds: 24 * 60 * 60,
};

/** How long to wait after the `attempts`-th attempt in a row. */
export function backoffWaitSeconds(attempts: number, rule: BackoffRule) {
  if (attempts < rule.freeAttempts) return 0;
  return Math.min(rule.maxWaitSeconds, rule.firstWaitSeconds * 2 ** (attempts - rule.freeAttempts));
}

/**
 * Takes an attempt under `key` unless its wait is still running; the next attempt then waits
 * longer. `resetAt` holds when the next attempt may come. The row is locked, so attempts that
 * arrive together are counted one after another. Cleared by `clearRateLimit` on success.
 */
export async function takeBackoffAttempt(key: string, rule: BackoffRule): Promise<RateLimitResult> {
  return prisma.$transaction(async (tx) => {
    // One statement creates or locks the row: a separate insert-then-select found nothing when a
    // successful sign-in of the same key deleted the row in between (a 500 on a double click).
    const [row] = await tx.$queryRaw<{ count: number; wait: number; stale: boolean }[]>`
      INSERT INTO "RateLimit" AS r ("key", "count", "resetAt") VALUES (${key}, 0, now())
      ON CONFLICT ("key") DO UPDATE SET "key" = r."key"
      RETURNING r."count",
             CEIL(EXTRACT(EPOCH FROM (r."resetAt" - clock_timestamp())))::int AS wait,
             r."resetAt" < clock_timestamp() - make_interval(secs => ${rule.forgetSeconds}::float8) AS stale`;
    if (row!.wait > 0) return { allowed: false, retryAfterSeconds: row!.wait };
    const attempts = (row!.stale ? 0 : row!.count) + 1;
    await tx.$executeRaw`
      UPDATE "RateLimit"
      SET "count" = ${attempts},
          "resetAt" = clock_timestamp() + make_interval(secs => ${backoffWaitSeconds(attempts, rule)}::float8)
      WHERE "key" = ${key}`;
    return { allowed: true };
  });
}

/**
 * Takes back one attempt under `key`: a successful sign-in does not count against its address, so
 * an office where many people sign in behind one address is not locked out; failures still do.
 */
export async function forgiveRateLimitHit(key: string) {
  await prisma.$executeRaw`
    UPDATE "RateLimit" SET "count" = "count" - 1 WHERE "key" = ${key} AND "count" > 0`;
}

/** Forget the attempts under `key` (after a successful sign-in). */
export async function clearRateLimit(key: string) {
  await prisma.rateLimit.deleteMany({ where: { key } });
}

export function minutesUntil(retryAfterSeconds: number) {
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}
