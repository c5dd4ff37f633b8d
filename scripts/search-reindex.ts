// `npm run search:reindex`: rebuilds the search indexes from the listings (PostgreSQL table, and
// Meilisearch when MEILISEARCH_HOST is set), against DATABASE_URL or the embedded PostgreSQL.
import path from "node:path";
import { parseEnv } from "~/env.server";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { StartupError } from "../server/errors";

async function main() {
  const env = parseEnv(process.env);
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: path.join(env.PHSAR_DATA_DIR, "postgres"),
        port: env.EMBEDDED_PG_PORT,
      });
  try {
    const { reindexAll } = await import("~/search/boot.server");
    await reindexAll(env.DATABASE_URL ?? embedded!.url, env, (line) => console.log(line));
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(
    error instanceof StartupError || error?.name === "EnvError" ? error.message : error,
  );
  process.exit(1);
});
