import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { recordListingChange } from "~/search/sync.server";
import {
  type Certification,
  type Currency,
  type Grade,
  type ListingStatus,
} from "~/db/generated/enums";
import { addDays, dateColumn, dateOnly, type IsoDate } from "~/calendar/dates";
import { capacityOf, checkPrice, checkWindow, MAX_QUANTITY } from "./rules";
import { DomainError } from "~/validation/errors";
import { can, type CommandActor, type Permission } from "~/auth/permissions";

/** A refusal the user can act on; `key` is a translation key, `field` the form field it belongs to. */
export class SupplyError extends DomainError {
  constructor(key: string, field?: string) {
    super(key, field);
    this.name = "SupplyError";
  }
}

// Checked here, not only in the route, so no caller can change another cooperative's supply; before
// any lookup, so an outsider learns nothing about the listing.
function assertMay(actor: CommandActor, permission: Permission, cooperativeId: number) {
  if (!can(actor, permission, cooperativeId)) throw new SupplyError("supply.forbidden");
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export type ListingInput = {
  productId: number;
  variety: string | null;
  grade: Grade;
  certification: Certification;
  priceMinor: number;
  currency: Currency;
  minOrderQuantity: number;
  descriptionKm: string;
  descriptionEn: string;
  deliveryAreas: { provinceCode: string; districtCode: string | null }[];
};

async function checkListingInput(tx: Tx, input: ListingInput, currentProductId?: number) {
  const product = await tx.product.findUnique({
    where: { id: input.productId },
    select: { referencePriceKhr: true, active: true },
  });
  if (!product) throw new SupplyError("supply.unknownProduct", "productId");
  // A deactivated product stays on the listings that have it, but no listing may newly choose it.
  if (!product.active && input.productId !== currentProductId)
    throw new SupplyError("supply.productInactive", "productId");
  const priceProblem = checkPrice(input.priceMinor, input.currency, product.referencePriceKhr);
  if (priceProblem) throw new SupplyError(priceProblem, "price");
  const districts = input.deliveryAreas.filter((a) => a.districtCode);
  if (districts.length) {
    const found = await tx.district.count({
      where: {
        OR: districts.map((a) => ({ code: a.districtCode!, provinceCode: a.provinceCode })),
      },
    });
    if (found !== districts.length) throw new SupplyError("validation.district", "deliveryAreas");
  }
}

/** Creates a draft listing with its delivery areas and first price, all or nothing. */
export async function createListing(
  cooperativeId: number,
  input: ListingInput,
  actor: CommandActor,
) {
  assertMay(actor, "manage:listings:own", cooperativeId);
  return prisma.$transaction(async (tx) => {
    // FOR SHARE: a deactivation (organizations/unions.server.ts) waits for this listing, or this
    // waits for it and sees the cooperative deactivated.
    const [cooperative] = await tx.$queryRaw<{ deactivatedAt: Date | null }[]>`
      SELECT "deactivatedAt" FROM "Organization" WHERE "id" = ${cooperativeId} FOR SHARE`;
    if (cooperative?.deactivatedAt) throw new SupplyError("onboarding.cooperatives.inactive");
    await checkListingInput(tx, input);
    const { deliveryAreas, ...fields } = input;
    const listing = await tx.listing.create({
      data: {
        ...fields,
        cooperativeId,
        deliveryAreas: { create: deliveryAreas },
        priceChanges: {
          create: {
            priceMinor: input.priceMinor,
            currency: input.currency,
            changedById: actor.id,
          },
        },
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "listing.created",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "Listing",
        targetId: listing.id,
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    await recordListingChange(tx, [listing.id]);
    return listing.id;
  });
}

/** The listing, only if it belongs to this cooperative (ownership is part of every query). */
async function ownedListing(tx: Tx, listingId: number, cooperativeId: number) {
  const listing = await tx.listing.findFirst({
    where: { id: listingId, cooperativeId },
    select: { id: true, priceMinor: true, currency: true, status: true, productId: true },
  });
  if (!listing) throw new SupplyError("supply.notFound");
  return listing;
}

/** Saves changes; a new price or currency is kept in the price history with who and when. */
export async function updateListing(
  listingId: number,
  cooperativeId: number,
  input: ListingInput,
  actor: CommandActor,
) {
  assertMay(actor, "manage:listings:own", cooperativeId);
  await prisma.$transaction(async (tx) => {
    const before = await ownedListing(tx, listingId, cooperativeId);
    await checkListingInput(tx, input, before.productId);
    const { deliveryAreas, ...fields } = input;
    await tx.listing.update({ where: { id: listingId }, data: fields, select: { id: true } });
    await tx.listingDeliveryArea.deleteMany({ where: { listingId } });
    await tx.listingDeliveryArea.createMany({
      data: deliveryAreas.map((area) => ({ ...area, listingId })),
    });
    if (before.priceMinor !== input.priceMinor || before.currency !== input.currency) {
      await tx.priceChange.create({
        data: {
          listingId,
          priceMinor: input.priceMinor,
          currency: input.currency,
          changedById: actor.id,
        },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "listing.price_changed",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "Listing",
          targetId: listingId,
          details: {
            from: `${before.priceMinor} ${before.currency}`,
            to: `${input.priceMinor} ${input.currency}`,
          },
          ipAddress: actor.ipAddress,
        },
        tx,
      );
    }
    await recordListingChange(tx, [listingId]);
  });
}

export async function setListingStatus(
  listingId: number,
  cooperativeId: number,
  status: ListingStatus,
  actor: CommandActor,
) {
  assertMay(actor, "manage:listings:own", cooperativeId);
  await prisma.$transaction(async (tx) => {
    const before = await ownedListing(tx, listingId, cooperativeId);
    if (before.status === "CLOSED" && status !== "CLOSED")
      throw new SupplyError("supply.closedIsFinal");
    await tx.listing.update({ where: { id: listingId }, data: { status }, select: { id: true } });
    await recordAudit(
      {
        action: "listing.status_changed",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "Listing",
        targetId: listingId,
        details: { from: before.status, to: status },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    await recordListingChange(tx, [listingId]);
  });
}

export async function addWindow(
  listingId: number,
  cooperativeId: number,
  window: { deliveryDate: IsoDate; cutoffAt: Date },
  actor: CommandActor,
  now = new Date(),
) {
  assertMay(actor, "manage:listings:own", cooperativeId);
  const problems = checkWindow(window.deliveryDate, window.cutoffAt, now);
  if (problems.length)
    throw new SupplyError(
      problems[0]!,
      problems[0]!.startsWith("supply.delivery") ? "deliveryDate" : "cutoffTime",
    );
  return prisma.$transaction(async (tx) => {
    await ownedListing(tx, listingId, cooperativeId);
    const exists = await tx.deliveryWindow.findUnique({
      where: {
        listingId_deliveryDate: {
          listingId,
          deliveryDate: dateColumn(window.deliveryDate),
        },
      },
      select: { id: true },
    });
    if (exists) throw new SupplyError("supply.windowExists", "deliveryDate");
    const created = await tx.deliveryWindow.create({
      data: {
        listingId,
        deliveryDate: dateColumn(window.deliveryDate),
        cutoffAt: window.cutoffAt,
      },
      select: { id: true },
    });
    await recordListingChange(tx, [listingId]);
    return created.id;
  });
}

/**
 * Sets what each member pledges for a window (a quantity of 0 removes the pledge) and recomputes
 * the capacity in the same transaction. The window row is locked, so an order reserving at the same
 * moment cannot slip between the check and the update; capacity may never fall below what is reserved.
 */
export async function setPledges(
  windowId: number,
  cooperativeId: number,
  pledges: { farmerId: number; quantity: number }[],
  actor: CommandActor,
) {
  assertMay(actor, "record:pledges:own", cooperativeId);
  // Whole units of the listing, 0 (no pledge) up to MAX_QUANTITY; the error names the member.
  const bad = pledges.find(
    (p) =>
      !Number.isSafeInteger(p.farmerId) ||
      p.farmerId <= 0 ||
      !Number.isInteger(p.quantity) ||
      p.quantity < 0 ||
      p.quantity > MAX_QUANTITY,
  );
  if (bad) throw new SupplyError("supply.quantity", `pledge-${bad.farmerId}`);
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: number; listingId: number; reserved: number }[]>`
      SELECT w."id", w."listingId", w."reserved" FROM "DeliveryWindow" w
        JOIN "Listing" l ON l."id" = w."listingId"
       WHERE w."id" = ${windowId} AND l."cooperativeId" = ${cooperativeId}
       FOR UPDATE OF w`;
    const window = locked[0];
    if (!window) throw new SupplyError("supply.notFound");
    const farmerIds = [...new Set(pledges.map((p) => p.farmerId))];
    if (farmerIds.length !== pledges.length)
      throw new SupplyError("supply.csvDuplicate", "pledges");
    const members = await tx.farmer.count({ where: { id: { in: farmerIds }, cooperativeId } });
    if (members !== farmerIds.length) throw new SupplyError("supply.notAMember", "pledges");
    // A deactivated member takes no pledge; one made before stays (history) or is removed (0).
    const pledging = pledges.filter((p) => p.quantity > 0).map((p) => p.farmerId);
    const inactive = await tx.farmer.count({
      where: { id: { in: pledging }, deactivatedAt: { not: null } },
    });
    if (inactive) throw new SupplyError("supply.memberDeactivated", "pledges");

    for (const { farmerId, quantity } of pledges) {
      if (quantity === 0) await tx.pledge.deleteMany({ where: { windowId, farmerId } });
      else {
        await tx.pledge.upsert({
          where: { windowId_farmerId: { windowId, farmerId } },
          create: { windowId, farmerId, quantity },
          update: { quantity },
          select: { id: true },
        });
      }
    }
    const total = await tx.pledge.aggregate({ where: { windowId }, _sum: { quantity: true } });
    const capacity = total._sum.quantity ?? 0;
    if (capacity < window.reserved) throw new SupplyError("supply.pledgeBelowReserved", "pledges");
    await tx.deliveryWindow.update({
      where: { id: windowId },
      data: { capacity },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "pledges.updated",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "DeliveryWindow",
        targetId: windowId,
        details: { capacity },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    await recordListingChange(tx, [window.listingId]);
  });
}

/**
 * "Copy last week": the windows of the latest week (the seven days up to the last delivery date)
 * again seven days later, with the same pledges, in one transaction. Dates that already have a window
 * are left alone.
 */
export async function copyLastWeek(
  listingId: number,
  cooperativeId: number,
  actor: CommandActor,
  now = new Date(),
) {
  assertMay(actor, "manage:listings:own", cooperativeId);
  return prisma.$transaction(async (tx) => {
    await ownedListing(tx, listingId, cooperativeId);
    const latest = await tx.deliveryWindow.findFirst({
      where: { listingId },
      orderBy: { deliveryDate: "desc" },
      select: { deliveryDate: true },
    });
    if (!latest) throw new SupplyError("supply.nothingToCopy");
    const lastDate = dateOnly(latest.deliveryDate);
    const week = await tx.deliveryWindow.findMany({
      where: { listingId, deliveryDate: { gt: dateColumn(addDays(lastDate, -7)) } },
      select: {
        deliveryDate: true,
        cutoffAt: true,
        pledges: { select: { farmerId: true, quantity: true } },
      },
    });
    const taken = new Set(
      (
        await tx.deliveryWindow.findMany({ where: { listingId }, select: { deliveryDate: true } })
      ).map((w) => dateOnly(w.deliveryDate)),
    );
    let created = 0;
    for (const window of week) {
      const deliveryDate = addDays(dateOnly(window.deliveryDate), 7);
      const cutoffAt = new Date(window.cutoffAt.getTime() + 7 * 24 * 60 * 60 * 1000);
      if (taken.has(deliveryDate) || checkWindow(deliveryDate, cutoffAt, now).length) continue;
      await tx.deliveryWindow.create({
        data: {
          listingId,
          deliveryDate: dateColumn(deliveryDate),
          cutoffAt,
          capacity: capacityOf(window.pledges),
          pledges: { create: window.pledges },
        },
        select: { id: true },
      });
      created++;
    }
    if (created) await recordListingChange(tx, [listingId]);
    return created;
  });
}
