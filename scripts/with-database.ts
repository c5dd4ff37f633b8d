// The shared start of the operator scripts (money:check, search:check, search:reindex): read the
// configuration, use DATABASE_URL or start the embedded PostgreSQL, run, stop it again; a
// configuration or start-up failure is one line and `failureCode`.
import path from "node:path";
import { adoptEmbeddedDatabaseUrl, type Env, parseEnv } from "~/env.server";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { StartupError } from "../server/errors";

export function runScript(
  work: (env: Env, databaseUrl: string) => Promise<number>,
  failureCode = 1,
) {
  async function main() {
    const env = parseEnv(process.env);
    const embedded = env.DATABASE_URL
      ? undefined
      : await startEmbeddedPostgres({
          dataDir: path.join(env.PHSAR_DATA_DIR, "postgres"),
          port: env.EMBEDDED_PG_PORT,
        });
    if (embedded) adoptEmbeddedDatabaseUrl(embedded.url);
    try {
      return await work(env, env.DATABASE_URL ?? embedded!.url);
    } finally {
      await embedded?.stop();
    }
  }
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        error instanceof StartupError || (error as Error)?.name === "EnvError"
          ? (error as Error).message
          : error,
      );
      process.exit(failureCode);
    },
  );
}
