-- A cooperative's commune, besides its province and district (issue #17).
ALTER TABLE "Organization" ADD COLUMN "communeCode" VARCHAR(6);

ALTER TABLE "Organization" ADD CONSTRAINT "Organization_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "Commune"("code") ON DELETE SET NULL ON UPDATE CASCADE;
