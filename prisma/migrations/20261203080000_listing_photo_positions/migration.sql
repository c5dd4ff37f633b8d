-- At most 6 photos per listing, each at its own position 0 to 5. The app counts under a lock on
-- the listing, and the database refuses what slips past. Positions are renumbered first so the
-- unique index can be built. The check is NOT VALID so a listing that already holds more than six
-- photos keeps them, and new rows are checked.
UPDATE "ListingPhoto" p SET "position" = n.rn
FROM (
  SELECT "id", (row_number() OVER (PARTITION BY "listingId" ORDER BY "position", "id") - 1)::int AS rn
  FROM "ListingPhoto"
) n
WHERE p."id" = n."id" AND p."position" <> n.rn;

CREATE UNIQUE INDEX "ListingPhoto_listingId_position_key" ON "ListingPhoto"("listingId", "position");

ALTER TABLE "ListingPhoto"
  ADD CONSTRAINT "ListingPhoto_position_range" CHECK ("position" >= 0 AND "position" < 6) NOT VALID;
