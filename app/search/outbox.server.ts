// Delivering the transactional outbox to an external search engine. Rows are claimed with
// FOR UPDATE SKIP LOCKED and marked delivered only after the engine accepted the listings' current
// state, so a failure (Meilisearch down) leaves them for the next attempt: nothing is lost, and since
// each delivery re-reads the listing, order and duplicates do not matter. Delivered rows are kept a
// day: a rebuild replays those delivered to the old index while it filled the new one.
import { type PrismaClient } from "~/db/generated/client";
import { type SearchEngine } from "./engine";
import { type Db } from "./sources.server";

const BATCH = 500;

/** How long delivered rows are kept for rebuilds to replay; a longer fill is refused. */
export const DELIVERED_RETENTION_HOURS = 24;

/**
 * Held by every delivery and by a rebuild while it replays and swaps: no delivery can reach the old
 * index between the replay and the swap, and two deliveries never send older state after newer.
 */
export async function takeDeliveryLock(tx: Db) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('phsar:search-delivery'))`;
}

/** Delivers every pending outbox row; returns how many rows it delivered. Throws if the engine fails. */
export async function deliverOutbox(prisma: PrismaClient, engine: SearchEngine, batch = BATCH) {
  let delivered = 0;
  for (;;) {
    const count = await prisma.$transaction(
      async (tx) => {
        await takeDeliveryLock(tx);
        const rows = await tx.$queryRaw<{ id: bigint; listingId: number }[]>`
          SELECT "id", "listingId" FROM "SearchOutbox" WHERE "deliveredAt" IS NULL
           ORDER BY "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        await engine.upsert(rows.map((row) => row.listingId));
        await tx.$executeRaw`
          UPDATE "SearchOutbox" SET "deliveredAt" = clock_timestamp()
           WHERE "id" = ANY(${rows.map((row) => row.id)}::bigint[])`;
        await tx.$executeRaw`
          DELETE FROM "SearchOutbox"
           WHERE "deliveredAt" < now() - make_interval(hours => ${DELIVERED_RETENTION_HOURS})`;
        return rows.length;
      },
      { timeout: 300_000, maxWait: 30_000 },
    );
    if (count === 0) return delivered;
    delivered += count;
  }
}

/** Outbox rows not yet delivered. */
export function pendingOutbox(prisma: Db) {
  return prisma.searchOutbox.count({ where: { deliveredAt: null } });
}

/** Listings whose outbox rows were delivered at or after `since` (a rebuild's fill start). */
export async function deliveredSince(tx: Db, since: Date) {
  const rows = await tx.$queryRaw<{ listingId: number }[]>`
    SELECT DISTINCT "listingId" FROM "SearchOutbox" WHERE "deliveredAt" >= ${since}`;
  return rows.map((row) => row.listingId);
}
