// Search at start-up (server/start.ts) and for `npm run search:reindex`.
import type PgBoss from "pg-boss";
import { createPrismaClient } from "~/db/client";
import { type Env } from "~/env.server";
import { meilisearchEngine } from "./meilisearch.server";
import { postgresIndexIsComplete, rebuildPostgresIndex } from "./postgres.server";
import { startSearchWorker, type SearchWorker } from "./worker.server";

type Say = (message: string) => void;

const meilisearchOptions = (env: Env) => ({
  host: env.MEILISEARCH_HOST!,
  apiKey: env.MEILISEARCH_API_KEY,
  index: env.MEILISEARCH_INDEX,
});

/**
 * Makes search ready: the PostgreSQL search table is rebuilt if it does not hold exactly the
 * published listings (first start after the migration). With Meilisearch, its settings are applied
 * (a new index is built and swapped in when they changed) and the sync worker starts; if Meilisearch
 * is unreachable, the app starts anyway and keeps trying.
 */
export async function startSearch(databaseUrl: string, env: Env, say: Say, boss: PgBoss) {
  const prisma = createPrismaClient(databaseUrl);
  if (!(await postgresIndexIsComplete(prisma))) {
    const count = await prisma.$transaction((tx) => rebuildPostgresIndex(tx), {
      timeout: 600_000,
    });
    say(`Built the PostgreSQL search index (${count} listings).`);
  }
  if (!env.MEILISEARCH_HOST) {
    // Nothing outside PostgreSQL to deliver to; a later switch to Meilisearch builds its index whole.
    await prisma.searchOutbox.deleteMany({ where: { id: { gt: 0 } } });
    return { stop: () => prisma.$disconnect() };
  }

  const engine = meilisearchEngine(prisma, meilisearchOptions(env));
  let worker: SearchWorker | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const prepare = async () => {
    try {
      const outcome = await engine.ensureIndex();
      if (outcome !== "unchanged")
        say(`Meilisearch index "${engine.uid}" ${outcome} with current settings.`);
      if (stopped) return;
      worker = await startSearchWorker({ boss, prisma, engine });
      say(`Search: Meilisearch at ${env.MEILISEARCH_HOST}, synced by the pg-boss worker.`);
    } catch (error) {
      say(`Meilisearch is not ready (${(error as Error).message}); trying again in 10 s.`);
      if (!stopped) retry = setTimeout(() => void prepare(), 10_000);
    }
  };
  await prepare();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await worker?.stop();
      await prisma.$disconnect();
    },
  };
}

/** Rebuilds every search index from scratch: the PostgreSQL table, and Meilisearch if configured. */
export async function reindexAll(databaseUrl: string, env: Env, say: Say) {
  const prisma = createPrismaClient(databaseUrl);
  try {
    const count = await prisma.$transaction((tx) => rebuildPostgresIndex(tx), {
      timeout: 600_000,
    });
    say(`PostgreSQL search index rebuilt: ${count} listings.`);
    if (env.MEILISEARCH_HOST) {
      const engine = meilisearchEngine(prisma, meilisearchOptions(env));
      // Changes made while rebuilding stay in the outbox and are delivered afterwards.
      const indexed = await engine.reindex();
      say(`Meilisearch index "${engine.uid}" rebuilt and swapped in: ${indexed} listings.`);
    }
  } finally {
    await prisma.$disconnect();
  }
}
