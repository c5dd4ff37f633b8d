import { prisma } from "~/db/db.server";

const listingSummary = {
  id: true,
  variety: true,
  grade: true,
  certification: true,
  priceMinor: true,
  currency: true,
  minOrderQuantity: true,
  status: true,
  product: {
    select: { id: true, slug: true, nameKm: true, nameEn: true, unit: true, category: true },
  },
  photos: {
    select: { storageKey: true, width: true, height: true },
    orderBy: { position: "asc" },
  },
} as const;

const windowSummary = {
  id: true,
  deliveryDate: true,
  cutoffAt: true,
  capacity: true,
  reserved: true,
} as const;

/** Every listing of a cooperative, for its lead (all statuses). */
export function listListingsForCooperative(cooperativeId: number) {
  return prisma.listing.findMany({
    where: { cooperativeId },
    select: { ...listingSummary, _count: { select: { windows: true } } },
    orderBy: [{ status: "asc" }, { id: "desc" }],
  });
}

/** One listing with its windows and each member's pledges, only for its own cooperative. */
export function getListingForCooperative(listingId: number, cooperativeId: number) {
  return prisma.listing.findFirst({
    where: { id: listingId, cooperativeId },
    select: {
      ...listingSummary,
      descriptionKm: true,
      descriptionEn: true,
      deliveryAreas: { select: { provinceCode: true, districtCode: true } },
      priceChanges: {
        select: {
          priceMinor: true,
          currency: true,
          changedAt: true,
          changedBy: { select: { name: true } },
        },
        orderBy: { changedAt: "desc" },
        take: 10,
      },
      windows: {
        select: { ...windowSummary, pledges: { select: { farmerId: true, quantity: true } } },
        orderBy: { deliveryDate: "asc" },
      },
    },
  });
}

/** A published listing as buyers see it, with windows still open for orders. */
export function getPublishedListing(listingId: number, now = new Date()) {
  return prisma.listing.findFirst({
    where: { id: listingId, status: "PUBLISHED" },
    select: {
      ...listingSummary,
      descriptionKm: true,
      descriptionEn: true,
      cooperative: {
        select: {
          slug: true,
          nameKm: true,
          nameEn: true,
          province: { select: { nameKm: true, nameEn: true } },
        },
      },
      deliveryAreas: {
        select: {
          province: { select: { code: true, nameKm: true, nameEn: true } },
          district: { select: { code: true, nameKm: true, nameEn: true } },
        },
        orderBy: [{ provinceCode: "asc" }, { districtCode: "asc" }],
      },
      windows: {
        where: { cutoffAt: { gt: now } },
        select: windowSummary,
        orderBy: { deliveryDate: "asc" },
      },
    },
  });
}

/** Published listings (of one cooperative, or all), with their next open windows. */
export function listPublishedListings({
  cooperativeId,
  now = new Date(),
  take = 50,
}: { cooperativeId?: number; now?: Date; take?: number } = {}) {
  return prisma.listing.findMany({
    where: { status: "PUBLISHED", cooperativeId },
    select: {
      ...listingSummary,
      cooperative: { select: { slug: true, nameKm: true, nameEn: true } },
      windows: {
        where: { cutoffAt: { gt: now } },
        select: windowSummary,
        orderBy: { deliveryDate: "asc" },
        take: 3,
      },
    },
    orderBy: { updatedAt: "desc" },
    take,
  });
}

/** Active members only: a deactivated member's pledges stay (history) but they take no new ones. */
export function listMembersForPledges(cooperativeId: number) {
  return prisma.farmer.findMany({
    where: { cooperativeId, deactivatedAt: null },
    select: { id: true, name: true, village: true },
    orderBy: [{ village: "asc" }, { name: "asc" }],
  });
}

/** Active products, and the listing's own product even if it was deactivated since. */
export function listProductsForListing(listingId?: number) {
  return prisma.product.findMany({
    where: {
      OR: [{ active: true }, ...(listingId ? [{ listings: { some: { id: listingId } } }] : [])],
    },
    select: { id: true, nameKm: true, nameEn: true, unit: true, referencePriceKhr: true },
    orderBy: { nameEn: "asc" },
  });
}
