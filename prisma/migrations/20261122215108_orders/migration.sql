-- CreateEnum
CREATE TYPE "SubOrderStatus" AS ENUM ('PLACED', 'CONFIRMED', 'ACCEPTED', 'REJECTED', 'PACKED', 'DELIVERED', 'SETTLED', 'CANCELLED');

-- DropIndex
DROP INDEX "Organization_kind_idx";

-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "buyerId" INTEGER NOT NULL,
    "placedById" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubOrder" (
    "id" SERIAL NOT NULL,
    "orderId" INTEGER NOT NULL,
    "cooperativeId" INTEGER NOT NULL,
    "status" "SubOrderStatus" NOT NULL DEFAULT 'PLACED',
    "totalMinor" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SubOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" SERIAL NOT NULL,
    "subOrderId" INTEGER NOT NULL,
    "windowId" INTEGER NOT NULL,
    "listingId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unitPriceMinor" INTEGER NOT NULL,
    "amountMinor" INTEGER NOT NULL,

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubOrderTransition" (
    "id" SERIAL NOT NULL,
    "subOrderId" INTEGER NOT NULL,
    "from" "SubOrderStatus" NOT NULL,
    "to" "SubOrderStatus" NOT NULL,
    "actorUserId" INTEGER,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubOrderTransition_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Order_idempotencyKey_key" ON "Order"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Order_buyerId_idx" ON "Order"("buyerId");

-- CreateIndex
CREATE INDEX "Order_placedById_idx" ON "Order"("placedById");

-- CreateIndex
CREATE INDEX "SubOrder_cooperativeId_status_idx" ON "SubOrder"("cooperativeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SubOrder_orderId_cooperativeId_key" ON "SubOrder"("orderId", "cooperativeId");

-- CreateIndex
CREATE INDEX "OrderLine_subOrderId_idx" ON "OrderLine"("subOrderId");

-- CreateIndex
CREATE INDEX "OrderLine_windowId_idx" ON "OrderLine"("windowId");

-- CreateIndex
CREATE INDEX "OrderLine_listingId_idx" ON "OrderLine"("listingId");

-- CreateIndex
CREATE INDEX "SubOrderTransition_subOrderId_idx" ON "SubOrderTransition"("subOrderId");

-- CreateIndex
CREATE INDEX "SubOrderTransition_actorUserId_idx" ON "SubOrderTransition"("actorUserId");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_buyerId_fkey" FOREIGN KEY ("buyerId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_placedById_fkey" FOREIGN KEY ("placedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubOrder" ADD CONSTRAINT "SubOrder_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubOrder" ADD CONSTRAINT "SubOrder_cooperativeId_fkey" FOREIGN KEY ("cooperativeId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_subOrderId_fkey" FOREIGN KEY ("subOrderId") REFERENCES "SubOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "DeliveryWindow"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubOrderTransition" ADD CONSTRAINT "SubOrderTransition_subOrderId_fkey" FOREIGN KEY ("subOrderId") REFERENCES "SubOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubOrderTransition" ADD CONSTRAINT "SubOrderTransition_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Money and quantities are never zero or negative on an order.
ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("totalMinor" > 0);
ALTER TABLE "SubOrder" ADD CONSTRAINT "SubOrder_total_not_negative" CHECK ("totalMinor" >= 0);
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_amount_is_price_times_quantity" CHECK ("amountMinor" = "unitPriceMinor" * "quantity");
