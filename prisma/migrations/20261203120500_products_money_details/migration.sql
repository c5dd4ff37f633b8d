-- Product catalogue managed in the app (issue #17): search synonyms, a photo, active or not.
ALTER TABLE "Product" ADD COLUMN "searchSynonyms" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "photoKey" TEXT,
  ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE UNIQUE INDEX "Product_photoKey_key" ON "Product"("photoKey");

-- Money details (issue #17): a cooperative's bank account for buyers paying by bank transfer.
ALTER TABLE "PaymentProfile" ADD COLUMN "bankName" TEXT,
  ADD COLUMN "bankAccountName" TEXT,
  ADD COLUMN "bankAccountNumber" TEXT;

-- Input credits entered by the lead or a clerk: when given, when due, cancelled (never deleted).
ALTER TABLE "FarmerCredit" ADD COLUMN "issuedOn" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "dueOn" DATE,
  ADD COLUMN "cancelledAt" TIMESTAMP(3);

-- Repayments never exceed the credit, and a credit is for something. NOT VALID keeps any older row.
ALTER TABLE "FarmerCredit"
  ADD CONSTRAINT "FarmerCredit_amounts" CHECK ("amountMinor" > 0 AND "repaidMinor" >= 0 AND "repaidMinor" <= "amountMinor") NOT VALID;
