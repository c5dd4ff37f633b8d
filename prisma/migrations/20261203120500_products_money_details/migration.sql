-- Product catalogue managed in the app (issue #17): search synonyms, a photo, active or not.
ALTER TABLE "Product" ADD COLUMN "searchSynonyms" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "photoKey" TEXT,
  ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE UNIQUE INDEX "Product_photoKey_key" ON "Product"("photoKey");
