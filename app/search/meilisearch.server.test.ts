// A Meilisearch rebuild while the worker delivers (issue #25, item 4): changes delivered to the old
// index during the fill are replayed into the new one before the swap, for `npm run search:reindex`
// and for the settings-change rebuild at start-up.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { prisma } from "~/db/db.server";
import { type ListingInput, updateListing } from "~/supply/listings.server";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail, buildWindow, userByEmail } from "../../tests/builders";
import { type ListingDocument, meilisearchEngine, succeeded } from "./meilisearch.server";
import { deliverOutbox, pendingOutbox } from "./outbox.server";
import { recordListingChange } from "./sync.server";
import { type CommandActor } from "~/auth/permissions";

const engine = meilisearchEngine(prisma, {
  host: inject("meilisearchUrl"),
  apiKey: inject("meilisearchKey"),
  index: `rebuild_${randomUUID().slice(0, 8)}`,
});
let cooperativeId: number;
let actor: CommandActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await userByEmail("lead@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  actor = { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.44" };
  await engine.ensureIndex();
  await deliverOutbox(prisma, engine);
});

afterAll(async () => {
  await engine.client.deleteIndex(engine.uid).waitTask();
});

/** A published listing at 2,000 riel, indexed and delivered. */
async function deliveredListing() {
  const window = await buildWindow({ cooperativeId, priceMinor: 2_000, days: 6 });
  await prisma.$transaction((tx) => recordListingChange(tx, [window.listingId]));
  await deliverOutbox(prisma, engine);
  return window.listingId;
}

async function setPrice(listingId: number, priceMinor: number) {
  const { deliveryAreas, ...fields } = await prisma.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: {
      productId: true,
      variety: true,
      grade: true,
      certification: true,
      currency: true,
      minOrderQuantity: true,
      descriptionKm: true,
      descriptionEn: true,
      deliveryAreas: { select: { provinceCode: true, districtCode: true } },
    },
  });
  const input: ListingInput = { ...fields, priceMinor, deliveryAreas };
  await updateListing(listingId, cooperativeId, input, actor);
}

/** The prices Meilisearch holds for these listings, by listing id. */
async function indexedPrices(listingIds: number[]) {
  const { results } = await engine.client
    .index<ListingDocument>(engine.uid)
    .getDocuments({ filter: `listingId IN [${listingIds.join(",")}]`, limit: 1_000 });
  return Object.fromEntries(results.map((doc) => [doc.listingId, doc.priceKhr]));
}

test("a change delivered to the old index during the fill survives the swap (search:reindex)", async () => {
  const listingId = await deliveredListing();
  await engine.reindex({
    afterFill: async () => {
      // What the running worker does meanwhile: the change goes to the index still live.
      await setPrice(listingId, 5_000);
      await deliverOutbox(prisma, engine);
    },
  });
  expect(await indexedPrices([listingId])).toEqual({ [listingId]: 5_000 });
  expect(await pendingOutbox(prisma)).toBe(0);
});

test("the settings-change rebuild at start-up replays changes delivered during its fill", async () => {
  const listingId = await deliveredListing();
  // Another instance started with other settings: this one finds them different and rebuilds.
  await succeeded(engine.client.index(engine.uid).updateSettings({ synonyms: { x: ["y"] } }));
  const outcome = await engine.ensureIndex({
    afterFill: async () => {
      await setPrice(listingId, 5_500);
      await deliverOutbox(prisma, engine);
    },
  });
  expect(outcome).toBe("swapped");
  expect(await indexedPrices([listingId])).toEqual({ [listingId]: 5_500 });
});

test("real parallel: changes and deliveries while a rebuild runs all end up in the new index", async () => {
  const listingIds: number[] = [];
  for (let i = 0; i < 12; i++) listingIds.push(await deliveredListing());
  let rebuilding = true;
  const rebuild = engine.reindex().finally(() => (rebuilding = false));
  let round = 0;
  const worker = (async () => {
    while (rebuilding) {
      const listingId = listingIds[round % listingIds.length]!;
      await setPrice(listingId, 3_000 + round * 10);
      await deliverOutbox(prisma, engine);
      round++;
    }
  })();
  await Promise.all([rebuild, worker]);
  await deliverOutbox(prisma, engine);
  const expected = Object.fromEntries(
    (
      await prisma.listing.findMany({
        where: { id: { in: listingIds } },
        select: { id: true, priceMinor: true },
      })
    ).map((listing) => [listing.id, listing.priceMinor]),
  );
  expect(round).toBeGreaterThan(0);
  expect(await indexedPrices(listingIds)).toEqual(expected);
});
