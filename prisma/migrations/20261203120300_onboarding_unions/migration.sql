-- Onboarding (issue 17, docs/decisions/017): a cooperative belongs to a union and carries its
-- registration with the agriculture department, cooperatives are deactivated instead of deleted,
-- invitations name whom they are for, and the first-run setup link is stored hashed.
ALTER TABLE "Organization" ADD COLUMN "unionId" INTEGER,
ADD COLUMN "registrationNumber" TEXT,
ADD COLUMN "registeredOn" DATE,
ADD COLUMN "deactivatedAt" TIMESTAMP(3);

ALTER TABLE "Invitation" ADD COLUMN "inviteeEmail" TEXT,
ADD COLUMN "inviteePhone" TEXT;

CREATE TABLE "SetupToken" (
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SetupToken_pkey" PRIMARY KEY ("tokenHash")
);

CREATE UNIQUE INDEX "Organization_provinceCode_registrationNumber_key" ON "Organization"("provinceCode", "registrationNumber");

CREATE INDEX "Organization_unionId_idx" ON "Organization"("unionId");

ALTER TABLE "Organization" ADD CONSTRAINT "Organization_unionId_fkey" FOREIGN KEY ("unionId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing cooperatives belong to the union whose fee already applies to them.
UPDATE "Organization" c SET "unionId" = p."unionId"
  FROM "PaymentProfile" p
 WHERE p."organizationId" = c."id" AND c."kind" = 'COOPERATIVE' AND p."unionId" IS NOT NULL;
