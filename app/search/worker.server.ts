// The search sync worker: pg-boss (a PostgreSQL-backed job queue) runs outbox deliveries to
// Meilisearch with retries. A light poll notices pending outbox rows and enqueues one delivery job;
// the "stately" queue keeps at most one waiting and one running, so a burst of changes costs one
// job, and a failing delivery (Meilisearch down) is retried every `retryDelaySeconds` until it
// succeeds. The outbox rows stay until delivered, so nothing is lost even if a job is.
import type PgBoss from "pg-boss";
import { type PrismaClient } from "~/db/generated/client";
import { type SearchEngine } from "./engine";
import { deliverOutbox } from "./outbox.server";

export const SEARCH_SYNC_QUEUE = "search-sync";

export type SearchWorker = { stop(): Promise<void> };

/** Works the search queue on the app's job queue (`boss`, app/jobs/queue.server.ts). */
export async function startSearchWorker(options: {
  boss: PgBoss;
  prisma: PrismaClient;
  engine: SearchEngine;
  pollMilliseconds?: number;
  retryDelaySeconds?: number;
  log?: (message: string) => void;
}): Promise<SearchWorker> {
  const log = options.log ?? ((message) => console.warn(`[search] ${message}`));
  const { boss } = options;
  const queue: PgBoss.Queue = {
    name: SEARCH_SYNC_QUEUE,
    policy: "stately",
    retryLimit: 1_000_000,
    retryDelay: options.retryDelaySeconds ?? 5,
    retryBackoff: false,
    expireInSeconds: 15 * 60,
  };
  if (await boss.getQueue(SEARCH_SYNC_QUEUE)) await boss.updateQueue(SEARCH_SYNC_QUEUE, queue);
  else await boss.createQueue(SEARCH_SYNC_QUEUE, queue);

  await boss.work(SEARCH_SYNC_QUEUE, { pollingIntervalSeconds: 0.5 }, async () => {
    try {
      await deliverOutbox(options.prisma, options.engine);
    } catch (error) {
      log(`delivery failed, will retry: ${(error as Error).message}`);
      throw error;
    }
  });

  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      if (
        await options.prisma.searchOutbox.findFirst({
          where: { deliveredAt: null },
          select: { id: true },
        })
      )
        await boss.send(SEARCH_SYNC_QUEUE, {});
    } catch (error) {
      log(`outbox poll failed: ${(error as Error).message}`);
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), options.pollMilliseconds ?? 1000);
  void poll();

  return {
    async stop() {
      clearInterval(timer);
      await boss.offWork(SEARCH_SYNC_QUEUE);
    },
  };
}
