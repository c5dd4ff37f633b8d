// The search consistency check (`npm run search:check`): every PostgreSQL search row, and with
// Meilisearch every document, compared with what a fresh build from the listings would write.
// Listings that differ are read again once before being reported, so a change committed while the
// check ran is not reported as a fault; listings with undelivered outbox rows are not compared in
// Meilisearch (they are due to be refreshed).
import { priceInRiel } from "~/money/currency";
import { type PrismaClient } from "~/db/generated/client";
import { type ListingDocument, documentsOf, type meilisearchEngine } from "./meilisearch.server";
import { isSearchable, loadSearchSources, type SearchSource, searchTextOf } from "./sources.server";

export type SearchDifference = {
  driver: "postgres" | "meilisearch";
  listingId: number;
  /** What differs: the expected and found values, as text. */
  detail: string;
};

type Meili = ReturnType<typeof meilisearchEngine>;

const BATCH = 500;

function expectedRow(source: SearchSource) {
  return {
    searchText: searchTextOf(source),
    category: source.product.category,
    productId: source.product.id,
    provinceCode: source.cooperative.provinceCode,
    cooperativeId: source.cooperative.id,
    certification: source.certification,
    grade: source.grade,
    priceMinor: source.priceMinor,
    currency: source.currency,
    priceKhr: priceInRiel(source.priceMinor, source.currency),
    documentMatches: true,
  };
}

async function postgresDifferences(prisma: PrismaClient, sources: SearchSource[]) {
  const ids = sources.map((s) => s.id);
  const rows = await prisma.$queryRaw<({ listingId: number } & ReturnType<typeof expectedRow>)[]>`
    SELECT "listingId", "searchText", "category"::text, "productId", "provinceCode", "cooperativeId",
           "certification"::text, "grade"::text, "priceMinor", "currency"::text, "priceKhr",
           "document" = array_to_tsvector(string_to_array("searchText", ' ')) AS "documentMatches"
      FROM "SearchListing" WHERE "listingId" = ANY(${ids})`;
  const found = new Map(rows.map(({ listingId, ...row }) => [listingId, row]));
  const differences: SearchDifference[] = [];
  for (const source of sources) {
    const row = found.get(source.id);
    const expected = isSearchable(source) ? expectedRow(source) : undefined;
    const detail = compare(expected, row);
    if (detail) differences.push({ driver: "postgres", listingId: source.id, detail });
  }
  return differences;
}

/** JSON with object keys sorted, so documents compare whatever order Meilisearch returns keys in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** Text naming the fields that differ, or undefined when equal ("absent" for no row). */
function compare(expected: object | undefined, found: object | undefined) {
  if (!expected && !found) return undefined;
  if (!expected) return "a row/document exists for a listing that is not searchable";
  if (!found) return "missing";
  const a = expected as Record<string, unknown>;
  const b = found as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (key) => canonical(a[key]) !== canonical(b[key]),
  );
  if (fields.length === 0) return undefined;
  return fields
    .map((key) => `${key}: expected ${canonical(a[key])}, found ${canonical(b[key])}`)
    .join("; ");
}

async function meilisearchDifferences(meili: Meili, sources: SearchSource[], now: Date) {
  const ids = sources.map((s) => s.id);
  const index = meili.client.index<ListingDocument>(meili.uid);
  const found = new Map<number, ListingDocument[]>();
  for (let offset = 0; ; offset += 1_000) {
    const { results } = await index.getDocuments({
      // Documents of windows already closed stay until the next refresh; search ignores them.
      filter: `listingId IN [${ids.join(",")}] AND cutoffAt > ${now.getTime()}`,
      limit: 1_000,
      offset,
    });
    for (const doc of results) found.set(doc.listingId, [...(found.get(doc.listingId) ?? []), doc]);
    if (results.length < 1_000) break;
  }
  const byId = (docs: ListingDocument[]) =>
    Object.fromEntries([...docs].sort((x, y) => x.id.localeCompare(y.id)).map((d) => [d.id, d]));
  const differences: SearchDifference[] = [];
  for (const source of sources) {
    const expected = documentsOf(source, now);
    const actual = found.get(source.id) ?? [];
    const detail = compare(
      expected.length ? byId(expected) : undefined,
      actual.length ? byId(actual) : undefined,
    );
    if (detail) differences.push({ driver: "meilisearch", listingId: source.id, detail });
  }
  return differences;
}

async function differencesOf(
  prisma: PrismaClient,
  meili: Meili | undefined,
  sources: SearchSource[],
  pending: Set<number>,
  now: Date,
) {
  const differences = await postgresDifferences(prisma, sources);
  if (meili) {
    const settled = sources.filter((s) => !pending.has(s.id));
    if (settled.length) differences.push(...(await meilisearchDifferences(meili, settled, now)));
  }
  return differences;
}

async function pendingListings(prisma: PrismaClient) {
  const rows = await prisma.searchOutbox.findMany({
    where: { deliveredAt: null },
    distinct: ["listingId"],
    select: { listingId: true },
  });
  return new Set(rows.map((row) => row.listingId));
}

/**
 * Compares every listing's search row (and Meilisearch documents, when `meili` is given) with a
 * fresh build. Returns the differences that remained on a second look, and how many listings were
 * left out of the Meilisearch comparison because their changes are still waiting in the outbox.
 */
export async function checkSearch(prisma: PrismaClient, meili?: Meili) {
  let pending = await pendingListings(prisma);
  const suspects: number[] = [];
  let checked = 0;
  for (let afterId = 0; ;) {
    const sources = await loadSearchSources(prisma, { afterId, take: BATCH });
    if (sources.length === 0) break;
    const differences = await differencesOf(prisma, meili, sources, pending, new Date());
    suspects.push(...differences.map((d) => d.listingId));
    checked += sources.length;
    afterId = sources[sources.length - 1]!.id;
  }
  if (suspects.length === 0) return { checked, differences: [], pending: pending.size };
  // A second look at the suspects only: a change committed during the first pass is not a fault.
  await new Promise((resolve) => setTimeout(resolve, 200));
  pending = await pendingListings(prisma);
  const ids = [...new Set(suspects)];
  const differences: SearchDifference[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const sources = await loadSearchSources(prisma, { ids: ids.slice(i, i + BATCH) });
    differences.push(...(await differencesOf(prisma, meili, sources, pending, new Date())));
  }
  return { checked, differences, pending: pending.size };
}
