-- Cash repayments of members' input credits, entered by the lead (issue 17 item 5).
CREATE TABLE "FarmerCreditRepayment" (
    "id" SERIAL NOT NULL,
    "creditId" INTEGER NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "repaidOn" DATE NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "idempotencyKey" TEXT NOT NULL,
    "recordedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FarmerCreditRepayment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "FarmerCreditRepayment_amountMinor_check" CHECK ("amountMinor" > 0)
);

CREATE UNIQUE INDEX "FarmerCreditRepayment_idempotencyKey_key" ON "FarmerCreditRepayment"("idempotencyKey");
CREATE INDEX "FarmerCreditRepayment_creditId_idx" ON "FarmerCreditRepayment"("creditId");
CREATE INDEX "FarmerCreditRepayment_recordedById_idx" ON "FarmerCreditRepayment"("recordedById");

ALTER TABLE "FarmerCreditRepayment" ADD CONSTRAINT "FarmerCreditRepayment_creditId_fkey" FOREIGN KEY ("creditId") REFERENCES "FarmerCredit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "FarmerCreditRepayment" ADD CONSTRAINT "FarmerCreditRepayment_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
