-- One outbox for every message sent to a person (docs/decisions/026-outbox.md).
CREATE TYPE "MessageChannel" AS ENUM ('IN_APP', 'EMAIL', 'SMS');
CREATE TYPE "MessageStatus" AS ENUM ('PENDING', 'SENT', 'HELD', 'DEAD');

CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "eventKey" TEXT NOT NULL,
    "channel" "MessageChannel" NOT NULL,
    "recipient" TEXT NOT NULL,
    "userId" INTEGER,
    "address" TEXT,
    "kind" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'km',
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "links" JSONB NOT NULL DEFAULT '{}',
    "notificationId" INTEGER,
    "status" "MessageStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "OutboxMessage_attempts_check" CHECK ("attempts" >= 0)
);

CREATE UNIQUE INDEX "OutboxMessage_eventKey_recipient_channel_key" ON "OutboxMessage"("eventKey", "recipient", "channel");
CREATE INDEX "OutboxMessage_userId_channel_readAt_idx" ON "OutboxMessage"("userId", "channel", "readAt");
CREATE INDEX "OutboxMessage_status_updatedAt_idx" ON "OutboxMessage"("status", "updatedAt");
CREATE INDEX "OutboxMessage_notificationId_idx" ON "OutboxMessage"("notificationId");
CREATE INDEX "OutboxMessage_createdAt_idx" ON "OutboxMessage"("createdAt");

ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;
