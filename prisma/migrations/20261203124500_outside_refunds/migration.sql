-- Refunds made in the Stripe Dashboard, waiting for an admin to say which sub-orders they were for
-- (docs/decisions/014-money-exact.md).
CREATE TABLE "OutsideRefund" (
    "id" SERIAL NOT NULL,
    "paymentId" INTEGER NOT NULL,
    "stripeChargeId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "chargeRefundedMinor" INTEGER NOT NULL,
    "allocatedAt" TIMESTAMP(3),
    "allocatedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutsideRefund_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "OutsideRefund_amountMinor_check" CHECK ("amountMinor" > 0)
);

CREATE UNIQUE INDEX "OutsideRefund_stripeChargeId_chargeRefundedMinor_key" ON "OutsideRefund"("stripeChargeId", "chargeRefundedMinor");
CREATE INDEX "OutsideRefund_paymentId_idx" ON "OutsideRefund"("paymentId");
CREATE INDEX "OutsideRefund_allocatedAt_idx" ON "OutsideRefund"("allocatedAt");

ALTER TABLE "OutsideRefund" ADD CONSTRAINT "OutsideRefund_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OutsideRefund" ADD CONSTRAINT "OutsideRefund_allocatedById_fkey" FOREIGN KEY ("allocatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
