// Works the outbox through the job queue (pg-boss): one job per message, retried with exponential
// backoff, a dead letter after OUTBOX_MAX_ATTEMPTS failures. A request that wrote a message only
// sends a job after its commit and never waits for the provider.
import type PgBoss from "pg-boss";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { type ScheduledJob } from "~/jobs/queue.server";
import { deliverMessage, type Transports } from "./delivery.server";
import { smtpTransport } from "./email.server";
import { telegramTransport } from "./telegram.server";
import { setOutboxWake } from "./outbox.server";

export const OUTBOX_QUEUE = "outbox-deliver";
export const OUTBOX_DEAD_QUEUE = "outbox-dead";

export type OutboxWorkerOptions = {
  transports: Transports;
  maxAttempts?: number;
  /** Seconds before the first retry; later ones double (with jitter). */
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  /** Workers polling in this process (each takes one message at a time). */
  workers?: number;
};

/**
 * The transports the configuration names; email goes to the embedded catcher when SMTP_URL is
 * unset, Telegram exists only with a bot token.
 */
export function configuredTransports(catcherPort?: number) {
  const smtpUrl =
    env.SMTP_URL ?? `smtp://127.0.0.1:${catcherPort ?? env.SMTP_CATCHER_PORT ?? 2525}`;
  const email = smtpTransport(smtpUrl, env.SMTP_FROM);
  const transports: Transports = { EMAIL: email };
  if (env.TELEGRAM_BOT_TOKEN)
    transports.TELEGRAM = telegramTransport(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_BASE);
  return { transports, close: () => email.close() };
}

export async function startOutboxWorker(boss: PgBoss, options: OutboxWorkerOptions) {
  const maxAttempts = options.maxAttempts ?? env.OUTBOX_MAX_ATTEMPTS;
  for (const queue of [
    { name: OUTBOX_DEAD_QUEUE },
    {
      name: OUTBOX_QUEUE,
      retryLimit: maxAttempts - 1,
      retryDelay: options.retryDelaySeconds ?? 10,
      retryBackoff: true,
      deadLetter: OUTBOX_DEAD_QUEUE,
    },
  ]) {
    if (await boss.getQueue(queue.name)) await boss.updateQueue(queue.name, queue);
    else await boss.createQueue(queue.name, queue);
  }
  const workerIds: string[] = [];
  for (let i = 0; i < (options.workers ?? 2); i++) {
    workerIds.push(
      await boss.work<{ id: number }>(
        OUTBOX_QUEUE,
        { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5, batchSize: 1 },
        async ([job]) => {
          const result = await deliverMessage(job!.data.id, options.transports, { maxAttempts });
          // The provider named when to come back (Telegram's 429): a new job then, not the queue's
          // backoff. The row's attempts still count towards the dead letter.
          if (result.outcome === "failed" && result.retryAfterSeconds !== undefined) {
            await boss.send(OUTBOX_QUEUE, job!.data, {
              startAfter: Math.max(1, Math.ceil(result.retryAfterSeconds)),
            });
            return result;
          }
          // Refused for good (a blocked bot): straight to the dead letter queue, no retries.
          if (result.outcome === "dead" && result.permanent) {
            await boss.send(OUTBOX_DEAD_QUEUE, job!.data);
            return result;
          }
          // A failed attempt fails the job, so pg-boss retries it later (and dead-letters the last).
          if (result.outcome === "failed" || result.outcome === "dead")
            throw new Error(result.error);
          return result;
        },
      ),
    );
  }
  setOutboxWake(async (ids) => {
    await boss.insert(ids.map((id) => ({ name: OUTBOX_QUEUE, data: { id } })));
  });
  return {
    async stop() {
      setOutboxWake(undefined);
      for (const id of workerIds) await boss.offWork({ id });
    },
  };
}

/**
 * Every few minutes: messages still PENDING long after their last change lost their job (the
 * process stopped between the commit and the send). Delivering twice is safe (the row lock).
 */
export function outboxSweepJob(boss: Pick<PgBoss, "insert">): ScheduledJob {
  return {
    name: "outbox-sweep",
    cron: "*/5 * * * *",
    run: async () => {
      const stale = await prisma.outboxMessage.findMany({
        where: { status: "PENDING", updatedAt: { lt: new Date(Date.now() - 10 * 60_000) } },
        select: { id: true },
        take: 1000,
      });
      if (stale.length > 0)
        await boss.insert(stale.map((m) => ({ name: OUTBOX_QUEUE, data: { id: m.id } })));
      return stale.length;
    },
  };
}
