-- A linked chat Telegram refused for good (blocked bot) is marked, and gets nothing more.
ALTER TABLE "User" ADD COLUMN "telegramFailedAt" TIMESTAMP(3),
ADD COLUMN "telegramFailure" TEXT;
