// Search rows stay right when two changes to a listing overlap (issue #25, item 2): real parallel
// calls on PostgreSQL, and fixed interleavings where one change is paused between reading the
// listing and writing its search row while the other runs.
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import {
  addWindow,
  copyLastWeek,
  type ListingInput,
  setListingStatus,
  setPledges,
  updateListing,
} from "~/supply/listings.server";
import { addDays, cambodiaInstant, cambodiaToday } from "~/calendar/dates";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail, buildWindow, userByEmail } from "../../tests/builders";
import { indexingPause, searchPostgres } from "./postgres.server";
import { SearchParamsSchema } from "./query";
import { recordListingChange, recordProductChange } from "./sync.server";
import { type CommandActor } from "~/auth/permissions";

let cooperativeId: number;
let actor: CommandActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await userByEmail("lead@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  actor = { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.25" };
});

/** A published, indexed listing at 2,000 riel with one window pledged 50 by its first farmer. */
async function indexedListing() {
  const window = await buildWindow({ cooperativeId, priceMinor: 2_000, pledges: [50], days: 6 });
  await prisma.$transaction((tx) => recordListingChange(tx, [window.listingId]));
  return window;
}

async function listingInput(listingId: number): Promise<ListingInput> {
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

const searchRow = (listingId: number) =>
  prisma.searchListing.findUnique({
    where: { listingId },
    select: { priceMinor: true, priceKhr: true },
  });

/** Listing ids a "max 3,000 riel" search finds, every page. */
async function atMost3000() {
  const found: number[] = [];
  for (let page = 1; ; page++) {
    const result = await searchPostgres(
      prisma,
      SearchParamsSchema.parse({ priceMax: 3_000, perPage: 50, page }),
    );
    found.push(...result.listingIds);
    if (found.length >= result.total || result.listingIds.length === 0) return found;
  }
}

/** Pauses the first indexing of this listing after it read the listing, until released. */
function pauseIndexingOf(listingId: number) {
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let used = false;
  indexingPause.afterRead = async (ids) => {
    if (used || !ids.includes(listingId)) return;
    used = true;
    reached();
    await released;
  };
  return {
    reached: reachedPromise,
    release() {
      indexingPause.afterRead = undefined;
      release();
    },
  };
}

/** Resolves once `operation` has settled or some statement of this database waits for a lock. */
async function settledOrWaitingOnALock(operation: Promise<unknown>) {
  let settled = false;
  operation.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 1_000; i++) {
    if (settled) return "settled";
    const [row] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row!.n > 0) return "waiting";
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the second change neither finished nor waited for a lock");
}

/**
 * Runs `first` until it has read the listing for its search row, then `second` (which finishes, or
 * waits for the listing's lock), then lets `first` write and both finish.
 */
async function interleave(
  listingId: number,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
) {
  const pause = pauseIndexingOf(listingId);
  const firstRun = first();
  await pause.reached;
  const secondRun = second();
  try {
    await settledOrWaitingOnALock(secondRun);
  } finally {
    pause.release();
  }
  await Promise.all([firstRun, secondRun]);
}

describe("fixed interleavings", () => {
  test("pausing while pledges are saved: the paused listing leaves search", async () => {
    const window = await indexedListing();
    await interleave(
      window.listingId,
      () =>
        setPledges(
          window.id,
          cooperativeId,
          [{ farmerId: window.farmerIds[0]!, quantity: 70 }],
          actor,
        ),
      () => setListingStatus(window.listingId, cooperativeId, "PAUSED", actor),
    );
    expect(await searchRow(window.listingId)).toBeNull();
  });

  test("a price change from 2,000 to 5,000 during a pledge save: search holds 5,000", async () => {
    const window = await indexedListing();
    const input = await listingInput(window.listingId);
    await interleave(
      window.listingId,
      () =>
        setPledges(
          window.id,
          cooperativeId,
          [{ farmerId: window.farmerIds[0]!, quantity: 80 }],
          actor,
        ),
      () => updateListing(window.listingId, cooperativeId, { ...input, priceMinor: 5_000 }, actor),
    );
    expect(await searchRow(window.listingId)).toEqual({ priceMinor: 5_000, priceKhr: 5_000 });
    expect(await atMost3000()).not.toContain(window.listingId);
  });

  test("pausing while a delivery date is added, or last week copied: the listing leaves search", async () => {
    const added = await indexedListing();
    const date = addDays(cambodiaToday(new Date()), 9);
    await interleave(
      added.listingId,
      () =>
        addWindow(
          added.listingId,
          cooperativeId,
          {
            deliveryDate: date,
            cutoffAt: cambodiaInstant(addDays(date, -1), "17:00"),
          },
          actor,
        ),
      () => setListingStatus(added.listingId, cooperativeId, "PAUSED", actor),
    );
    expect(await searchRow(added.listingId)).toBeNull();

    const copied = await indexedListing();
    await interleave(
      copied.listingId,
      () => copyLastWeek(copied.listingId, cooperativeId, actor),
      () => setListingStatus(copied.listingId, cooperativeId, "PAUSED", actor),
    );
    expect(await prisma.deliveryWindow.count({ where: { listingId: copied.listingId } })).toBe(2);
    expect(await searchRow(copied.listingId)).toBeNull();
  });
});

/**
 * Runs each pair's two calls at once, four pairs at a time: enough transactions in flight to
 * overlap, never more than the pool's ten connections (Prisma gives up waiting for one after 2 s).
 */
async function racePairs<T>(
  items: T[],
  pair: (item: T, i: number) => [() => Promise<unknown>, () => Promise<unknown>],
) {
  for (let start = 0; start < items.length; start += 4) {
    const chunk = items.slice(start, start + 4);
    await Promise.all(
      chunk.flatMap((item, offset) => pair(item, start + offset).map((call) => call())),
    );
  }
}

async function indexedListings(count: number) {
  const windows = [];
  for (let i = 0; i < count; i++) windows.push(await indexedListing());
  return windows;
}

describe("real parallel calls", () => {
  test("30 listings paused while their pledges are saved: none stays searchable", async () => {
    const windows = await indexedListings(30);
    await racePairs(windows, (window, i) => [
      () =>
        setPledges(
          window.id,
          cooperativeId,
          [{ farmerId: window.farmerIds[0]!, quantity: 60 + i }],
          actor,
        ),
      () => setListingStatus(window.listingId, cooperativeId, "PAUSED", actor),
    ]);
    const stale = await prisma.searchListing.count({
      where: { listingId: { in: windows.map((w) => w.listingId) } },
    });
    expect(stale).toBe(0);
  });

  test("40 price changes to 5,000 during pledge saves: a max-3,000 search finds none", async () => {
    const windows = await indexedListings(40);
    const inputs = await Promise.all(windows.map((w) => listingInput(w.listingId)));
    await racePairs(windows, (window, i) => [
      () =>
        setPledges(
          window.id,
          cooperativeId,
          [{ farmerId: window.farmerIds[0]!, quantity: 60 + i }],
          actor,
        ),
      () =>
        updateListing(window.listingId, cooperativeId, { ...inputs[i]!, priceMinor: 5_000 }, actor),
    ]);
    const found = await atMost3000();
    expect(windows.filter((w) => found.includes(w.listingId))).toEqual([]);
    const rows = await prisma.searchListing.findMany({
      where: { listingId: { in: windows.map((w) => w.listingId) } },
      select: { priceMinor: true },
    });
    expect(rows.map((r) => r.priceMinor)).toEqual(windows.map(() => 5_000));
  });
});

test("a product renamed with recordProductChange is found by its new name, with an outbox event per listing", async () => {
  const window = await indexedListing();
  const { productId } = await prisma.listing.findUniqueOrThrow({
    where: { id: window.listingId },
    select: { productId: true },
  });
  const listings = await prisma.listing.findMany({ where: { productId }, select: { id: true } });
  const before = await prisma.searchOutbox.count({ where: { listingId: window.listingId } });
  await prisma.$transaction(async (tx) => {
    await tx.product.update({ where: { id: productId }, data: { nameEn: "Glimmerleaf" } });
    await recordProductChange(tx, productId);
  });
  const result = await searchPostgres(
    prisma,
    SearchParamsSchema.parse({ q: "glimmerleaf", perPage: 50 }),
  );
  expect(result.listingIds).toContain(window.listingId);
  expect(await prisma.searchOutbox.count({ where: { listingId: window.listingId } })).toBe(
    before + 1,
  );
  expect(
    await prisma.searchOutbox.count({ where: { listingId: { in: listings.map((l) => l.id) } } }),
  ).toBeGreaterThanOrEqual(listings.length);
});
