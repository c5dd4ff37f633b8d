-- Money stays exact (docs/decisions/012-money-exact.md): a refund names its sub-order and fact.
ALTER TABLE "Refund" ADD COLUMN "idempotencyKey" TEXT;
CREATE UNIQUE INDEX "Refund_idempotencyKey_key" ON "Refund"("idempotencyKey");

-- A refund made before its sub-order's payout was counted in that payout: nothing to take back.
-- From now on only refunds made after a transfer started wait (reversalSettledAt null) for a reversal.
UPDATE "Refund" r SET "reversalSettledAt" = r."createdAt"
 WHERE r."reversalSettledAt" IS NULL
   AND NOT EXISTS (SELECT 1 FROM "Transfer" t
                    WHERE t."subOrderId" = r."subOrderId" AND t."status" <> 'FAILED'
                      AND t."createdAt" <= r."createdAt");
