import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail, buildActor } from "../../tests/builders";
import {
  addWindow,
  copyLastWeek,
  createListing,
  type ListingInput,
  setListingStatus,
  setPledges,
  SupplyError,
  updateListing,
} from "./listings.server";
import { addDays, cambodiaInstant, cambodiaToday } from "~/calendar/dates";
import { listMembersForPledges } from "./queries.server";
import { type CommandActor } from "~/auth/permissions";

let cooperativeId: number;
let otherCooperativeId: number;
let members: number[];
let outsider: number;
let actor: CommandActor;
let waterSpinach: ListingInput;

beforeAll(async () => {
  await seedDemoData(prisma);
  const [a, b] = await prisma.organization.findMany({
    where: { kind: "COOPERATIVE" },
    orderBy: { id: "asc" },
    take: 2,
    select: { id: true },
  });
  cooperativeId = a!.id;
  otherCooperativeId = b!.id;
  members = (
    await prisma.farmer.findMany({ where: { cooperativeId }, select: { id: true }, take: 5 })
  ).map((f) => f.id);
  outsider = (
    await prisma.farmer.findFirstOrThrow({
      where: { cooperativeId: otherCooperativeId },
      select: { id: true },
    })
  ).id;
  actor = { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.9" };
  const product = await prisma.product.findUniqueOrThrow({
    where: { slug: "water-spinach" },
    select: { id: true },
  });
  waterSpinach = {
    productId: product.id,
    variety: null,
    grade: "A",
    certification: "GAP",
    priceMinor: 2600,
    currency: "KHR",
    minOrderQuantity: 10,
    descriptionKm: "ត្រកួនស្រស់ ពីកសិករសមាជិក",
    descriptionEn: "",
    deliveryAreas: [{ provinceCode: "17", districtCode: "1710" }],
  };
});

const soon = (days: number) => addDays(cambodiaToday(new Date()), days);
const cutoffBefore = (date: ReturnType<typeof soon>) => cambodiaInstant(addDays(date, -1), "17:00");

/** A delivery window of the listing `days` from today, cutoff the day before at 17:00. */
function windowIn(listing: number, days: number) {
  const date = soon(days);
  return addWindow(
    listing,
    cooperativeId,
    { deliveryDate: date, cutoffAt: cutoffBefore(date) },
    actor,
  );
}

/** A new listing with one delivery window `days` from today. */
async function listingWithWindow(days: number) {
  const listing = await createListing(cooperativeId, waterSpinach, actor);
  const windowId = await windowIn(listing, days);
  return { listing, windowId };
}

async function windowOf(id: number) {
  return prisma.deliveryWindow.findUniqueOrThrow({
    where: { id },
    select: {
      capacity: true,
      reserved: true,
      pledges: { select: { farmerId: true, quantity: true } },
    },
  });
}

describe("listings", () => {
  test("a new listing keeps its first price in the history", async () => {
    const id = await createListing(cooperativeId, waterSpinach, actor);
    const history = await prisma.priceChange.findMany({
      where: { listingId: id },
      select: { priceMinor: true, changedById: true },
    });
    expect(history).toEqual([{ priceMinor: 2600, changedById: actor.id }]);
  });

  test("every price change is kept with who and when; other edits add nothing", async () => {
    const id = await createListing(cooperativeId, waterSpinach, actor);
    await updateListing(id, cooperativeId, { ...waterSpinach, priceMinor: 2800 }, actor);
    await updateListing(
      id,
      cooperativeId,
      { ...waterSpinach, priceMinor: 2800, descriptionEn: "Fresh" },
      actor,
    );
    const history = await prisma.priceChange.findMany({
      where: { listingId: id },
      orderBy: { id: "asc" },
      select: { priceMinor: true },
    });
    expect(history.map((h) => h.priceMinor)).toEqual([2600, 2800]);
  });

  test("an absurd price is refused and nothing is saved", async () => {
    const before = await prisma.listing.count();
    await expect(
      createListing(cooperativeId, { ...waterSpinach, priceMinor: 260_000 }, actor),
    ).rejects.toMatchObject({
      key: "supply.priceFarFromMarket",
    });
    expect(await prisma.listing.count()).toBe(before);
  });

  test("another cooperative cannot change this one's listing", async () => {
    const id = await createListing(cooperativeId, waterSpinach, actor);
    // The other cooperative's lead, naming their own cooperative and this listing.
    const otherLead = await buildActor([{ organizationId: otherCooperativeId, role: "LEAD" }]);
    await expect(
      setListingStatus(id, otherCooperativeId, "PUBLISHED", otherLead),
    ).rejects.toMatchObject({ key: "supply.notFound" });
    await expect(
      updateListing(id, otherCooperativeId, { ...waterSpinach, priceMinor: 100 }, otherLead),
    ).rejects.toThrow(SupplyError);
    // Or naming this cooperative: not theirs.
    await expect(setListingStatus(id, cooperativeId, "PUBLISHED", otherLead)).rejects.toMatchObject(
      { key: "supply.forbidden" },
    );
    expect(
      await prisma.listing.findUnique({
        where: { id },
        select: { status: true, priceMinor: true },
      }),
    ).toEqual({
      status: "DRAFT",
      priceMinor: 2600,
    });
  });
});

describe("who may change a cooperative's supply, even calling the module directly", () => {
  test("only its lead (or an admin) manages listings and windows; a clerk and an outsider are refused and nothing changes", async () => {
    const { listing } = await listingWithWindow(5);
    const clerk = await buildActor([{ organizationId: cooperativeId, role: "MEMBER_CLERK" }]);
    const buyer = { ...(await actorByEmail("buyer@phsar.test")), ipAddress: "192.0.2.9" };
    const date = soon(12);
    for (const who of [clerk, buyer]) {
      for (const command of [
        () => createListing(cooperativeId, waterSpinach, who),
        () => updateListing(listing, cooperativeId, { ...waterSpinach, priceMinor: 1 }, who),
        () => setListingStatus(listing, cooperativeId, "CLOSED", who),
        () =>
          addWindow(
            listing,
            cooperativeId,
            { deliveryDate: date, cutoffAt: cutoffBefore(date) },
            who,
          ),
        () => copyLastWeek(listing, cooperativeId, who),
      ]) {
        await expect(command()).rejects.toMatchObject({ key: "supply.forbidden" });
      }
    }
    expect(
      await prisma.listing.findUniqueOrThrow({
        where: { id: listing },
        select: { status: true, priceMinor: true, _count: { select: { windows: true } } },
      }),
    ).toEqual({ status: "DRAFT", priceMinor: 2600, _count: { windows: 1 } });
    const admin = { ...(await actorByEmail("admin@phsar.test")), ipAddress: "192.0.2.9" };
    await setListingStatus(listing, cooperativeId, "PAUSED", admin);
    await addWindow(
      listing,
      cooperativeId,
      { deliveryDate: date, cutoffAt: cutoffBefore(date) },
      admin,
    );
    expect(await prisma.deliveryWindow.count({ where: { listingId: listing } })).toBe(2);
  });

  test("a clerk records pledges; an outsider cannot; a bad quantity is refused naming its member, and nothing is saved", async () => {
    const { windowId } = await listingWithWindow(6);
    const clerk = await buildActor([{ organizationId: cooperativeId, role: "MEMBER_CLERK" }]);
    const otherClerk = await buildActor([
      { organizationId: otherCooperativeId, role: "MEMBER_CLERK" },
    ]);
    await setPledges(windowId, cooperativeId, [{ farmerId: members[0]!, quantity: 40 }], clerk);
    await expect(
      setPledges(windowId, cooperativeId, [{ farmerId: members[0]!, quantity: 1 }], otherClerk),
    ).rejects.toMatchObject({ key: "supply.forbidden" });
    for (const quantity of [-1, 1.5, Number.NaN, 1_000_001]) {
      await expect(
        setPledges(
          windowId,
          cooperativeId,
          [
            { farmerId: members[1]!, quantity: 7 },
            { farmerId: members[0]!, quantity },
          ],
          clerk,
        ),
      ).rejects.toMatchObject({ key: "supply.quantity", field: `pledge-${members[0]}` });
    }
    expect(
      await prisma.pledge.findMany({
        where: { windowId },
        select: { farmerId: true, quantity: true },
      }),
    ).toEqual([{ farmerId: members[0]!, quantity: 40 }]);
    expect(
      (
        await prisma.deliveryWindow.findUniqueOrThrow({
          where: { id: windowId },
          select: { capacity: true },
        })
      ).capacity,
    ).toBe(40);
  });
});

describe("delivery windows and pledges", () => {
  test("capacity is the sum of the members' pledges; remaining is capacity minus reserved", async () => {
    const { windowId } = await listingWithWindow(5);
    await setPledges(
      windowId,
      cooperativeId,
      [
        { farmerId: members[0]!, quantity: 40 },
        { farmerId: members[1]!, quantity: 25 },
        { farmerId: members[2]!, quantity: 35 },
      ],
      actor,
    );
    expect(await windowOf(windowId)).toMatchObject({ capacity: 100, reserved: 0 });
    await setPledges(windowId, cooperativeId, [{ farmerId: members[1]!, quantity: 0 }], actor);
    expect((await windowOf(windowId)).capacity).toBe(75);
  });

  test("a pledge cannot drop below what orders already reserved, and nothing changes", async () => {
    const { windowId } = await listingWithWindow(6);
    await setPledges(
      windowId,
      cooperativeId,
      [
        { farmerId: members[0]!, quantity: 50 },
        { farmerId: members[1]!, quantity: 50 },
      ],
      actor,
    );
    await prisma.deliveryWindow.update({ where: { id: windowId }, data: { reserved: 80 } }); // as orders will
    await expect(
      setPledges(windowId, cooperativeId, [{ farmerId: members[0]!, quantity: 10 }], actor),
    ).rejects.toMatchObject({ key: "supply.pledgeBelowReserved" });
    expect(await windowOf(windowId)).toMatchObject({ capacity: 100, reserved: 80 });
  });

  test("the database itself refuses a reservation beyond capacity", async () => {
    const { windowId } = await listingWithWindow(8);
    await setPledges(windowId, cooperativeId, [{ farmerId: members[0]!, quantity: 20 }], actor);
    await expect(
      prisma.deliveryWindow.update({ where: { id: windowId }, data: { reserved: 21 } }),
    ).rejects.toThrow(/DeliveryWindow_reserved_within_capacity/);
  });

  test("only the cooperative's own members can pledge", async () => {
    const { windowId } = await listingWithWindow(7);
    const otherLead = await buildActor([{ organizationId: otherCooperativeId, role: "LEAD" }]);
    await expect(
      setPledges(windowId, cooperativeId, [{ farmerId: outsider, quantity: 10 }], actor),
    ).rejects.toMatchObject({
      key: "supply.notAMember",
    });
    await expect(
      setPledges(windowId, otherCooperativeId, [{ farmerId: outsider, quantity: 10 }], otherLead),
    ).rejects.toMatchObject({
      key: "supply.notFound",
    });
  });

  test("a deactivated member leaves the pledge form and takes no new pledge; the old one stays", async () => {
    const { windowId } = await listingWithWindow(9);
    const leaving = members[3]!;
    await setPledges(windowId, cooperativeId, [{ farmerId: leaving, quantity: 12 }], actor);
    await prisma.farmer.update({ where: { id: leaving }, data: { deactivatedAt: new Date() } });
    try {
      const listed = (await listMembersForPledges(cooperativeId)).map((m) => m.id);
      expect(listed).not.toContain(leaving);
      expect(listed).toContain(members[0]);
      await expect(
        setPledges(windowId, cooperativeId, [{ farmerId: leaving, quantity: 20 }], actor),
      ).rejects.toMatchObject({ key: "supply.memberDeactivated" });
      // History kept: the earlier pledge and the capacity it gave are untouched.
      expect(await windowOf(windowId)).toMatchObject({ capacity: 12 });
      await setPledges(windowId, cooperativeId, [{ farmerId: leaving, quantity: 0 }], actor);
      expect((await windowOf(windowId)).capacity).toBe(0);
    } finally {
      await prisma.farmer.update({ where: { id: leaving }, data: { deactivatedAt: null } });
    }
  });

  test("past dates, late cutoffs and duplicate dates are refused", async () => {
    const listing = await createListing(cooperativeId, waterSpinach, actor);
    const today = cambodiaToday(new Date());
    await expect(
      addWindow(
        listing,
        cooperativeId,
        { deliveryDate: today, cutoffAt: cutoffBefore(today) },
        actor,
      ),
    ).rejects.toMatchObject({
      key: "supply.deliveryInPast",
    });
    const date = soon(4);
    await expect(
      addWindow(
        listing,
        cooperativeId,
        {
          deliveryDate: date,
          cutoffAt: cambodiaInstant(date, "08:00"),
        },
        actor,
      ),
    ).rejects.toMatchObject({ key: "supply.cutoffAfterDelivery" });
    await addWindow(
      listing,
      cooperativeId,
      { deliveryDate: date, cutoffAt: cutoffBefore(date) },
      actor,
    );
    await expect(
      addWindow(
        listing,
        cooperativeId,
        { deliveryDate: date, cutoffAt: cutoffBefore(date) },
        actor,
      ),
    ).rejects.toMatchObject({
      key: "supply.windowExists",
    });
  });

  test("copy last week makes next week's windows with the same pledges, once", async () => {
    const listing = await createListing(cooperativeId, waterSpinach, actor);
    for (const days of [3, 6]) {
      const windowId = await windowIn(listing, days);
      await setPledges(
        windowId,
        cooperativeId,
        [{ farmerId: members[0]!, quantity: days * 10 }],
        actor,
      );
    }
    expect(await copyLastWeek(listing, cooperativeId, actor)).toBe(2);
    expect(await copyLastWeek(listing, cooperativeId, actor)).toBe(2); // the copies are now the latest week
    const windows = await prisma.deliveryWindow.findMany({
      where: { listingId: listing },
      orderBy: { deliveryDate: "asc" },
      select: { capacity: true, pledges: { select: { quantity: true } } },
    });
    expect(windows.map((w) => w.capacity)).toEqual([30, 60, 30, 60, 30, 60]);
    for (const w of windows) expect(w.capacity).toBe(w.pledges.reduce((s, p) => s + p.quantity, 0));
  });

  test("property: after any sequence of pledge changes, capacity equals the sum of pledges and covers reserved", async () => {
    const { windowId } = await listingWithWindow(9);
    await prisma.deliveryWindow.update({
      where: { id: windowId },
      data: { capacity: 0, reserved: 0 },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            member: fc.integer({ min: 0, max: 4 }),
            quantity: fc.integer({ min: 0, max: 60 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 0, max: 100 }),
        async (changes, reserve) => {
          const byMember = new Map(changes.map((c) => [members[c.member]!, c.quantity]));
          const current = await windowOf(windowId);
          await prisma.deliveryWindow.update({
            where: { id: windowId },
            data: { reserved: Math.min(reserve, current.capacity) },
          });
          await setPledges(
            windowId,
            cooperativeId,
            [...byMember].map(([farmerId, quantity]) => ({ farmerId, quantity })),
            actor,
          ).catch((error: unknown) => {
            if (!(error instanceof SupplyError && error.key === "supply.pledgeBelowReserved"))
              throw error;
          });
          const after = await windowOf(windowId);
          expect(after.capacity).toBe(after.pledges.reduce((s, p) => s + p.quantity, 0));
          expect(after.reserved).toBeLessThanOrEqual(after.capacity);
        },
      ),
      { numRuns: 40 },
    );
  });
});
