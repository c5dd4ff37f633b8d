import pg from "pg";
import { env } from "~/env.server";
import { createPrismaClient } from "./client";
import { type PrismaClient } from "./generated/client";

function getPrisma() {
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start Phsar with `npm start`, which provides it.");
  }
  // Our own pool, so /metrics can report its use (server/metrics.ts).
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
  // An idle connection cut by the server (restart, DROP DATABASE … FORCE) is dropped from the pool;
  // Prisma stops listening at $disconnect, and an unheard "error" event would end the process.
  pool.on("error", () => {});
  globalForPrisma.__phsarPool = pool;
  return createPrismaClient(env.DATABASE_URL, pool);
}

// One client per process; in development Vite re-imports modules, so keep it on globalThis.
const globalForPrisma = globalThis as { __phsarPrisma?: PrismaClient; __phsarPool?: pg.Pool };
export const prisma = (globalForPrisma.__phsarPrisma ??= getPrisma());

/** The app's pool: its counts for /metrics, and a connection for checks outside Prisma. */
export const pool = globalForPrisma.__phsarPool!;
