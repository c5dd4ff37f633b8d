// `npm run money:check`: proves the account invariants (app/payments/money-check.server.ts) against
// DATABASE_URL or the embedded PostgreSQL. Prints each problem; exit code 1 when there is any.
import path from "node:path";
import { adoptEmbeddedDatabaseUrl, parseEnv } from "~/env.server";
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
  if (embedded) adoptEmbeddedDatabaseUrl(embedded.url);
  try {
    const { prisma } = await import("~/db/db.server");
    const { checkMoney, formatProblems } = await import("~/payments/money-check.server");
    const problems = await checkMoney(prisma);
    await prisma.$disconnect();
    if (problems.length === 0) {
      console.log("money:check: every sub-order's money is exact");
      return 0;
    }
    console.log(formatProblems(problems));
    console.log(`money:check: ${problems.length} problem(s)`);
    return 1;
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
    process.exit(1);
  },
);
