import { prisma } from "~/db/db.server";

export type RateLimitRule = { limit: number; windowSeconds: number };

export const rateLimits = {
  signInPerAccount: { limit: 5, windowSeconds: 15 * 60 },
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
