// Linking a person's Telegram chat (docs/decisions/036-telegram.md): the account page makes a
// one-time code and opens t.me/<bot>?start=<code>; Telegram then posts `/start <code>` from the
// person's chat to /telegram/webhook, and the chat id is stored on the user. Only the code's SHA-256
// is kept, it works once and for TELEGRAM_LINK_MINUTES, and each update is handled at most once.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { i18nServer } from "~/i18n/i18next.server";
import { type Db, enqueueMessages, wakeOutbox } from "./outbox.server";
import { telegramApi } from "./telegram.server";

export const TELEGRAM_LINK_MINUTES = 15;

const hash = (code: string) => createHash("sha256").update(code).digest("hex");

/** Telegram is configured: a bot token (and with it, env.server.ts insists, a webhook secret). */
export function telegramEnabled() {
  return Boolean(env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_WEBHOOK_SECRET);
}

let username: Promise<string> | undefined;

/** The bot's @username, asked of the Bot API once per process (getMe). */
export function botUsername() {
  if (!env.TELEGRAM_BOT_TOKEN) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  username ??= telegramApi(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_BASE)
    .getMe()
    .then((me) => me.username)
    .catch((error: unknown) => {
      // Asked again next time: the Bot API may only have been unreachable for a moment.
      username = undefined;
      throw error;
    });
  return username;
}

/**
 * A new one-time code for this person and the deep link that carries it. Codes they made before and
 * did not use stop working: only the newest link links.
 */
export async function startTelegramLink(userId: number, now = new Date()) {
  // 32 characters of base64url: within the 64 [A-Za-z0-9_-] a deep-link start parameter allows.
  const code = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + TELEGRAM_LINK_MINUTES * 60_000);
  await prisma.$transaction(async (tx) => {
    await tx.telegramLinkCode.deleteMany({ where: { userId, usedAt: null } });
    await tx.telegramLinkCode.create({
      data: { userId, codeHash: hash(code), expiresAt, createdAt: now },
      select: { id: true },
    });
  });
  const url = `https://t.me/${await botUsername()}?start=${code}`;
  return { code, url, expiresAt };
}

export async function unlinkTelegram(userId: number) {
  await prisma.user.update({
    where: { id: userId },
    data: {
      telegramChatId: null,
      telegramLinkedAt: null,
      telegramFailedAt: null,
      telegramFailure: null,
    },
    select: { id: true },
  });
}

export function telegramLinkOf(userId: number) {
  return prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { telegramChatId: true, telegramLinkedAt: true, telegramFailedAt: true },
  });
}

/** The secret-token header Telegram sends, compared in constant time. */
export function webhookSecretMatches(header: string | null) {
  const secret = env.TELEGRAM_WEBHOOK_SECRET;
  if (!secret || !header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Only what the bot acts on; anything else in an update is ignored, not refused.
const UpdateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: z
    .object({
      chat: z.object({ id: z.number().int(), type: z.string() }),
      text: z.string().max(4096).optional(),
    })
    .optional(),
});

export type UpdateOutcome = "linked" | "replayed" | "ignored" | "expired-code" | "unknown-code";

/** Parses a webhook body; null when it is not a Telegram update at all (a 400). */
export function parseUpdate(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = UpdateSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * Handles one update from the bot webhook. `/start <code>` in a private chat links that chat to the
 * code's person and tells them so in the chat; a code that is used, expired or unknown gets a reply
 * saying to make a new one. Every update_id is handled once: a replay changes nothing and sends
 * nothing.
 */
export async function handleTelegramUpdate(
  update: z.infer<typeof UpdateSchema>,
  now = new Date(),
): Promise<UpdateOutcome> {
  const { outcome, ids } = await prisma.$transaction(async (tx) => {
    const first = await tx.$executeRaw`
      INSERT INTO "TelegramUpdate" ("updateId", "receivedAt")
      VALUES (${BigInt(update.update_id)}, ${now}) ON CONFLICT DO NOTHING`;
    if (first === 0) return { outcome: "replayed" as const, ids: [] };
    const message = update.message;
    const start = message?.text?.match(/^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/);
    if (!message || message.chat.type !== "private" || !start)
      return { outcome: "ignored" as const, ids: [] };
    const chatId = String(message.chat.id);
    const code = start[1];
    const row = code
      ? await tx.telegramLinkCode.findUnique({
          where: { codeHash: hash(code) },
          select: { id: true, userId: true, expiresAt: true, usedAt: true },
        })
      : null;
    if (!row || row.usedAt || row.expiresAt <= now) {
      const outcome = row ? ("expired-code" as const) : ("unknown-code" as const);
      // Someone who pressed Start without a code (or with a stale one) learns where to get one.
      const ids = await reply(tx, `telegram-start:${update.update_id}`, chatId, "refused");
      return { outcome, ids };
    }
    await tx.telegramLinkCode.update({
      where: { id: row.id },
      data: { usedAt: now },
      select: { id: true },
    });
    // One chat, one person: a chat linked to another account before moves to this one.
    await tx.user.updateMany({
      where: { telegramChatId: chatId, id: { not: row.userId } },
      data: { telegramChatId: null, telegramLinkedAt: null, telegramFailedAt: null },
    });
    await tx.user.update({
      where: { id: row.userId },
      data: {
        telegramChatId: chatId,
        telegramLinkedAt: now,
        telegramFailedAt: null,
        telegramFailure: null,
      },
      select: { id: true },
    });
    const ids = await reply(tx, `telegram-linked:${row.id}`, chatId, "linked", row.userId);
    return { outcome: "linked" as const, ids };
  });
  await wakeOutbox(ids);
  return outcome;
}

async function reply(
  tx: Db,
  eventKey: string,
  chatId: string,
  what: "linked" | "refused",
  userId?: number,
) {
  const t = await i18nServer.getFixedT("km");
  return enqueueMessages(tx, [
    {
      eventKey,
      channel: "TELEGRAM",
      userId: userId ?? null,
      address: chatId,
      kind: `telegram-${what}`,
      subject: t(`messages.telegram.${what}`),
      text: t(`messages.telegram.${what}`),
    },
  ]);
}
