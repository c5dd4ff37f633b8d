// The outbox against real PostgreSQL, a real SMTP server on 127.0.0.1 (smtp-server) and a real
// pg-boss queue: idempotent writes, retries and dead letters, one send under parallel workers.
import net from "node:net";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { startQueue } from "~/jobs/queue.server";
import { seedDemoData } from "../../prisma/seed";
import { findFreePort } from "../../tests/ports";
import { holdLocks } from "../../tests/lock-fixtures";
import { deliverMessage, type Transport } from "./delivery.server";
import { smtpTransport } from "./email.server";
import {
  enqueueMessages,
  listInbox,
  listOutbox,
  markInboxRead,
  maskAddress,
  notifyOrganizations,
  unreadCount,
  wakeOutbox,
} from "./outbox.server";
import { startSmtpCatcher } from "./smtp-catcher.server";
import { startOutboxWorker } from "./worker.server";

let catcher: Awaited<ReturnType<typeof startSmtpCatcher>>;
let email: ReturnType<typeof smtpTransport>;
let n = 0;

beforeAll(async () => {
  await seedDemoData(prisma);
  catcher = await startSmtpCatcher(await findFreePort());
  email = smtpTransport(`smtp://127.0.0.1:${catcher.port}`, "Phsar <no-reply@phsar.test>");
});
afterAll(async () => {
  email.close();
  await catcher.close();
});

const anEmail = (
  to: string,
  extra: Partial<Parameters<typeof enqueueMessages>[1][number]> = {},
) => ({
  eventKey: `test:${Date.now()}:${n++}`,
  channel: "EMAIL" as const,
  address: to,
  kind: "password-reset",
  subject: "ប្តូរពាក្យសម្ងាត់ · Reset your password",
  text: "សួស្តី Hello",
  html: "<p>សួស្តី</p>",
  ...extra,
});

async function enqueue(message: ReturnType<typeof anEmail>) {
  const [id] = await prisma.$transaction((tx) => enqueueMessages(tx, [message]));
  return id!;
}

const row = (id: number) =>
  prisma.outboxMessage.findUniqueOrThrow({
    where: { id },
    select: { status: true, attempts: true, lastError: true, sentAt: true },
  });

const caughtFor = (to: string) => catcher.caught.filter((m) => m.to.includes(to));

describe("writing", () => {
  test("one row per (event, recipient, channel): writing the same message again adds nothing", async () => {
    const message = anEmail("once@example.org");
    const first = await prisma.$transaction((tx) => enqueueMessages(tx, [message]));
    const again = await prisma.$transaction((tx) =>
      enqueueMessages(tx, [message, { ...message, channel: "SMS", address: "+85512345678" }]),
    );
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(1);
    expect(await prisma.outboxMessage.count({ where: { eventKey: message.eventKey } })).toBe(2);
  });

  test("a message is written with its event or not at all", async () => {
    const message = anEmail("rolled-back@example.org");
    await expect(
      prisma.$transaction(async (tx) => {
        await enqueueMessages(tx, [message]);
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");
    expect(await prisma.outboxMessage.count({ where: { eventKey: message.eventKey } })).toBe(0);
  });

  test("recipients are masked in the admin list", async () => {
    expect(maskAddress("sokha@example.org")).toBe("so***@example.org");
    expect(maskAddress("+85512345678")).toBe("+855*****678");
    const id = await enqueue(anEmail("masked@example.org"));
    const [listed] = await listOutbox({ take: 1, showContent: false });
    expect(listed).toMatchObject({ id, recipient: "ma***@example.org", content: null });
    const [shown] = await listOutbox({ take: 1, showContent: true });
    expect(shown!.content?.subject).toContain("Reset your password");
  });
});

describe("email over SMTP", () => {
  test("the SMTP server receives HTML and text; the row is SENT after one attempt", async () => {
    const id = await enqueue(anEmail("html@example.org"));
    expect(await deliverMessage(id, { EMAIL: email }, { spoolDir: undefined })).toEqual({
      outcome: "sent",
    });
    const [mail] = caughtFor("html@example.org");
    expect(mail!.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html/);
    expect(await row(id)).toMatchObject({ status: "SENT", attempts: 1, lastError: null });
    // Delivered is delivered: a second job for it sends nothing.
    expect(await deliverMessage(id, { EMAIL: email }, { spoolDir: undefined })).toEqual({
      outcome: "skipped",
    });
    expect(caughtFor("html@example.org")).toHaveLength(1);
  });

  test("a server that answers with an error is tried again, and N failures make a dead letter", async () => {
    let refuse = 3;
    const flaky = await startSmtpCatcherRefusing(() => refuse-- > 0);
    const transport = smtpTransport(`smtp://127.0.0.1:${flaky.port}`, "p@phsar.test");
    const id = await enqueue(anEmail("flaky@example.org"));
    const options = { maxAttempts: 3, spoolDir: undefined };
    expect(await deliverMessage(id, { EMAIL: transport }, options)).toMatchObject({
      outcome: "failed",
    });
    expect(await row(id)).toMatchObject({ status: "PENDING", attempts: 1 });
    expect((await row(id)).lastError).toMatch(/451/);
    expect(await deliverMessage(id, { EMAIL: transport }, options)).toMatchObject({
      outcome: "failed",
    });
    expect(await deliverMessage(id, { EMAIL: transport }, options)).toMatchObject({
      outcome: "dead",
    });
    expect(await row(id)).toMatchObject({ status: "DEAD", attempts: 3 });
    // A dead letter is not tried again, even though the server would now take it.
    expect(await deliverMessage(id, { EMAIL: transport }, options)).toEqual({ outcome: "skipped" });
    transport.close();
    await flaky.close();
  });

  test("a server that never answers ends the attempt at the timeout", async () => {
    const silent = net.createServer(() => {});
    const port = await findFreePort();
    await new Promise<void>((resolve) => silent.listen(port, "127.0.0.1", resolve));
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`, "p@phsar.test", { timeoutMs: 300 });
    const id = await enqueue(anEmail("silent@example.org"));
    const result = await deliverMessage(id, { EMAIL: transport }, { spoolDir: undefined });
    expect(result).toMatchObject({ outcome: "failed" });
    expect(await row(id)).toMatchObject({ status: "PENDING", attempts: 1 });
    transport.close();
    silent.close();
  });

  test("with no provider for a channel the message is held, not reported sent", async () => {
    const id = await enqueue(anEmail("+85512000111", { channel: "SMS" }));
    expect(await deliverMessage(id, { EMAIL: email }, { spoolDir: undefined })).toEqual({
      outcome: "held",
    });
    expect(await row(id)).toMatchObject({ status: "HELD", sentAt: null });
  });
});

describe("parallel delivery", () => {
  test("two workers handed one message while a third holds its row: sent once", async () => {
    const id = await enqueue(anEmail("race@example.org"));
    const held = await holdLocks([
      { sql: `SELECT 1 FROM "OutboxMessage" WHERE id = $1 FOR UPDATE`, values: [id] },
    ]);
    const racing = [1, 2].map(() => deliverMessage(id, { EMAIL: email }, { spoolDir: undefined }));
    await held.waitForQueue(2);
    expect(caughtFor("race@example.org")).toHaveLength(0);
    await held.release();
    const outcomes = (await Promise.all(racing)).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["sent", "skipped"]);
    expect(caughtFor("race@example.org")).toHaveLength(1);
  });

  test("a slow provider holds the row: the second worker waits, then sends nothing", async () => {
    const id = await enqueue(anEmail("slow@example.org"));
    let letGo!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let sends = 0;
    const slow: Transport = {
      async send() {
        sends++;
        entered();
        await new Promise<void>((resolve) => (letGo = resolve));
      },
    };
    const first = deliverMessage(id, { EMAIL: slow }, { spoolDir: undefined });
    await inside;
    const second = deliverMessage(id, { EMAIL: slow }, { spoolDir: undefined });
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(secondDone).toBe(false);
    letGo();
    expect(await Promise.all([first, second])).toEqual([
      { outcome: "sent" },
      { outcome: "skipped" },
    ]);
    expect(sends).toBe(1);
  });
});

describe("the pg-boss worker", () => {
  let boss: PgBoss;
  beforeAll(async () => {
    boss = await startQueue(process.env.DATABASE_URL!, () => {});
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
  });

  test("a refused message is retried with backoff by the queue until it is sent; each once", async () => {
    let refuse = 1;
    const flaky = await startSmtpCatcherRefusing(() => refuse-- > 0);
    const transport = smtpTransport(`smtp://127.0.0.1:${flaky.port}`, "p@phsar.test");
    const worker = await startOutboxWorker(boss, {
      transports: { EMAIL: transport },
      maxAttempts: 4,
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
      workers: 3,
    });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await enqueue(anEmail(`queued-${i}@example.org`)));
    // Woken twice: duplicate jobs for one message must still send it once.
    await wakeOutbox(ids);
    await wakeOutbox(ids);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const left = await prisma.outboxMessage.count({
        where: { id: { in: ids }, status: { not: "SENT" } },
      });
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rows = await prisma.outboxMessage.findMany({
      where: { id: { in: ids } },
      select: { status: true, attempts: true },
    });
    expect(rows.every((r) => r.status === "SENT")).toBe(true);
    // One message was refused once and sent on the retry.
    expect(rows.map((r) => r.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2]);
    for (let i = 0; i < 6; i++)
      expect(flaky.caught.filter((m) => m.to.includes(`queued-${i}@example.org`))).toHaveLength(1);
    await worker.stop();
    transport.close();
    await flaky.close();
  });
});

describe("in-app messages", () => {
  test("each member of the organization has their own copy and read state", async () => {
    const coop = await prisma.organization.findFirstOrThrow({
      where: { kind: "COOPERATIVE", memberships: { some: {} } },
      select: { id: true },
    });
    const extra = await prisma.user.create({
      data: { name: "Second lead", email: `lead-${Date.now()}@example.org` },
      select: { id: true },
    });
    await prisma.membership.create({
      data: { userId: extra.id, organizationId: coop.id, role: "MEMBER_CLERK" },
    });
    const members = await prisma.membership.findMany({
      where: { organizationId: coop.id },
      select: { userId: true },
    });
    const [a, b] = [members[0]!.userId, extra.id];
    await markInboxRead(a);
    await markInboxRead(b);
    await prisma.$transaction((tx) =>
      notifyOrganizations(tx, [{ organizationId: coop.id, kind: "ORDER_PLACED" }]),
    );
    expect(await unreadCount(a)).toBe(1);
    expect(await unreadCount(b)).toBe(1);
    await markInboxRead(a);
    expect(await unreadCount(a)).toBe(0);
    expect(await unreadCount(b)).toBe(1);
    const [newest] = await listInbox(b, { take: 1 });
    expect(newest!.notification!.kind).toBe("ORDER_PLACED");
    expect(newest!.readAt).toBeNull();
  });
});

/** A real SMTP server that answers 451 (try again later) to the message while `refuse()` says so. */
async function startSmtpCatcherRefusing(refuse: () => boolean) {
  const { SMTPServer } = await import("smtp-server");
  const caught: { to: string[] }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", () => {
        if (refuse()) {
          const error = Object.assign(new Error("451 try again later"), { responseCode: 451 });
          return callback(error);
        }
        caught.push({ to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  const port = await findFreePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, caught, close: () => new Promise<void>((r) => server.close(() => r())) };
}
