-- CreateEnum
CREATE TYPE "Grade" AS ENUM ('A', 'B', 'C');

-- CreateEnum
CREATE TYPE "Certification" AS ENUM ('NONE', 'ORGANIC', 'GAP');

-- CreateEnum
CREATE TYPE "Currency" AS ENUM ('KHR', 'USD');

-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'PAUSED', 'CLOSED');

-- CreateTable
CREATE TABLE "Listing" (
    "id" SERIAL NOT NULL,
    "cooperativeId" INTEGER NOT NULL,
    "productId" INTEGER NOT NULL,
    "variety" TEXT,
    "grade" "Grade" NOT NULL,
    "certification" "Certification" NOT NULL DEFAULT 'NONE',
    "priceMinor" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "minOrderQuantity" INTEGER NOT NULL DEFAULT 1,
    "descriptionKm" TEXT NOT NULL DEFAULT '',
    "descriptionEn" TEXT NOT NULL DEFAULT '',
    "status" "ListingStatus" NOT NULL DEFAULT 'DRAFT',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingDeliveryArea" (
    "id" SERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "provinceCode" VARCHAR(2) NOT NULL,
    "districtCode" VARCHAR(4),

    CONSTRAINT "ListingDeliveryArea_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryWindow" (
    "id" SERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "deliveryDate" DATE NOT NULL,
    "cutoffAt" TIMESTAMP(3) NOT NULL,
    "capacity" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DeliveryWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pledge" (
    "id" SERIAL NOT NULL,
    "windowId" INTEGER NOT NULL,
    "farmerId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Pledge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceChange" (
    "id" SERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "changedById" INTEGER,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PriceChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingPhoto" (
    "id" SERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ListingPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Listing_cooperativeId_idx" ON "Listing"("cooperativeId");

-- CreateIndex
CREATE INDEX "Listing_productId_idx" ON "Listing"("productId");

-- CreateIndex
CREATE INDEX "Listing_status_idx" ON "Listing"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ListingDeliveryArea_listingId_provinceCode_districtCode_key" ON "ListingDeliveryArea"("listingId", "provinceCode", "districtCode");

-- CreateIndex
CREATE INDEX "DeliveryWindow_deliveryDate_idx" ON "DeliveryWindow"("deliveryDate");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryWindow_listingId_deliveryDate_key" ON "DeliveryWindow"("listingId", "deliveryDate");

-- CreateIndex
CREATE INDEX "Pledge_farmerId_idx" ON "Pledge"("farmerId");

-- CreateIndex
CREATE UNIQUE INDEX "Pledge_windowId_farmerId_key" ON "Pledge"("windowId", "farmerId");

-- CreateIndex
CREATE INDEX "PriceChange_listingId_changedAt_idx" ON "PriceChange"("listingId", "changedAt");

-- CreateIndex
CREATE INDEX "PriceChange_changedById_idx" ON "PriceChange"("changedById");

-- CreateIndex
CREATE UNIQUE INDEX "ListingPhoto_storageKey_key" ON "ListingPhoto"("storageKey");

-- CreateIndex
CREATE INDEX "ListingPhoto_listingId_idx" ON "ListingPhoto"("listingId");

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_cooperativeId_fkey" FOREIGN KEY ("cooperativeId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingDeliveryArea" ADD CONSTRAINT "ListingDeliveryArea_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryWindow" ADD CONSTRAINT "DeliveryWindow_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pledge" ADD CONSTRAINT "Pledge_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "DeliveryWindow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pledge" ADD CONSTRAINT "Pledge_farmerId_fkey" FOREIGN KEY ("farmerId") REFERENCES "Farmer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceChange" ADD CONSTRAINT "PriceChange_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceChange" ADD CONSTRAINT "PriceChange_changedById_fkey" FOREIGN KEY ("changedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingPhoto" ADD CONSTRAINT "ListingPhoto_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Invariants the database keeps even if application code is wrong.
-- An order can never reserve more than the members pledged, and nothing goes negative.
ALTER TABLE "DeliveryWindow" ADD CONSTRAINT "DeliveryWindow_reserved_within_capacity" CHECK ("reserved" >= 0 AND "reserved" <= "capacity");
ALTER TABLE "DeliveryWindow" ADD CONSTRAINT "DeliveryWindow_cutoff_before_delivery" CHECK ("cutoffAt" < "deliveryDate"::timestamp + interval '1 day');
ALTER TABLE "Pledge" ADD CONSTRAINT "Pledge_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_price_positive" CHECK ("priceMinor" > 0);
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_min_order_positive" CHECK ("minOrderQuantity" > 0);
ALTER TABLE "PriceChange" ADD CONSTRAINT "PriceChange_price_positive" CHECK ("priceMinor" > 0);
