-- Paying member farmers (issue 18 item 4, docs/decisions/025-member-payments.md): what a cooperative
-- owes its members is a ledger account, and every payment to a member is recorded once.
ALTER TYPE "LedgerAccountKind" ADD VALUE 'MEMBERS_PAYABLE';
ALTER TYPE "LedgerAccountKind" ADD VALUE 'MEMBER_PRODUCE';
ALTER TYPE "LedgerTransactionKind" ADD VALUE 'MEMBER_ALLOCATION';
ALTER TYPE "LedgerTransactionKind" ADD VALUE 'MEMBER_PAYMENT';

CREATE TYPE "MemberPaymentMethod" AS ENUM ('CASH', 'BAKONG', 'WING', 'BANK_TRANSFER');

ALTER TABLE "Farmer" ADD COLUMN "bakongAccount" TEXT,
ADD COLUMN "wingAccount" TEXT;

CREATE TABLE "MemberPayment" (
    "id" SERIAL NOT NULL,
    "cooperativeId" INTEGER NOT NULL,
    "farmerId" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "method" "MemberPaymentMethod" NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "paidOn" DATE NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "batchKey" TEXT NOT NULL,
    "recordedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberPayment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "MemberPayment_amountMinor_check" CHECK ("amountMinor" > 0)
);

CREATE UNIQUE INDEX "MemberPayment_idempotencyKey_key" ON "MemberPayment"("idempotencyKey");
CREATE INDEX "MemberPayment_cooperativeId_idx" ON "MemberPayment"("cooperativeId");
CREATE INDEX "MemberPayment_farmerId_idx" ON "MemberPayment"("farmerId");
CREATE INDEX "MemberPayment_recordedById_idx" ON "MemberPayment"("recordedById");
CREATE INDEX "MemberPayment_batchKey_idx" ON "MemberPayment"("batchKey");

ALTER TABLE "MemberPayment" ADD CONSTRAINT "MemberPayment_cooperativeId_fkey" FOREIGN KEY ("cooperativeId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberPayment" ADD CONSTRAINT "MemberPayment_farmerId_fkey" FOREIGN KEY ("farmerId") REFERENCES "Farmer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberPayment" ADD CONSTRAINT "MemberPayment_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
