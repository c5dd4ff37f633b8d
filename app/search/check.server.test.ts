// The search consistency check (issue #25, item 5): it reports a corrupted row or document, and after
// any fast-check sequence of concurrent changes (pledges, pauses, prices, windows, cooperative
// renames, with deliveries and a rebuild running meanwhile) it finds nothing, in both drivers.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { prisma } from "~/db/db.server";
import { updateOrganization } from "~/organizations/organizations.server";
import {
  addWindow,
  type ListingInput,
  setListingStatus,
  setPledges,
  updateListing,
} from "~/supply/listings.server";
import { addDays, cambodiaInstant, cambodiaToday } from "~/calendar/dates";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail, buildWindow, userByEmail } from "../../tests/builders";
import { checkSearch } from "./check.server";
import { meilisearchEngine, succeeded } from "./meilisearch.server";
import { deliverOutbox } from "./outbox.server";
import { recordListingChange } from "./sync.server";
import { type CommandActor } from "~/auth/permissions";

const run = promisify(execFile);
const meili = meilisearchEngine(prisma, {
  host: inject("meilisearchUrl"),
  apiKey: inject("meilisearchKey"),
  index: `check_${randomUUID().slice(0, 8)}`,
});
let cooperativeId: number;
let actor: CommandActor;
const windows: Awaited<ReturnType<typeof buildWindow>>[] = [];
let profile: Parameters<typeof updateOrganization>[1];

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await userByEmail("lead@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  actor = { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.55" };
  const { nameKm, nameEn, provinceCode, districtCode, phone, email } =
    await prisma.organization.findUniqueOrThrow({ where: { id: cooperativeId } });
  profile = { nameKm, nameEn, provinceCode, districtCode, phone, email };
  for (let i = 0; i < 6; i++) {
    const window = await buildWindow({ cooperativeId, priceMinor: 2_000, days: 4 + i });
    await prisma.$transaction((tx) => recordListingChange(tx, [window.listingId]));
    windows.push(window);
  }
  await meili.ensureIndex();
  await deliverOutbox(prisma, meili);
});

afterAll(async () => {
  await meili.client.deleteIndex(meili.uid).waitTask();
});

async function inputOf(listingId: number): Promise<ListingInput> {
  const { deliveryAreas, ...fields } = await prisma.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: {
      productId: true,
      variety: true,
      grade: true,
      certification: true,
      priceMinor: true,
      currency: true,
      minOrderQuantity: true,
      descriptionKm: true,
      descriptionEn: true,
      deliveryAreas: { select: { provinceCode: true, districtCode: true } },
    },
  });
  return { ...fields, deliveryAreas };
}

const operation = fc.oneof(
  fc.record({
    kind: fc.constant("pledge" as const),
    listing: fc.nat(5),
    quantity: fc.integer({ min: 10, max: 90 }),
  }),
  fc.record({ kind: fc.constantFrom("PAUSED" as const, "PUBLISHED" as const), listing: fc.nat(5) }),
  fc.record({
    kind: fc.constant("price" as const),
    listing: fc.nat(5),
    price: fc.integer({ min: 1_000, max: 9_000 }),
  }),
  fc.record({
    kind: fc.constant("window" as const),
    listing: fc.nat(5),
    days: fc.integer({ min: 12, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("rename" as const),
    name: fc.constantFrom("Orvantis", "Peluchra", "Ximbor"),
  }),
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

async function apply(op: Operation) {
  if (op.kind === "rename") {
    await updateOrganization(
      cooperativeId,
      { ...profile, nameEn: `${op.name} Growers` },
      { userId: actor.id, ipAddress: "192.0.2.55" },
    );
    return;
  }
  const window = windows[op.listing]!;
  if (op.kind === "pledge")
    await setPledges(
      window.id,
      cooperativeId,
      [{ farmerId: window.farmerIds[0]!, quantity: op.quantity }],
      actor,
    );
  else if (op.kind === "price")
    await updateListing(
      window.listingId,
      cooperativeId,
      { ...(await inputOf(window.listingId)), priceMinor: op.price },
      actor,
    );
  else if (op.kind === "window") {
    const date = addDays(cambodiaToday(new Date()), op.days);
    await addWindow(
      window.listingId,
      cooperativeId,
      {
        deliveryDate: date,
        cutoffAt: cambodiaInstant(addDays(date, -1), "17:00"),
      },
      actor,
    );
  } else await setListingStatus(window.listingId, cooperativeId, op.kind, actor);
}

/** Refusals the rules may give to a random operation (a date taken twice) are not search faults. */
const settle = (promise: Promise<unknown>) =>
  promise.catch((error: Error) => {
    if (error.name !== "SupplyError") throw error;
  });

test("property: after concurrent changes, deliveries and a rebuild, search matches a fresh build in both drivers", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(operation, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      async (batches, rebuildMeanwhile) => {
        let running = true;
        // The worker: delivering to Meilisearch over and over while the changes run.
        const worker = (async () => {
          while (running) await deliverOutbox(prisma, meili);
        })();
        const rebuild = rebuildMeanwhile ? meili.reindex() : Promise.resolve(0);
        try {
          for (const batch of batches) await Promise.all(batch.map((op) => settle(apply(op))));
          await rebuild;
        } finally {
          running = false;
          await worker;
        }
        await deliverOutbox(prisma, meili);
        const result = await checkSearch(prisma, meili);
        expect(result.differences).toEqual([]);
        expect(result.pending).toBe(0);
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 6) },
  );
});

async function searchCheck(env: Record<string, string>) {
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/search-check.ts"], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL, ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

test("npm run search:check: exit 0 when search matches, 1 and the listing when a row or document is off", async () => {
  const meiliEnv = {
    MEILISEARCH_HOST: inject("meilisearchUrl"),
    MEILISEARCH_API_KEY: inject("meilisearchKey"),
    MEILISEARCH_INDEX: meili.uid,
  };
  const [first, second] = windows;
  // The property may have left them paused.
  for (const window of [first!, second!])
    await setListingStatus(window.listingId, cooperativeId, "PUBLISHED", actor);
  await deliverOutbox(prisma, meili);
  expect(await searchCheck(meiliEnv)).toEqual({
    code: 0,
    stdout: expect.stringContaining("matches"),
  });

  await prisma.searchListing.update({
    where: { listingId: first!.listingId },
    data: { priceKhr: 1 },
  });
  const postgresOnly = await searchCheck({});
  expect(postgresOnly.code).toBe(1);
  expect(postgresOnly.stdout).toContain(`postgres listing ${first!.listingId}: priceKhr`);

  const docs = await meili.client
    .index(meili.uid)
    .getDocuments({ filter: `listingId = ${second!.listingId}` });
  expect(docs.results.length).toBeGreaterThan(0);
  await succeeded(
    meili.client.index(meili.uid).deleteDocuments({ filter: `listingId = ${second!.listingId}` }),
  );
  const both = await searchCheck(meiliEnv);
  expect(both.code).toBe(1);
  expect(both.stdout).toContain(`meilisearch listing ${second!.listingId}: missing`);

  await prisma.$transaction((tx) => recordListingChange(tx, [first!.listingId, second!.listingId]));
  await deliverOutbox(prisma, meili);
  expect(await searchCheck(meiliEnv)).toEqual({
    code: 0,
    stdout: expect.stringContaining("matches"),
  });
});
