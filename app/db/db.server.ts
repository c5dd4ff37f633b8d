import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/env.server";
import { PrismaClient } from "./generated/client";

export function createPrismaClient(connectionString: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

function getPrisma() {
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start Phsar with `npm start`, which provides it.");
  }
  return createPrismaClient(env.DATABASE_URL);
}

// One client per process; in development Vite re-imports modules, so keep it on globalThis.
const globalForPrisma = globalThis as { __phsarPrisma?: PrismaClient };
export const prisma = (globalForPrisma.__phsarPrisma ??= getPrisma());
