
-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "handedBackAt" TIMESTAMP(3),
ADD COLUMN     "handedBackById" INTEGER,
ADD COLUMN     "handedBackReference" TEXT;

-- CreateIndex
CREATE INDEX "Refund_handedBackById_idx" ON "Refund"("handedBackById");

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_handedBackById_fkey" FOREIGN KEY ("handedBackById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

