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
      case "grant-admin":
        await grantAdmin(url, process.argv[3]);
        break;
      default:
        throw new StartupError(
          `Unknown command "${command}". Use migrate, reset, seed or grant-admin.`,
        );
    }
  } finally {
    await embedded?.stop();
  }
}

/** Makes an existing account a platform admin: the first admin of a real deployment is made this way. */
async function grantAdmin(url: string, identifierText: string | undefined) {
  const { parseIdentifier } = await import("~/auth/identifier");
  const identifier = identifierText ? parseIdentifier(identifierText) : null;
  if (!identifier)
    throw new StartupError("Usage: npm run admin:grant -- <email or phone of an existing account>");
  const { createPrismaClient } = await import("~/db/client");
  const prisma = createPrismaClient(url);
  try {
    const where =
      identifier.kind === "email" ? { email: identifier.email } : { phone: identifier.phone };
    const { count } = await prisma.user.updateMany({ where, data: { isAdmin: true } });
    if (!count)
      throw new StartupError(`No account with ${identifierText}. Sign up first, then grant.`);
    await prisma.auditEvent.create({
      data: { action: "auth.admin_granted", details: { identifier: identifierText } },
    });
    console.log(`${identifierText} is now a platform admin.`);
  } finally {
    await prisma.$disconnect();
  }
}

async function seed(url: string) {
  process.env.DATABASE_URL = url;
  const { seedDatabase } = await import("../prisma/seed");
  const { created } = await seedDatabase(url);
  console.log(created ? "Seeded the demo data." : "Demo data is already there; nothing added.");
}

main().catch((error) => {
  console.error(
    error instanceof StartupError || error?.name === "EnvError" ? error.message : error,
  );
  process.exit(1);
});
