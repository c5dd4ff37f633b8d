// Keeping search in step with supply, inside the transaction that changes it: the PostgreSQL search
// rows are rewritten there and then, and an outbox row tells the queue worker to refresh the listing
// in Meilisearch (app/search/outbox.server.ts). Either both commit with the change or neither does.
import { indexListingsInPostgres } from "./postgres.server";
import { type Db } from "./sources.server";

/** The listing's searchable data changed (text, price, status, windows, pledges). */
export async function recordListingChange(tx: Db, listingIds: number[]) {
  const ids = [...new Set(listingIds)];
  if (ids.length === 0) return;
  await indexListingsInPostgres(tx, ids);
  await tx.searchOutbox.createMany({ data: ids.map((listingId) => ({ listingId })) });
}

/**
 * Reservations changed what remains of these windows. PostgreSQL search computes remaining at query
 * time; only Meilisearch's copy needs refreshing.
 */
export async function recordWindowReservationChange(tx: Db, windowIds: number[]) {
  if (windowIds.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "SearchOutbox" ("listingId")
    SELECT DISTINCT "listingId" FROM "DeliveryWindow" WHERE "id" = ANY(${[...new Set(windowIds)]})`;
}
