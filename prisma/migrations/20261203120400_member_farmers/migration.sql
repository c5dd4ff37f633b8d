-- Member farmers as a cooperative keeps them: Khmer and Latin names, phone, a village picked from
-- the gazetteer, date joined, national ID, the register's own member number (unique per
-- cooperative, so a re-import updates instead of duplicating), and deactivation instead of deletion.
ALTER TABLE "Farmer" ADD COLUMN "nameLatin" TEXT NOT NULL DEFAULT '',
ADD COLUMN "phone" TEXT,
ADD COLUMN "villageCode" VARCHAR(8),
ADD COLUMN "communeCode" VARCHAR(6),
ADD COLUMN "joinedOn" DATE,
ADD COLUMN "nationalId" TEXT,
ADD COLUMN "memberNumber" TEXT,
ADD COLUMN "searchText" TEXT NOT NULL DEFAULT '',
ADD COLUMN "deactivatedAt" TIMESTAMP(3),
ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Members recorded before: their search text is their name, lower-cased like the app's normaliser.
UPDATE "Farmer" SET "searchText" = lower("name");

DROP INDEX "Farmer_cooperativeId_idx";

CREATE UNIQUE INDEX "Farmer_cooperativeId_memberNumber_key" ON "Farmer"("cooperativeId", "memberNumber");

CREATE INDEX "Farmer_cooperativeId_name_idx" ON "Farmer"("cooperativeId", "name");

CREATE INDEX "Farmer_villageCode_idx" ON "Farmer"("villageCode");

CREATE INDEX "Farmer_communeCode_idx" ON "Farmer"("communeCode");

CREATE INDEX "Farmer_searchText_idx" ON "Farmer" USING GIN ("searchText" gin_trgm_ops);

ALTER TABLE "Farmer" ADD CONSTRAINT "Farmer_villageCode_fkey" FOREIGN KEY ("villageCode") REFERENCES "Village"("code") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Farmer" ADD CONSTRAINT "Farmer_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "Commune"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- An uploaded member list between its preview and its confirmation.
CREATE TABLE "FarmerImport" (
    "id" SERIAL NOT NULL,
    "cooperativeId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FarmerImport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "FarmerImport_cooperativeId_idx" ON "FarmerImport"("cooperativeId");

CREATE INDEX "FarmerImport_createdById_idx" ON "FarmerImport"("createdById");

ALTER TABLE "FarmerImport" ADD CONSTRAINT "FarmerImport_cooperativeId_fkey" FOREIGN KEY ("cooperativeId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "FarmerImport" ADD CONSTRAINT "FarmerImport_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
