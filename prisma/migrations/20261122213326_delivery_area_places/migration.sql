-- CreateIndex
CREATE INDEX "ListingDeliveryArea_provinceCode_idx" ON "ListingDeliveryArea"("provinceCode");

-- CreateIndex
CREATE INDEX "ListingDeliveryArea_districtCode_idx" ON "ListingDeliveryArea"("districtCode");

-- AddForeignKey
ALTER TABLE "ListingDeliveryArea" ADD CONSTRAINT "ListingDeliveryArea_provinceCode_fkey" FOREIGN KEY ("provinceCode") REFERENCES "Province"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingDeliveryArea" ADD CONSTRAINT "ListingDeliveryArea_districtCode_fkey" FOREIGN KEY ("districtCode") REFERENCES "District"("code") ON DELETE SET NULL ON UPDATE CASCADE;
