-- Standing orders keep what the buyer agreed to (docs/decisions/015-orders-concurrency.md).
ALTER TYPE "NotificationKind" ADD VALUE 'STANDING_ORDER_PAUSED';

ALTER TABLE "StandingOrder" ADD COLUMN "payLater" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "pausedAt" TIMESTAMP(3),
ADD COLUMN "pauseDetails" JSONB;

ALTER TABLE "StandingOrderLine" ADD COLUMN "unitPriceMinor" INTEGER,
ADD COLUMN "currency" "Currency";

-- Existing standing orders agreed to their first order's prices.
UPDATE "StandingOrderLine" sol
   SET "unitPriceMinor" = ol."unitPriceMinor", "currency" = o."currency"
  FROM "StandingOrderRun" r
  JOIN "Order" o ON o."id" = r."orderId"
  JOIN "SubOrder" s ON s."orderId" = o."id"
  JOIN "OrderLine" ol ON ol."subOrderId" = s."id"
 WHERE r."week" = 0 AND r."standingOrderId" = sol."standingOrderId"
   AND ol."listingId" = sol."listingId";

-- Pay-later orders are bank transfers whose payment was put on account by the buyer's terms.
UPDATE "StandingOrder" so SET "payLater" = true
  FROM "StandingOrderRun" r
 WHERE r."week" = 0 AND r."standingOrderId" = so."id"
   AND EXISTS (SELECT 1 FROM "Payment" p WHERE p."orderId" = r."orderId" AND p."dueAt" IS NOT NULL);
