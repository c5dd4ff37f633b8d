// `npm run search:reindex`: rebuilds the search indexes from the listings (PostgreSQL table, and
// Meilisearch when MEILISEARCH_HOST is set), against DATABASE_URL or the embedded PostgreSQL.
import { runScript } from "./with-database";

runScript(async (env, databaseUrl) => {
  const { reindexAll } = await import("~/search/boot.server");
  await reindexAll(databaseUrl, env, (line) => console.log(line));
  return 0;
});
