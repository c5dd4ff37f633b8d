-- What each member brought for an order line, and allocations that follow it (#18, docs/decisions/024-collection-allocation.md).
CREATE TYPE "AllocationBasis" AS ENUM ('COLLECTION', 'PLEDGE', 'MIXED');

ALTER TABLE "MemberAllocation" ADD COLUMN "basis" "AllocationBasis" NOT NULL DEFAULT 'PLEDGE';

CREATE TABLE "Collection" (
    "id" SERIAL NOT NULL,
    "windowId" INTEGER NOT NULL,
    "orderLineId" INTEGER NOT NULL,
    "farmerId" INTEGER NOT NULL,
    "quantityMilli" INTEGER NOT NULL,
    "grade" VARCHAR(20),
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recordedById" INTEGER,

    CONSTRAINT "Collection_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Collection_quantityMilli_check" CHECK ("quantityMilli" >= 0)
);

CREATE INDEX "Collection_orderLineId_farmerId_id_idx" ON "Collection"("orderLineId", "farmerId", "id");
CREATE INDEX "Collection_windowId_idx" ON "Collection"("windowId");
CREATE INDEX "Collection_farmerId_idx" ON "Collection"("farmerId");
CREATE INDEX "Collection_recordedById_idx" ON "Collection"("recordedById");

ALTER TABLE "Collection" ADD CONSTRAINT "Collection_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "DeliveryWindow"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_orderLineId_fkey" FOREIGN KEY ("orderLineId") REFERENCES "OrderLine"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_farmerId_fkey" FOREIGN KEY ("farmerId") REFERENCES "Farmer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "MemberClawback" (
    "id" SERIAL NOT NULL,
    "subOrderId" INTEGER NOT NULL,
    "farmerId" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberClawback_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "MemberClawback_amountMinor_check" CHECK ("amountMinor" > 0)
);

CREATE INDEX "MemberClawback_subOrderId_idx" ON "MemberClawback"("subOrderId");
CREATE INDEX "MemberClawback_farmerId_idx" ON "MemberClawback"("farmerId");

ALTER TABLE "MemberClawback" ADD CONSTRAINT "MemberClawback_subOrderId_fkey" FOREIGN KEY ("subOrderId") REFERENCES "SubOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberClawback" ADD CONSTRAINT "MemberClawback_farmerId_fkey" FOREIGN KEY ("farmerId") REFERENCES "Farmer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
