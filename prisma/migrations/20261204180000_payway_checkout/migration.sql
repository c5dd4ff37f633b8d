-- ABA PayWay as a checkout provider (#19): one payment per order, found by its tran_id.
ALTER TYPE "PaymentProviderName" ADD VALUE 'PAYWAY';

ALTER TABLE "Payment" ADD COLUMN "paywayTranId" TEXT,
ADD COLUMN "paywayApv" TEXT;

CREATE UNIQUE INDEX "Payment_paywayTranId_key" ON "Payment"("paywayTranId");
