-- The KHQR's MD5 is kept so a job can ask Bakong whether it was paid (docs/decisions/029-payway-bakong.md).
ALTER TABLE "Payment" ADD COLUMN "khqrMd5" TEXT,
ADD COLUMN "khqrExpiresAt" TIMESTAMP(3);

CREATE INDEX "Payment_khqrMd5_idx" ON "Payment"("khqrMd5");
