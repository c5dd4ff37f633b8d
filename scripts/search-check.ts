// `npm run search:check`: compares every search row (and, with MEILISEARCH_HOST, every Meilisearch
// document) with a fresh build from the listings, against DATABASE_URL or the embedded PostgreSQL.
// Exit code 1 and a list when they differ; `npm run search:reindex` repairs.
import { runScript } from "./with-database";

// Exit code 2 when the check itself could not run.
runScript(async (env, databaseUrl) => {
  const { createPrismaClient } = await import("~/db/client");
  const { checkSearch } = await import("~/search/check.server");
  const { meilisearchEngine } = await import("~/search/meilisearch.server");
  const prisma = createPrismaClient(databaseUrl);
  try {
    const meili = env.MEILISEARCH_HOST
      ? meilisearchEngine(prisma, {
          host: env.MEILISEARCH_HOST,
          apiKey: env.MEILISEARCH_API_KEY,
          index: env.MEILISEARCH_INDEX,
        })
      : undefined;
    const result = await checkSearch(prisma, meili);
    const where = meili ? `PostgreSQL and Meilisearch "${meili.uid}"` : "PostgreSQL";
    console.log(`Checked ${result.checked} listings in ${where}.`);
    if (result.pending)
      console.log(`${result.pending} listings wait in the outbox (not compared in Meilisearch).`);
    for (const d of result.differences)
      console.log(`${d.driver} listing ${d.listingId}: ${d.detail}`);
    if (result.differences.length) {
      console.log(`${result.differences.length} differences; \`npm run search:reindex\` rebuilds.`);
      return 1;
    }
    console.log("Search matches the listings.");
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}, 2);
