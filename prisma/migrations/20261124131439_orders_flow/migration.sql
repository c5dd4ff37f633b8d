-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CASH_ON_DELIVERY', 'BANK_TRANSFER', 'KHQR', 'CARD');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('ORDER_PLACED', 'ORDER_ACCEPTED', 'ORDER_REJECTED', 'ORDER_PACKED', 'ORDER_DELIVERED', 'ORDER_CANCELLED', 'STANDING_ORDER_PLACED');

-- DropIndex
DROP INDEX "Order_buyerId_idx";

-- DropIndex
DROP INDEX "SubOrder_orderId_cooperativeId_key";

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "paymentDueAt" TIMESTAMP(3),
ADD COLUMN     "paymentMethod" "PaymentMethod" NOT NULL DEFAULT 'CASH_ON_DELIVERY',
ADD COLUMN     "standingOrderId" INTEGER,
ADD COLUMN     "standingWeek" INTEGER,
ADD COLUMN     "weightTolerancePct" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN     "deliveredQuantityMilli" INTEGER,
ADD COLUMN     "finalAmountMinor" INTEGER,
ADD COLUMN     "packedQuantityMilli" INTEGER;

-- AlterTable
ALTER TABLE "SubOrder" ADD COLUMN     "deliveryDate" DATE,
ADD COLUMN     "finalTotalMinor" INTEGER;

-- Sub-orders made before this migration take the delivery date of their lines' window.
UPDATE "SubOrder" s SET "deliveryDate" = (
  SELECT MIN(w."deliveryDate") FROM "OrderLine" l JOIN "DeliveryWindow" w ON w."id" = l."windowId"
   WHERE l."subOrderId" = s."id");
ALTER TABLE "SubOrder" ALTER COLUMN "deliveryDate" SET NOT NULL;

-- CreateTable
CREATE TABLE "CartItem" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "windowId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CartItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandingOrder" (
    "id" SERIAL NOT NULL,
    "buyerId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "weeks" INTEGER NOT NULL,
    "paymentMethod" "PaymentMethod" NOT NULL,
    "weightTolerancePct" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StandingOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandingOrderLine" (
    "id" SERIAL NOT NULL,
    "standingOrderId" INTEGER NOT NULL,
    "listingId" INTEGER NOT NULL,
    "firstDeliveryDate" DATE NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "StandingOrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandingOrderRun" (
    "id" SERIAL NOT NULL,
    "standingOrderId" INTEGER NOT NULL,
    "week" INTEGER NOT NULL,
    "orderId" INTEGER,
    "unfilled" JSONB NOT NULL,
    "ranAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StandingOrderRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "organizationId" INTEGER NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "subOrderId" INTEGER,
    "orderId" INTEGER,
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CartItem_windowId_idx" ON "CartItem"("windowId");

-- CreateIndex
CREATE UNIQUE INDEX "CartItem_userId_windowId_key" ON "CartItem"("userId", "windowId");

-- CreateIndex
CREATE INDEX "StandingOrder_buyerId_idx" ON "StandingOrder"("buyerId");

-- CreateIndex
CREATE INDEX "StandingOrder_createdById_idx" ON "StandingOrder"("createdById");

-- CreateIndex
CREATE INDEX "StandingOrder_active_idx" ON "StandingOrder"("active");

-- CreateIndex
CREATE INDEX "StandingOrderLine_standingOrderId_idx" ON "StandingOrderLine"("standingOrderId");

-- CreateIndex
CREATE INDEX "StandingOrderLine_listingId_idx" ON "StandingOrderLine"("listingId");

-- CreateIndex
CREATE UNIQUE INDEX "StandingOrderRun_standingOrderId_week_key" ON "StandingOrderRun"("standingOrderId", "week");

-- CreateIndex
CREATE INDEX "Notification_organizationId_readAt_idx" ON "Notification"("organizationId", "readAt");

-- CreateIndex
CREATE INDEX "Notification_subOrderId_idx" ON "Notification"("subOrderId");

-- CreateIndex
CREATE INDEX "Notification_orderId_idx" ON "Notification"("orderId");

-- CreateIndex
CREATE INDEX "Order_buyerId_createdAt_idx" ON "Order"("buyerId", "createdAt");

-- CreateIndex
CREATE INDEX "Order_paymentDueAt_idx" ON "Order"("paymentDueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_standingOrderId_standingWeek_key" ON "Order"("standingOrderId", "standingWeek");

-- CreateIndex
CREATE INDEX "SubOrder_cooperativeId_deliveryDate_idx" ON "SubOrder"("cooperativeId", "deliveryDate");

-- CreateIndex
CREATE INDEX "SubOrder_status_deliveryDate_idx" ON "SubOrder"("status", "deliveryDate");

-- CreateIndex
CREATE UNIQUE INDEX "SubOrder_orderId_cooperativeId_deliveryDate_key" ON "SubOrder"("orderId", "cooperativeId", "deliveryDate");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_standingOrderId_fkey" FOREIGN KEY ("standingOrderId") REFERENCES "StandingOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CartItem" ADD CONSTRAINT "CartItem_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CartItem" ADD CONSTRAINT "CartItem_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "DeliveryWindow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandingOrder" ADD CONSTRAINT "StandingOrder_buyerId_fkey" FOREIGN KEY ("buyerId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandingOrder" ADD CONSTRAINT "StandingOrder_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandingOrderLine" ADD CONSTRAINT "StandingOrderLine_standingOrderId_fkey" FOREIGN KEY ("standingOrderId") REFERENCES "StandingOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandingOrderLine" ADD CONSTRAINT "StandingOrderLine_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandingOrderRun" ADD CONSTRAINT "StandingOrderRun_standingOrderId_fkey" FOREIGN KEY ("standingOrderId") REFERENCES "StandingOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_subOrderId_fkey" FOREIGN KEY ("subOrderId") REFERENCES "SubOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Quantities, tolerances and amounts stay within what makes sense.
ALTER TABLE "CartItem" ADD CONSTRAINT "CartItem_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "Order" ADD CONSTRAINT "Order_weight_tolerance_range" CHECK ("weightTolerancePct" BETWEEN 0 AND 50);
ALTER TABLE "StandingOrder" ADD CONSTRAINT "StandingOrder_weeks_range" CHECK ("weeks" BETWEEN 2 AND 52);
ALTER TABLE "StandingOrderLine" ADD CONSTRAINT "StandingOrderLine_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_packed_not_negative" CHECK ("packedQuantityMilli" >= 0);
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_delivered_within_packed" CHECK ("deliveredQuantityMilli" >= 0 AND "deliveredQuantityMilli" <= "packedQuantityMilli");
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_final_amount_not_negative" CHECK ("finalAmountMinor" >= 0);
ALTER TABLE "SubOrder" ADD CONSTRAINT "SubOrder_final_total_not_negative" CHECK ("finalTotalMinor" >= 0);
