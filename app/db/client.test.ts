// A transaction whose connection dies (PostgreSQL restarted, or the backend was killed) must give
// its connection back: otherwise the pool shrinks by one each time until the app stalls.
import pg from "pg";
import { afterAll, expect, test, vi } from "vitest";
import { createPrismaClient } from "./client";

const url = process.env.DATABASE_URL!;
const pool = new pg.Pool({ connectionString: url, max: 3 });
const prisma = createPrismaClient(url, pool);

afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
});

/** Ends the backend serving `pid` from outside, as a database restart does. */
async function killBackend(pid: number) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

test("a transaction whose connection dies gives the connection back to the pool, every time", async () => {
  // node-postgres reports the killed connection; nothing else is logged.
  vi.spyOn(console, "error").mockImplementation(() => {});
  for (let round = 0; round < 4; round++) {
    await expect(
      prisma.$transaction(async (tx) => {
        const [backend] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        await killBackend(backend!.pid);
        await tx.$queryRaw`SELECT 1`;
      }),
    ).rejects.toThrow();
  }
  // None is left checked out: four leaked connections would exceed the pool (3) and hang here.
  await vi.waitFor(() => expect(pool.totalCount - pool.idleCount).toBe(0));
  const [row] = await prisma.$transaction(
    async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`,
  );
  expect(row).toEqual({ one: 1 });
});
