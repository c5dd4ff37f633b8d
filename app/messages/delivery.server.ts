// Delivers one outbox message. The row is locked for the whole attempt, so two workers handed the
// same message (a retry racing a sweep, two app instances) send it once: the second waits, then
// sees it SENT.
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";
import { type MessageChannel } from "~/db/generated/enums";
import { env } from "~/env.server";

export type OutgoingMessage = {
  id: number;
  channel: MessageChannel;
  address: string | null;
  kind: string;
  /** The language the message was written in ("km" unless the person chose another). */
  locale: string;
  subject: string;
  text: string;
  html: string | null;
  links: Record<string, string>;
};

/** A provider of one channel; throws when the provider did not take the message. */
export type Transport = {
  send(message: OutgoingMessage): Promise<void>;
  /** After a PermanentDeliveryError, in the attempt's transaction: mark the address as failing. */
  refused?(tx: Prisma.TransactionClient, message: OutgoingMessage, error: Error): Promise<void>;
};

export type Transports = Partial<Record<MessageChannel, Transport>>;

/**
 * The provider said no for good (a blocked bot, a chat that does not exist): trying again cannot
 * help, so the message is a dead letter at once.
 */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}

/** The provider asked to be tried again no sooner than this (Telegram's 429 retry_after). */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    message: string,
    public readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export type DeliveryResult =
  | { outcome: "sent" | "held" | "skipped" }
  | { outcome: "failed"; error: string; retryAfterSeconds?: number }
  | { outcome: "dead"; error: string; permanent?: boolean };

type Locked = OutgoingMessage & { status: string; attempts: number };

export async function deliverMessage(
  id: number,
  transports: Transports,
  { maxAttempts = env.OUTBOX_MAX_ATTEMPTS, spoolDir = env.NOTIFIER_DIR } = {},
): Promise<DeliveryResult> {
  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<Locked[]>`
        SELECT "id", "channel"::text AS "channel", "address", "kind", "locale", "subject", "text", "html",
               "links", "status"::text AS "status", "attempts"
          FROM "OutboxMessage" WHERE "id" = ${id} FOR UPDATE`;
      if (!row || row.status !== "PENDING") return { outcome: "skipped" as const };
      const transport = transports[row.channel];
      try {
        if (spoolDir) await spool(spoolDir, row);
        if (!transport) {
          await tx.outboxMessage.update({
            where: { id },
            data: { status: "HELD", lastError: `no ${row.channel} provider configured` },
            select: { id: true },
          });
          return { outcome: "held" as const };
        }
        await transport.send(row);
      } catch (error) {
        const message = (error as Error).message.slice(0, 500);
        const permanent = error instanceof PermanentDeliveryError;
        const dead = permanent || row.attempts + 1 >= maxAttempts;
        if (permanent) await transport?.refused?.(tx, row, error);
        await tx.outboxMessage.update({
          where: { id },
          data: {
            attempts: { increment: 1 },
            lastError: message,
            status: dead ? "DEAD" : "PENDING",
          },
          select: { id: true },
        });
        if (dead) return { outcome: "dead" as const, error: message, permanent };
        return {
          outcome: "failed" as const,
          error: message,
          ...(error instanceof RetryLaterError
            ? { retryAfterSeconds: error.retryAfterSeconds }
            : {}),
        };
      }
      await tx.outboxMessage.update({
        where: { id },
        data: { status: "SENT", attempts: { increment: 1 }, sentAt: new Date(), lastError: null },
        select: { id: true },
      });
      return { outcome: "sent" as const };
    },
    // The provider's own timeouts (./email.server.ts) end an attempt well before this.
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/**
 * The dev and test sink: with NOTIFIER_DIR set, each message is also written there as one JSON file
 * (the end-to-end tests read links from it). Written whole, then renamed.
 */
async function spool(dir: string, m: OutgoingMessage) {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${randomUUID()}.json`);
  const to = {
    email: m.address?.includes("@") ? m.address : null,
    phone: m.address?.startsWith("+") ? m.address : null,
  };
  const body = {
    id: m.id,
    kind: m.kind,
    channel: m.channel,
    to,
    subject: m.subject,
    links: m.links,
    at: new Date().toISOString(),
  };
  await fs.writeFile(`${file}.tmp`, JSON.stringify(body));
  await fs.rename(`${file}.tmp`, file);
}
