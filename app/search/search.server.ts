// The one entry point the search page and the API use: validated parameters in, hits with what
// remains of their next delivery windows and facet counts out. The engine (PostgreSQL or
// Meilisearch) only finds and orders listing ids; what is shown is read from PostgreSQL.
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { dateOnly } from "~/calendar/dates";
import { remainingOf } from "~/supply/rules";
import { type FacetCounts, type SearchEngine } from "./engine";
import { postgresEngine } from "./postgres.server";
import { type SearchParams } from "./query";

const NEXT_WINDOWS = 3;

let engine: SearchEngine | undefined;

/** The configured engine: Meilisearch when MEILISEARCH_HOST is set, PostgreSQL otherwise. */
export async function getSearchEngine(): Promise<SearchEngine> {
  if (engine) return engine;
  if (env.MEILISEARCH_HOST) {
    const { meilisearchEngine } = await import("./meilisearch.server");
    engine = meilisearchEngine(prisma, {
      host: env.MEILISEARCH_HOST,
      apiKey: env.MEILISEARCH_API_KEY,
      index: env.MEILISEARCH_INDEX,
    });
  } else {
    engine = postgresEngine(prisma);
  }
  return engine;
}

export type SearchHit = Awaited<ReturnType<typeof loadHits>>[number];

export type SearchResponse = {
  total: number;
  page: number;
  perPage: number;
  pages: number;
  hits: SearchHit[];
  facets: FacetCounts;
};

async function loadHits(ids: number[], params: SearchParams, now: Date) {
  if (ids.length === 0) return [];
  const listings = await prisma.listing.findMany({
    where: { id: { in: ids }, status: "PUBLISHED" },
    select: {
      id: true,
      variety: true,
      grade: true,
      certification: true,
      priceMinor: true,
      currency: true,
      minOrderQuantity: true,
      product: {
        select: { id: true, slug: true, nameKm: true, nameEn: true, unit: true, category: true },
      },
      cooperative: {
        select: {
          id: true,
          slug: true,
          nameKm: true,
          nameEn: true,
          province: { select: { code: true, nameKm: true, nameEn: true } },
        },
      },
      windows: {
        where: {
          cutoffAt: { gt: now },
          deliveryDate: {
            ...(params.from ? { gte: new Date(`${params.from}T00:00:00Z`) } : {}),
            ...(params.to ? { lte: new Date(`${params.to}T00:00:00Z`) } : {}),
          },
        },
        select: { id: true, deliveryDate: true, cutoffAt: true, capacity: true, reserved: true },
        orderBy: { deliveryDate: "asc" },
        take: NEXT_WINDOWS,
      },
    },
  });
  const byId = new Map(listings.map((listing) => [listing.id, listing]));
  return ids.flatMap((id) => {
    const listing = byId.get(id);
    if (!listing) return [];
    const { windows, ...rest } = listing;
    return [
      {
        ...rest,
        windows: windows.map((w) => ({
          id: w.id,
          deliveryDate: dateOnly(w.deliveryDate),
          cutoffAt: w.cutoffAt.toISOString(),
          capacity: w.capacity,
          reserved: w.reserved,
          remaining: remainingOf(w),
        })),
      },
    ];
  });
}

type Names = { nameKm: string; nameEn: string };

/** Names for the facet values that are ids or codes (products, cooperatives, provinces). */
export async function facetNames(facets: FacetCounts) {
  const ids = (counts: Record<string, number>) => Object.keys(counts).map(Number);
  const [products, cooperatives, provinces] = await Promise.all([
    prisma.product.findMany({
      where: { id: { in: ids(facets.product) } },
      select: { id: true, nameKm: true, nameEn: true },
    }),
    prisma.organization.findMany({
      where: { id: { in: ids(facets.cooperative) } },
      select: { id: true, nameKm: true, nameEn: true },
    }),
    prisma.province.findMany({
      where: { code: { in: Object.keys(facets.province) } },
      select: { code: true, nameKm: true, nameEn: true },
    }),
  ]);
  const named = <T extends Names>(rows: T[], key: (row: T) => string) =>
    Object.fromEntries(rows.map((row) => [key(row), { nameKm: row.nameKm, nameEn: row.nameEn }]));
  return {
    product: named(products, (p) => String(p.id)),
    cooperative: named(cooperatives, (c) => String(c.id)),
    province: named(provinces, (p) => p.code),
  } satisfies Record<string, Record<string, Names>>;
}

export async function searchListings(
  params: SearchParams,
  options: { engine?: SearchEngine; fallback?: SearchEngine; now?: Date } = {},
): Promise<SearchResponse> {
  const now = options.now ?? new Date();
  const used = options.engine ?? (await getSearchEngine());
  const fallback =
    options.fallback ??
    (options.engine || used.name === "postgres" ? undefined : postgresEngine(prisma));
  let result;
  try {
    result = await used.search(params, now);
  } catch (error) {
    // The PostgreSQL search table is kept in every listing's transaction, so it can always answer
    // while Meilisearch is unreachable; buyers get results instead of an error page.
    if (!fallback) throw error;
    console.warn(
      `[search] ${used.name} failed, answering from ${fallback.name}: ${(error as Error).message}`,
    );
    result = await fallback.search(params, now);
  }
  return {
    total: result.total,
    page: params.page,
    perPage: params.perPage,
    pages: Math.ceil(result.total / params.perPage),
    hits: await loadHits(result.listingIds, params, now),
    facets: result.facets,
  };
}
