// What the search drivers index about a listing, read from PostgreSQL in one query.
import { type Prisma } from "~/db/generated/client";
import { segmentForIndex } from "./normalize";

/** A Prisma client or an interactive transaction: indexing runs inside the listing's transaction. */
export type Db = Prisma.TransactionClient;

const sourceSelect = {
  id: true,
  status: true,
  variety: true,
  grade: true,
  certification: true,
  priceMinor: true,
  currency: true,
  descriptionKm: true,
  descriptionEn: true,
  product: {
    select: { id: true, category: true, nameKm: true, nameEn: true, searchSynonyms: true },
  },
  cooperative: {
    select: {
      id: true,
      nameKm: true,
      nameEn: true,
      provinceCode: true,
      province: { select: { nameKm: true, nameEn: true } },
    },
  },
  windows: {
    select: { id: true, deliveryDate: true, cutoffAt: true, capacity: true, reserved: true },
    orderBy: { deliveryDate: "asc" },
  },
} as const;

export function loadSearchSources(
  db: Db,
  where: { ids?: number[]; afterId?: number; take?: number },
) {
  return db.listing.findMany({
    where: {
      ...(where.ids ? { id: { in: where.ids } } : {}),
      ...(where.afterId !== undefined ? { id: { gt: where.afterId } } : {}),
    },
    select: sourceSelect,
    orderBy: { id: "asc" },
    take: where.take,
  });
}

export type SearchSource = Awaited<ReturnType<typeof loadSearchSources>>[number];

/** Only published listings are ever searchable. */
export function isSearchable(source: { status: string }) {
  return source.status === "PUBLISHED";
}

/** All the words a listing can be found by, in both languages, normalised and segmented. */
export function searchTextOf(source: SearchSource) {
  return segmentForIndex(
    [
      source.product.nameKm,
      source.product.nameEn,
      ...source.product.searchSynonyms,
      source.variety ?? "",
      source.descriptionKm,
      source.descriptionEn,
      source.cooperative.nameKm,
      source.cooperative.nameEn,
      source.cooperative.province.nameKm,
      source.cooperative.province.nameEn,
    ].join(" "),
  );
}
