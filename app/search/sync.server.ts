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

/**
 * A cooperative's name or province changed: its listings are found by them. The organization row
 * is locked first (NO KEY UPDATE: FOR UPDATE would deadlock with the audit rows and listings that
 * refer to it), then every listing's row is rewritten under its lock, with an outbox event each. A
 * listing created meanwhile is a draft, not searchable: publishing it reads the new name.
 */
export async function recordOrganizationChange(tx: Db, organizationId: number) {
  await tx.$queryRaw`SELECT "id" FROM "Organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
  const listings = await tx.listing.findMany({
    where: { cooperativeId: organizationId },
    select: { id: true },
  });
  await recordListingChange(
    tx,
    listings.map((listing) => listing.id),
  );
}

/**
 * A product's names or category changed (the product catalogue): every listing of it is rewritten
 * and sent to the outbox, the same way as a cooperative's change.
 */
export async function recordProductChange(tx: Db, productId: number) {
  await tx.$queryRaw`SELECT "id" FROM "Product" WHERE "id" = ${productId} FOR NO KEY UPDATE`;
  const listings = await tx.listing.findMany({ where: { productId }, select: { id: true } });
  await recordListingChange(
    tx,
    listings.map((listing) => listing.id),
  );
  return listings.length;
}
