// Delivering the transactional outbox to an external search engine. Rows are claimed with
// FOR UPDATE SKIP LOCKED and deleted only after the engine accepted the listings' current state, so
// a failure (Meilisearch down) leaves them for the next attempt: nothing is lost, and since each
// delivery re-reads the listing, order and duplicates do not matter.
import { type PrismaClient } from "~/db/generated/client";
import { type SearchEngine } from "./engine";

const BATCH = 500;

/** Delivers every pending outbox row; returns how many rows it delivered. Throws if the engine fails. */
export async function deliverOutbox(prisma: PrismaClient, engine: SearchEngine, batch = BATCH) {
  let delivered = 0;
  for (;;) {
    const count = await prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ id: bigint; listingId: number }[]>`
          SELECT "id", "listingId" FROM "SearchOutbox"
           ORDER BY "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        await engine.upsert(rows.map((row) => row.listingId));
        await tx.searchOutbox.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
        return rows.length;
      },
      { timeout: 300_000, maxWait: 30_000 },
    );
    if (count === 0) return delivered;
    delivered += count;
  }
}

export function pendingOutbox(prisma: PrismaClient) {
  return prisma.searchOutbox.count();
}
