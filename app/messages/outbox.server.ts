// The outbox (docs/decisions/026-outbox.md): every message to a person is a row written in the same
// transaction as the event that causes it. The outbox worker (./worker.server.ts) delivers it; a
// message that was never written was never promised, and one that was is delivered even if the
// process stops right after the commit (the sweep finds it).
import { prisma } from "~/db/db.server";
import { type MessageChannel, type NotificationKind } from "~/db/generated/enums";
import { type Prisma } from "~/db/generated/client";
import { telegramCopies } from "./telegram-notices.server";

export type Db = Prisma.TransactionClient;

export type NewMessage = {
  /** Names the fact: with recipient and channel it makes the message idempotent. */
  eventKey: string;
  channel: Exclude<MessageChannel, "IN_APP">;
  userId?: number | null;
  address: string;
  kind: string;
  locale?: string;
  subject: string;
  text: string;
  html?: string;
  links?: Record<string, string>;
};

// The server start and the route modules are separate module graphs: the queue is handed over
// through globalThis (as for exports), so code that wrote messages can wake the worker.
const shared = globalThis as { __phsarOutboxWake?: (ids: number[]) => Promise<void> };

export function setOutboxWake(wake: ((ids: number[]) => Promise<void>) | undefined) {
  shared.__phsarOutboxWake = wake;
}

/**
 * Writes messages in the caller's transaction; a message already written for the same (event,
 * recipient, channel) is left alone. Returns the ids of the new rows, to pass to `wakeOutbox` after
 * the commit.
 */
export async function enqueueMessages(tx: Db, messages: NewMessage[]) {
  if (messages.length === 0) return [];
  const rows = await tx.outboxMessage.createManyAndReturn({
    data: messages.map((m) => ({
      eventKey: m.eventKey,
      channel: m.channel,
      recipient: m.userId ? `user:${m.userId}` : m.address,
      userId: m.userId ?? null,
      address: m.address,
      kind: m.kind,
      locale: m.locale ?? "km",
      subject: m.subject,
      text: m.text,
      html: m.html ?? null,
      links: m.links ?? {},
    })),
    skipDuplicates: true,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * Asks the worker to deliver these messages now. Never throws and never waits for delivery: a
 * message the queue did not hear about is picked up by the sweep.
 */
export async function wakeOutbox(ids: number[]) {
  if (ids.length === 0 || !shared.__phsarOutboxWake) return;
  try {
    await shared.__phsarOutboxWake(ids);
  } catch {
    // The sweep delivers it.
  }
}

export type OrganizationNotice = {
  organizationId: number;
  kind: NotificationKind;
  subOrderId?: number;
  orderId?: number;
};

/**
 * Records what happened for each organization and gives every member of it their own in-app copy
 * (read state per person). In-app messages are delivered by being written; members who linked
 * Telegram also get a Telegram copy. Returns the ids of those, to pass to `wakeOutbox` after the
 * commit (unwoken, the sweep sends them).
 */
export async function notifyOrganizations(
  tx: Db,
  notices: OrganizationNotice[],
  now = new Date(),
): Promise<number[]> {
  if (notices.length === 0) return [];
  const notifications = await tx.notification.createManyAndReturn({
    data: notices.map((n) => ({
      organizationId: n.organizationId,
      kind: n.kind,
      subOrderId: n.subOrderId ?? null,
      orderId: n.orderId ?? null,
    })),
    select: { id: true, organizationId: true, kind: true },
  });
  const members = await tx.membership.findMany({
    where: { organizationId: { in: [...new Set(notices.map((n) => n.organizationId))] } },
    select: { userId: true, organizationId: true },
  });
  const data = notifications.flatMap((n) =>
    members
      .filter((m) => m.organizationId === n.organizationId)
      .map((m) => ({
        eventKey: `notification:${n.id}`,
        channel: "IN_APP" as const,
        recipient: `user:${m.userId}`,
        userId: m.userId,
        kind: n.kind,
        subject: n.kind,
        text: "",
        notificationId: n.id,
        status: "SENT" as const,
        sentAt: now,
      })),
  );
  if (data.length > 0) await tx.outboxMessage.createMany({ data, skipDuplicates: true });
  const telegram = await telegramCopies(tx, notifications, members);
  if (telegram.length === 0) return [];
  const rows = await tx.outboxMessage.createManyAndReturn({
    data: telegram,
    skipDuplicates: true,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

// In-app inbox of one person.
const inApp = (userId: number) => ({ userId, channel: "IN_APP" as const });

export function listInbox(userId: number, { take = 50 } = {}) {
  return prisma.outboxMessage.findMany({
    where: { ...inApp(userId), notificationId: { not: null } },
    select: {
      id: true,
      readAt: true,
      createdAt: true,
      notification: {
        select: {
          kind: true,
          orderId: true,
          subOrderId: true,
          organization: { select: { slug: true, kind: true } },
          subOrder: {
            select: {
              deliveryDate: true,
              cooperative: { select: { nameKm: true, nameEn: true } },
              order: { select: { buyer: { select: { nameKm: true, nameEn: true } } } },
            },
          },
        },
      },
    },
    orderBy: { id: "desc" },
    take,
  });
}

export function unreadCount(userId: number) {
  return prisma.outboxMessage.count({ where: { ...inApp(userId), readAt: null } });
}

/** Marks this person's in-app messages read; other members of the organization keep theirs. */
export async function markInboxRead(userId: number, now = new Date()) {
  await prisma.outboxMessage.updateMany({
    where: { ...inApp(userId), readAt: null },
    data: { readAt: now },
  });
}

/** Enough of an address to recognise it, not to use it: "so***@example.org", "+855****678". */
export function maskAddress(address: string | null) {
  if (!address) return "";
  const at = address.indexOf("@");
  if (at > 0) return `${address.slice(0, Math.min(2, at))}***${address.slice(at)}`;
  return `${address.slice(0, 4)}${"*".repeat(Math.max(0, address.length - 7))}${address.slice(-3)}`;
}

/**
 * The admin outbox: messages sent outside the app, newest first. Content is shown only when no
 * provider would have delivered it (the embedded catcher, or held), so a newcomer can follow a
 * password reset with nothing set up; with a real provider the secret links stay out of the page.
 */
export async function listOutbox({
  take = 100,
  before,
  showContent,
}: {
  take?: number;
  before?: number;
  showContent: boolean;
}) {
  const rows = await prisma.outboxMessage.findMany({
    where: { channel: { not: "IN_APP" }, ...(before ? { id: { lt: before } } : {}) },
    select: {
      id: true,
      channel: true,
      address: true,
      kind: true,
      status: true,
      attempts: true,
      lastError: true,
      subject: true,
      text: true,
      createdAt: true,
      sentAt: true,
    },
    orderBy: { id: "desc" },
    take,
  });
  return rows.map(({ address, subject, text, ...row }) => ({
    ...row,
    recipient: maskAddress(address),
    content: showContent || row.status === "HELD" ? { subject, text } : null,
  }));
}
