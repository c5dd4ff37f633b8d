-- Typo tolerance in the PostgreSQL search driver uses levenshtein_less_equal from fuzzystrmatch.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- CreateTable
CREATE TABLE "SearchListing" (
    "listingId" INTEGER NOT NULL,
    "searchText" TEXT NOT NULL,
    "document" tsvector NOT NULL,
    "category" "ProductCategory" NOT NULL,
    "productId" INTEGER NOT NULL,
    "provinceCode" VARCHAR(2) NOT NULL,
    "cooperativeId" INTEGER NOT NULL,
    "certification" "Certification" NOT NULL,
    "grade" "Grade" NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "currency" "Currency" NOT NULL,
    "priceKhr" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchListing_pkey" PRIMARY KEY ("listingId")
);

-- CreateTable
CREATE TABLE "SearchWord" (
    "word" TEXT NOT NULL,

    CONSTRAINT "SearchWord_pkey" PRIMARY KEY ("word")
);

-- CreateTable
CREATE TABLE "SearchOutbox" (
    "id" BIGSERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SearchListing_searchText_idx" ON "SearchListing" USING GIN ("searchText" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "SearchListing_document_idx" ON "SearchListing" USING GIN ("document");

-- CreateIndex
CREATE INDEX "SearchListing_priceKhr_idx" ON "SearchListing"("priceKhr");

-- CreateIndex
CREATE INDEX "SearchWord_word_idx" ON "SearchWord" USING GIN ("word" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "SearchOutbox_createdAt_idx" ON "SearchOutbox"("createdAt");

-- AddForeignKey
ALTER TABLE "SearchListing" ADD CONSTRAINT "SearchListing_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

