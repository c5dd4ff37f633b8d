// `npm run db:migrate | db:reset | db:seed`: database chores against DATABASE_URL, or the embedded PostgreSQL.
import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "~/env.server";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { StartupError } from "../server/errors";
import { runPrisma } from "../server/database";

async function main() {
  const command = process.argv[2];
  const env = parseEnv(process.env);
  const embeddedDir = path.join(env.PHSAR_DATA_DIR, "postgres");

  if (command === "reset" && !env.DATABASE_URL) {
    // The embedded cluster is ours: deleting the folder is the most thorough reset, and also mends a damaged one.
    fs.rmSync(embeddedDir, { recursive: true, force: true });
    console.log(`Deleted ${embeddedDir}.`);
  }

  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: embeddedDir, port: env.EMBEDDED_PG_PORT });
  const url = env.DATABASE_URL ?? embedded!.url;
  try {
    switch (command) {
      case "migrate":
        // Creates and applies a migration from schema changes (development only).
        process.stdout.write(await runPrisma(["migrate", "dev", ...process.argv.slice(3)], url));
        break;
      case "reset":
        process.stdout.write(await runPrisma(["migrate", "reset", "--force", "--skip-seed"], url));
        await seed(url);
        break;
      case "seed":
        await seed(url);
        break;
      default:
        throw new StartupError(`Unknown command "${command}". Use migrate, reset or seed.`);
    }
  } finally {
    await embedded?.stop();
  }
}

async function seed(url: string) {
  process.env.DATABASE_URL = url;
  const { seedDemoData } = await import("../prisma/seed");
  const { createPrismaClient } = await import("~/db/client");
  const prisma = createPrismaClient(url);
  try {
    const result = await seedDemoData(prisma);
    console.log(result.created ? "Seeded the demo data." : "Demo data is already there; nothing added.");
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error) => {
  console.error(error instanceof StartupError || error?.name === "EnvError" ? error.message : error);
  process.exit(1);
});
