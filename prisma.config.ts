import { defineConfig } from "prisma/config";
import { migrationAdapter } from "./app/db/migration-adapter";

// Prisma 6.19 with the Wasm schema engine: no native engine download (see docs/decisions/002).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error(
        "DATABASE_URL is not set. Use the npm scripts (npm run db:migrate), which start the embedded PostgreSQL and set it.",
      );
    }
    return migrationAdapter(url);
  },
});
