import { env } from "~/env.server";
import { createPrismaClient } from "./client";
import { type PrismaClient } from "./generated/client";

function getPrisma() {
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start Phsar with `npm start`, which provides it.");
  }
  return createPrismaClient(env.DATABASE_URL);
}

// One client per process; in development Vite re-imports modules, so keep it on globalThis.
const globalForPrisma = globalThis as { __phsarPrisma?: PrismaClient };
export const prisma = (globalForPrisma.__phsarPrisma ??= getPrisma());
