// The PostgreSQL search driver (the default): a SearchListing row per published listing, written in
// the same transaction as the listing's changes; words matched through a tsvector of normalised,
// segmented words (app/search/normalize.ts); typos by expanding each query word to the indexed words
// (SearchWord) within Meilisearch's bounds: pg_trgm finds candidates, levenshtein_less_equal decides. Delivery windows and remaining quantities
// are read from DeliveryWindow at query time, so orders never leave the index stale.
import { priceInRiel } from "~/money/currency";
import { Prisma, type PrismaClient } from "~/db/generated/client";
import { emptyFacets, type FacetCounts, type SearchEngine, type SearchResult } from "./engine";
import { allowedTypos, tokenize } from "./normalize";
import { FACETS, type SearchParams, type Sort } from "./query";
import {
  type Db,
  isSearchable,
  loadSearchSources,
  type SearchSource,
  searchTextOf,
} from "./sources.server";

/** Trigram similarity below which an indexed word is not even considered as a typo candidate. */
const TYPO_CANDIDATE_SIMILARITY = 0.2;
const REINDEX_BATCH = 500;

async function writeRows(db: Db, sources: SearchSource[]) {
  if (sources.length === 0) return;
  const column = <T>(pick: (source: SearchSource) => T) => sources.map(pick);
  // One statement per batch; the tsvector's lexemes are exactly our normalised words.
  await db.$executeRaw`
    INSERT INTO "SearchListing" ("listingId", "searchText", "document", "category", "productId",
      "provinceCode", "cooperativeId", "certification", "grade", "priceMinor", "currency", "priceKhr", "updatedAt")
    SELECT r.id, r.text, array_to_tsvector(string_to_array(r.text, ' ')),
           r.category::"ProductCategory", r.product, r.province, r.cooperative,
           r.certification::"Certification", r.grade::"Grade", r.price, r.currency::"Currency",
           r.riel, now()
      FROM unnest(${column((s) => s.id)}::int[], ${column(searchTextOf)}::text[],
                  ${column((s) => s.product.category)}::text[], ${column((s) => s.product.id)}::int[],
                  ${column((s) => s.cooperative.provinceCode)}::text[], ${column((s) => s.cooperative.id)}::int[],
                  ${column((s) => s.certification)}::text[], ${column((s) => s.grade)}::text[],
                  ${column((s) => s.priceMinor)}::int[], ${column((s) => s.currency)}::text[],
                  ${column((s) => priceInRiel(s.priceMinor, s.currency))}::int[])
        AS r(id, text, category, product, province, cooperative, certification, grade, price, currency, riel)
    ON CONFLICT ("listingId") DO UPDATE SET
      "searchText" = EXCLUDED."searchText", "document" = EXCLUDED."document",
      "category" = EXCLUDED."category", "productId" = EXCLUDED."productId",
      "provinceCode" = EXCLUDED."provinceCode", "cooperativeId" = EXCLUDED."cooperativeId",
      "certification" = EXCLUDED."certification", "grade" = EXCLUDED."grade",
      "priceMinor" = EXCLUDED."priceMinor", "currency" = EXCLUDED."currency",
      "priceKhr" = EXCLUDED."priceKhr", "updatedAt" = now()`;
  await db.$executeRaw`
    INSERT INTO "SearchWord" ("word")
    SELECT DISTINCT w FROM unnest(${column(searchTextOf)}::text[]) AS t(text),
                           unnest(string_to_array(t.text, ' ')) AS w
     WHERE w <> '' ORDER BY 1
    ON CONFLICT ("word") DO NOTHING`;
}

/**
 * Takes the listings' row locks (in id order, so two callers never deadlock). Every change that
 * rewrites a search row holds them from here to its commit, and reads the listing only after, so the
 * last writer has seen every earlier change: an overlapping pause or price change can no longer be
 * overwritten by a row built from what another transaction read before it committed. NO KEY UPDATE
 * is what an UPDATE of the listing takes: it does not block order lines referring to the listing.
 */
export async function lockListings(tx: Db, listingIds: number[]) {
  const ids = [...new Set(listingIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await tx.$queryRaw`
    SELECT "id" FROM "Listing" WHERE "id" = ANY(${ids}) ORDER BY "id" FOR NO KEY UPDATE`;
}

/**
 * A seam for tests that interleave two changes deterministically: called after the listings' state
 * was read and before the rows are written. Unset in the app.
 */
export const indexingPause: { afterRead?: (listingIds: number[]) => Promise<void> } = {};

/**
 * Brings the search rows of these listings up to date: published ones are (re)written, others and
 * deleted ones removed. Call it inside the transaction that changes the listing: it locks the
 * listings first and reads them under the lock.
 */
export async function indexListingsInPostgres(db: Db, listingIds: number[]) {
  const ids = [...new Set(listingIds)];
  if (ids.length === 0) return;
  await lockListings(db, ids);
  const sources = await loadSearchSources(db, { ids });
  await indexingPause.afterRead?.(ids);
  const searchable = sources.filter(isSearchable);
  const keep = new Set(searchable.map((s) => s.id));
  const gone = ids.filter((id) => !keep.has(id));
  if (gone.length) await db.searchListing.deleteMany({ where: { listingId: { in: gone } } });
  await writeRows(db, searchable);
}

/** Rewrites the whole search table from the listings; returns how many listings it holds. */
export async function rebuildPostgresIndex(db: Db) {
  await db.searchListing.deleteMany({ where: { listingId: { gt: 0 } } });
  await db.searchWord.deleteMany({ where: { word: { not: "" } } });
  let afterId = 0;
  let count = 0;
  for (;;) {
    const batch = await loadSearchSources(db, { afterId, take: REINDEX_BATCH });
    if (batch.length === 0) break;
    const searchable = batch.filter(isSearchable);
    await writeRows(db, searchable);
    count += searchable.length;
    afterId = batch[batch.length - 1]!.id;
  }
  return count;
}

/** True when the table holds exactly the published listings (false after a fresh migration). */
export async function postgresIndexIsComplete(db: Db) {
  const [indexed, published] = await Promise.all([
    db.searchListing.count(),
    db.listing.count({ where: { status: "PUBLISHED" } }),
  ]);
  return indexed === published;
}

/** A tsquery lexeme, quoted (our words hold only letters, marks and digits, but quote anyway). */
const lexeme = (word: string) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;

/**
 * For each query word that may carry typos, the indexed words within its bound: candidates from the
 * trigram index on SearchWord, kept only if levenshtein_less_equal agrees.
 */
async function typoExpansions(prisma: PrismaClient, words: string[]) {
  const fuzzy = words.filter((word) => allowedTypos(word) > 0);
  if (fuzzy.length === 0) return new Map<string, string[]>();
  const [, rows] = await prisma.$transaction([
    prisma.$executeRaw`SELECT set_config('pg_trgm.similarity_threshold', ${String(TYPO_CANDIDATE_SIMILARITY)}, true)`,
    prisma.$queryRaw<{ query: string; words: string[] }[]>`
      SELECT q.word AS query, array_agg(w."word") AS words
        FROM unnest(${fuzzy}::text[], ${fuzzy.map(allowedTypos)}::int[]) AS q(word, typos)
        JOIN "SearchWord" w ON w."word" % q.word
                           AND levenshtein_less_equal(w."word", q.word, q.typos) <= q.typos
       GROUP BY q.word`,
  ]);
  return new Map(rows.map((row) => [row.query, row.words]));
}

/**
 * Every query word must match (like Meilisearch's matchingStrategy "all"): as a prefix of an indexed
 * word, or as a word within its typo bound. One tsquery, answered by the tsvector's GIN index.
 */
function textCondition(words: string[], expansions: Map<string, string[]>) {
  if (words.length === 0) return { where: Prisma.sql`TRUE`, relevance: Prisma.sql`0` };
  const query = words
    .map((word) => {
      const alternatives = [`${lexeme(word)}:*`, ...(expansions.get(word) ?? []).map(lexeme)];
      return `(${alternatives.join(" | ")})`;
    })
    .join(" & ");
  // Exact and prefix matches rank above typo matches.
  const exact = words.map(
    (word) => Prisma.sql`(s."document" @@ ${`${lexeme(word)}:*`}::tsquery)::int`,
  );
  return {
    where: Prisma.sql`s."document" @@ ${query}::tsquery`,
    relevance: Prisma.sql`(${Prisma.join(exact, " + ")})`,
  };
}

function orderBy(sort: Sort) {
  switch (sort) {
    case "price_asc":
      return Prisma.sql`"priceKhr" ASC, "listingId" DESC`;
    case "price_desc":
      return Prisma.sql`"priceKhr" DESC, "listingId" DESC`;
    case "soonest":
      return Prisma.sql`"nextDelivery" ASC, "listingId" DESC`;
    case "remaining":
      return Prisma.sql`"remaining" DESC, "listingId" DESC`;
    case "relevance":
      return Prisma.sql`"relevance" DESC, "nextDelivery" ASC, "listingId" DESC`;
  }
}

const facetColumn = {
  category: Prisma.sql`"category"::text`,
  product: Prisma.sql`"productId"::text`,
  province: Prisma.sql`"provinceCode"::text`,
  cooperative: Prisma.sql`"cooperativeId"::text`,
  certification: Prisma.sql`"certification"::text`,
  grade: Prisma.sql`"grade"::text`,
} as const;

/** The search as one statement: filtered hits, the page's ids in order, the total and facet counts. */
export async function searchPostgres(
  prisma: PrismaClient,
  params: SearchParams,
  now = new Date(),
): Promise<SearchResult> {
  const words = [...new Set(tokenize(params.q))];
  const text = textCondition(words, await typoExpansions(prisma, words));
  const filters: Prisma.Sql[] = [text.where];
  if (params.category.length)
    filters.push(Prisma.sql`s."category"::text = ANY(${params.category})`);
  if (params.product.length) filters.push(Prisma.sql`s."productId" = ANY(${params.product})`);
  if (params.province.length)
    filters.push(Prisma.sql`s."provinceCode"::text = ANY(${params.province})`);
  if (params.cooperative.length)
    filters.push(Prisma.sql`s."cooperativeId" = ANY(${params.cooperative})`);
  if (params.certification.length)
    filters.push(Prisma.sql`s."certification"::text = ANY(${params.certification})`);
  if (params.grade.length) filters.push(Prisma.sql`s."grade"::text = ANY(${params.grade})`);
  if (params.priceMin !== undefined) filters.push(Prisma.sql`s."priceKhr" >= ${params.priceMin}`);
  if (params.priceMax !== undefined) filters.push(Prisma.sql`s."priceKhr" <= ${params.priceMax}`);

  // Only windows still open for orders count, and only those in the requested date range.
  const windowFilters = [Prisma.sql`dw."cutoffAt" > ${now}`];
  if (params.from) windowFilters.push(Prisma.sql`dw."deliveryDate" >= ${params.from}::date`);
  if (params.to) windowFilters.push(Prisma.sql`dw."deliveryDate" <= ${params.to}::date`);

  const offset = (params.page - 1) * params.perPage;
  const facetSelects = FACETS.map(
    (facet) => Prisma.sql`(SELECT coalesce(json_object_agg(k, n), '{}'::json)
       FROM (SELECT ${facetColumn[facet]} AS k, count(*)::int AS n FROM hits GROUP BY 1) f) AS ${Prisma.raw(`"${facet}"`)}`,
  );

  const query = Prisma.sql`
    WITH hits AS MATERIALIZED (
      SELECT s."listingId", s."category", s."productId", s."provinceCode", s."cooperativeId",
             s."certification", s."grade", s."priceKhr", w."nextDelivery", w."remaining",
             ${text.relevance} AS "relevance"
        FROM "SearchListing" s
        JOIN LATERAL (
          SELECT min(dw."deliveryDate") AS "nextDelivery",
                 coalesce(max(greatest(dw."capacity" - dw."reserved", 0)), 0)::int AS "remaining"
            FROM "DeliveryWindow" dw
           WHERE dw."listingId" = s."listingId" AND ${Prisma.join(windowFilters, " AND ")}
        ) w ON w."nextDelivery" IS NOT NULL
       WHERE ${Prisma.join(filters, " AND ")}
    )
    SELECT (SELECT count(*)::int FROM hits) AS total,
           (SELECT coalesce(json_agg(p."listingId" ORDER BY p.position), '[]'::json)
              FROM (SELECT "listingId", row_number() OVER (ORDER BY ${orderBy(params.sort)}) AS position
                      FROM hits ORDER BY ${orderBy(params.sort)}
                     LIMIT ${params.perPage} OFFSET ${offset}) p) AS ids,
           ${Prisma.join(facetSelects, ", ")}`;

  type Row = { total: number; ids: number[] } & FacetCounts;
  const row = (await prisma.$queryRaw<Row[]>(query))[0]!;
  const facets = emptyFacets();
  for (const facet of FACETS) facets[facet] = row[facet] ?? {};
  return { total: row.total, listingIds: row.ids, facets };
}

export function postgresEngine(prisma: PrismaClient): SearchEngine {
  return {
    name: "postgres",
    upsert: (ids) => prisma.$transaction((tx) => indexListingsInPostgres(tx, ids)),
    async delete(ids) {
      await prisma.searchListing.deleteMany({ where: { listingId: { in: ids } } });
    },
    search: (params, now) => searchPostgres(prisma, params, now),
    reindex: () =>
      prisma.$transaction((tx) => rebuildPostgresIndex(tx), { timeout: 600_000, maxWait: 60_000 }),
  };
}
