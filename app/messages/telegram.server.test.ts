// The Telegram channel through the real outbox path (rows in PostgreSQL, pg-boss jobs, grammy's
// Api over HTTP) against the fake Bot API on 127.0.0.1 (tests/fake-telegram.ts).
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { startQueue } from "~/jobs/queue.server";
import { startFakeTelegram, type FakeTelegram } from "../../tests/fake-telegram";
import { deliverMessage } from "./delivery.server";
import { enqueueMessages, wakeOutbox } from "./outbox.server";
import { telegramTransport, type TelegramTransport } from "./telegram.server";
import { OUTBOX_DEAD_QUEUE, startOutboxWorker } from "./worker.server";

let fake: FakeTelegram;
let telegram: TelegramTransport;
let boss: PgBoss;
let worker: Awaited<ReturnType<typeof startOutboxWorker>>;
let n = 0;

beforeAll(async () => {
  fake = await startFakeTelegram();
  telegram = telegramTransport(fake.token, fake.apiRoot, { timeoutSeconds: 5 });
  boss = await startQueue(process.env.DATABASE_URL!, () => {});
  worker = await startOutboxWorker(boss, {
    transports: { TELEGRAM: telegram },
    maxAttempts: 4,
    retryDelaySeconds: 1,
    pollingIntervalSeconds: 0.5,
  });
});
afterAll(async () => {
  await worker.stop();
  await boss.stop({ graceful: false, wait: true });
  await fake.close();
});

const orderUrl = "https://phsar.example.org/organizations/kampong-speu/orders/7";

async function send(chatId: number, wake = true) {
  const [id] = await prisma.$transaction((tx) =>
    enqueueMessages(tx, [
      {
        eventKey: `test-telegram:${Date.now()}:${n++}`,
        channel: "TELEGRAM",
        address: String(chatId),
        kind: "ORDER_PLACED",
        subject: "ការកុម្ម៉ង់ថ្មី",
        text: "ការកុម្ម៉ង់ថ្មីពី ហាងបាយ សុខា សម្រាប់ ៥ ធ្នូ ២០២៦",
        links: { order: orderUrl },
      },
    ]),
  );
  if (wake) await wakeOutbox([id!]);
  return id!;
}

const row = (id: number) =>
  prisma.outboxMessage.findUniqueOrThrow({
    where: { id },
    select: { status: true, attempts: true, lastError: true, updatedAt: true },
  });

async function until(id: number, done: (r: Awaited<ReturnType<typeof row>>) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await row(id);
    if (done(r) || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("Telegram through the outbox", () => {
  test("the fake Bot API receives the Khmer message with a button that opens the order", async () => {
    fake.openChat(1001);
    const id = await send(1001);
    expect(await until(id, (r) => r.status === "SENT")).toMatchObject({
      status: "SENT",
      attempts: 1,
    });
    const [message] = fake.messagesTo(1001);
    expect(message!.text).toBe("ការកុម្ម៉ង់ថ្មីពី ហាងបាយ សុខា សម្រាប់ ៥ ធ្នូ ២០២៦");
    expect(message!.reply_markup).toEqual({
      inline_keyboard: [[{ text: "បើកការកុម្ម៉ង់", url: orderUrl }]],
    });
    // The token travels in the path only, as the Bot API expects.
    expect(fake.calls.some((c) => c.method === "sendmessage")).toBe(true);
  });

  test("429 Too Many Requests: tried again after retry_after, then sent once", async () => {
    fake.openChat(1002);
    fake.failNext({ kind: "flood", retryAfter: 2 });
    const started = Date.now();
    const id = await send(1002);
    const failed = await until(id, (r) => r.attempts >= 1);
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(failed.lastError).toMatch(/429/);
    const sent = await until(id, (r) => r.status === "SENT");
    expect(sent).toMatchObject({ status: "SENT", attempts: 2, lastError: null });
    // Not before Telegram said: the queue's own backoff (1 s here) would have come sooner.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(fake.messagesTo(1002)).toHaveLength(1);
  });

  test("403 bot was blocked: a dead letter after one attempt, never tried again", async () => {
    fake.blockChat(1003);
    const person = await prisma.user.create({
      data: { name: "Blocked", email: `blocked-${Date.now()}@example.org`, telegramChatId: "1003" },
      select: { id: true },
    });
    const id = await send(1003);
    const dead = await until(id, (r) => r.status === "DEAD");
    expect(dead).toMatchObject({ status: "DEAD", attempts: 1 });
    expect(dead.lastError).toMatch(/403.*blocked/);
    // Longer than the queue's retry delay: no second attempt.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await row(id)).toMatchObject({ status: "DEAD", attempts: 1 });
    const deadJobs = await boss.fetch<{ id: number }>(OUTBOX_DEAD_QUEUE, { batchSize: 50 });
    expect(deadJobs.map((j) => j.data.id)).toContain(id);
    // The chat is marked failing (the account page says so) and gets no more notices.
    const marked = await prisma.user.findUniqueOrThrow({
      where: { id: person.id },
      select: { telegramFailedAt: true, telegramFailure: true },
    });
    expect(marked.telegramFailedAt).not.toBeNull();
    expect(marked.telegramFailure).toMatch(/blocked/);
  });

  test("400 chat not found is permanent too; a 500 is tried again", async () => {
    const missing = await send(1004, false);
    expect(await deliverMessage(missing, { TELEGRAM: telegram }, { spoolDir: undefined })).toEqual({
      outcome: "dead",
      error: "Telegram 400: Bad Request: chat not found",
      permanent: true,
    });
    fake.openChat(1005);
    fake.failNext({ kind: "server_error" });
    const flaky = await send(1005, false);
    expect(
      await deliverMessage(flaky, { TELEGRAM: telegram }, { spoolDir: undefined, maxAttempts: 4 }),
    ).toMatchObject({ outcome: "failed", error: expect.stringMatching(/500/) });
    expect(await row(flaky)).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(
      await deliverMessage(flaky, { TELEGRAM: telegram }, { spoolDir: undefined, maxAttempts: 4 }),
    ).toEqual({ outcome: "sent" });
    expect(fake.messagesTo(1005)).toHaveLength(1);
  });

  test("a Bot API that is not there ends the attempt and leaves the message to retry", async () => {
    const gone = telegramTransport(fake.token, "http://127.0.0.1:9", { timeoutSeconds: 2 });
    const id = await send(1006, false);
    const result = await deliverMessage(id, { TELEGRAM: gone }, { spoolDir: undefined });
    expect(result).toMatchObject({ outcome: "failed" });
    expect(await row(id)).toMatchObject({ status: "PENDING", attempts: 1 });
  });
});
