-- Sign-ups wait for a confirmation link sent to the identifier typed (issue #15 item 4).
CREATE TABLE "SignUpRequest" (
    "id" SERIAL NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "business" JSONB,
    "redirectTo" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SignUpRequest_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SignUpRequest_one_identifier" CHECK (("email" IS NULL) <> ("phone" IS NULL))
);

CREATE UNIQUE INDEX "SignUpRequest_tokenHash_key" ON "SignUpRequest"("tokenHash");
CREATE INDEX "SignUpRequest_email_idx" ON "SignUpRequest"("email");
CREATE INDEX "SignUpRequest_phone_idx" ON "SignUpRequest"("phone");
