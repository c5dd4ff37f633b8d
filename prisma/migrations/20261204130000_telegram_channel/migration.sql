-- Telegram is a channel of the outbox (docs/decisions/036-telegram.md).
ALTER TYPE "MessageChannel" ADD VALUE 'TELEGRAM';
