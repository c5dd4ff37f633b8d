// The outbox and its queue worker against a Meilisearch of this test's own, which we stop and
// restart: listings keep saving while it is down, and search catches up when it returns.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { startQueue } from "~/jobs/queue.server";
import { prisma } from "~/db/db.server";
import { updateListing } from "~/supply/listings.server";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail } from "../../tests/builders";
import { findFreePort } from "../../tests/ports";
import { startLocalMeilisearch, type LocalMeilisearch } from "../../server/meilisearch-server";
import { meilisearchEngine } from "./meilisearch.server";
import { pendingOutbox } from "./outbox.server";
import { SearchParamsSchema } from "./query";
import { startSearchWorker, type SearchWorker } from "./worker.server";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-meili-worker-"));
const masterKey = "worker-test-master-key-0123456789";
let port: number;
let server: LocalMeilisearch | undefined;
let worker: SearchWorker;
let boss: PgBoss;
let engine: ReturnType<typeof meilisearchEngine>;
const logged: string[] = [];

async function eventually(check: () => Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const finds = async (word: string) =>
  (await engine.search(SearchParamsSchema.parse({ q: word }))).total === 1;

async function describeListing(listingId: number, descriptionEn: string) {
  const listing = await prisma.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: {
      cooperativeId: true,
      productId: true,
      variety: true,
      grade: true,
      certification: true,
      priceMinor: true,
      currency: true,
      minOrderQuantity: true,
      descriptionKm: true,
      deliveryAreas: { select: { provinceCode: true, districtCode: true } },
    },
  });
  const { cooperativeId, ...input } = listing;
  await updateListing(
    listingId,
    cooperativeId,
    { ...input, descriptionEn },
    { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.3" },
  );
}

beforeAll(async () => {
  await seedDemoData(prisma);
  port = await findFreePort();
  server = await startLocalMeilisearch({ port, dataDir, masterKey });
  engine = meilisearchEngine(prisma, { host: server.url, apiKey: masterKey, index: "worker" });
  await engine.ensureIndex();
  boss = await startQueue(process.env.DATABASE_URL!, (message) => logged.push(message));
  worker = await startSearchWorker({
    boss,
    prisma,
    engine,
    pollMilliseconds: 200,
    retryDelaySeconds: 1,
    log: (message) => logged.push(message),
  });
});

afterAll(async () => {
  await worker?.stop();
  await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("the worker delivers changes; while Meilisearch is down listings still save, and search catches up", async () => {
  expect(inject("meilisearchUrl")).not.toBe(server!.url); // this test's own server, safe to stop
  const listing = await prisma.listing.findFirstOrThrow({
    where: { status: "PUBLISHED" },
    select: { id: true },
  });

  await describeListing(listing.id, "Quillbright greens");
  await eventually(() => finds("Quillbright"), "the change reaches Meilisearch");
  // The rows are deleted in the delivery's transaction, which commits just after Meilisearch answers.
  await eventually(async () => (await pendingOutbox(prisma)) === 0, "the outbox drains");

  await server!.stop();
  await describeListing(listing.id, "Vantafresh greens"); // saves although search is down
  await eventually(
    async () => logged.some((line) => line.startsWith("delivery failed")),
    "a delivery fails",
  );
  expect(await pendingOutbox(prisma)).toBeGreaterThan(0);

  server = await startLocalMeilisearch({ port, dataDir, masterKey });
  await eventually(() => finds("Vantafresh"), "search catches up after Meilisearch returns");
  expect(await finds("Quillbright")).toBe(false);
  await eventually(async () => (await pendingOutbox(prisma)) === 0, "the outbox drains");
});
