// The Meilisearch search driver (when MEILISEARCH_HOST is set): one document per listing × open
// delivery window, `distinct` on the listing, so date filters and "soonest" work per window while
// each listing appears once. Text is passed through the shared normaliser at index and query time;
// Meilisearch segments Khmer itself (locale `khm` on the Khmer fields). Every task is awaited and
// checked: waitTask returns failed tasks without throwing.
import { priceInRiel } from "~/money/currency";
import {
  type EnqueuedTaskPromise,
  Meilisearch,
  MeilisearchApiError,
  type Settings,
} from "meilisearch";
import { type PrismaClient } from "~/db/generated/client";
import { dateOnly } from "~/calendar/dates";
import { emptyFacets, type SearchEngine, type SearchResult } from "./engine";
import { segmentForIndex, segmentForQuery } from "./normalize";
import { deliveredSince, DELIVERED_RETENTION_HOURS, takeDeliveryLock } from "./outbox.server";
import { FACETS, type Facet, type SearchParams, type Sort } from "./query";
import { type Db, isSearchable, loadSearchSources, type SearchSource } from "./sources.server";

export type MeilisearchOptions = { host: string; apiKey?: string; index?: string };

/** `afterFill`: a seam for tests to make changes between the fill and the replay. */
export type RebuildOptions = { afterFill?: () => Promise<void> };

export type ListingDocument = {
  id: string;
  listingId: number;
  windowId: number;
  productNameKm: string;
  productNameEn: string;
  /** The catalogue's search synonyms of the product (trade names, misspellings), one text. */
  productSynonyms: string;
  variety: string;
  descriptionKm: string;
  descriptionEn: string;
  cooperativeNameKm: string;
  cooperativeNameEn: string;
  provinceNameKm: string;
  provinceNameEn: string;
  category: string;
  productId: number;
  provinceCode: string;
  cooperativeId: number;
  certification: string;
  grade: string;
  priceKhr: number;
  /** Delivery date as a number, YYYYMMDD, so it can be filtered and sorted. */
  deliveryDate: number;
  /** Orders close at this instant (ms since epoch). */
  cutoffAt: number;
  remaining: number;
};

const facetAttribute: Record<Facet, keyof ListingDocument> = {
  category: "category",
  product: "productId",
  province: "provinceCode",
  cooperative: "cooperativeId",
  certification: "certification",
  grade: "grade",
};

const sortRule: Record<Sort, string[]> = {
  relevance: [],
  price_asc: ["priceKhr:asc"],
  price_desc: ["priceKhr:desc"],
  soonest: ["deliveryDate:asc"],
  remaining: ["remaining:desc"],
};

const REINDEX_BATCH = 500;
const TASK_TIMEOUT_MS = 120_000;

const dateNumber = (isoDate: string) => Number(isoDate.replaceAll("-", ""));

/** The documents of one listing: one per delivery window still open at `now`. */
export function documentsOf(source: SearchSource, now = new Date()): ListingDocument[] {
  if (!isSearchable(source)) return [];
  const shared = {
    listingId: source.id,
    productNameKm: segmentForIndex(source.product.nameKm),
    productNameEn: segmentForIndex(source.product.nameEn),
    productSynonyms: segmentForIndex(source.product.searchSynonyms.join(" ")),
    variety: segmentForIndex(source.variety ?? ""),
    descriptionKm: segmentForIndex(source.descriptionKm),
    descriptionEn: segmentForIndex(source.descriptionEn),
    cooperativeNameKm: segmentForIndex(source.cooperative.nameKm),
    cooperativeNameEn: segmentForIndex(source.cooperative.nameEn),
    provinceNameKm: segmentForIndex(source.cooperative.province.nameKm),
    provinceNameEn: segmentForIndex(source.cooperative.province.nameEn),
    category: source.product.category,
    productId: source.product.id,
    provinceCode: source.cooperative.provinceCode,
    cooperativeId: source.cooperative.id,
    certification: source.certification,
    grade: source.grade,
    priceKhr: priceInRiel(source.priceMinor, source.currency),
  };
  return source.windows
    .filter((w) => w.cutoffAt > now)
    .map((w) => ({
      ...shared,
      id: `${source.id}-${w.id}`,
      windowId: w.id,
      deliveryDate: dateNumber(dateOnly(w.deliveryDate)),
      cutoffAt: w.cutoffAt.getTime(),
      remaining: Math.max(0, w.capacity - w.reserved),
    }));
}

/**
 * Synonyms from the product catalogue: km↔en names (ត្រកួន ↔ water spinach, morning glory), and each
 * search synonym to the names (aubergine → eggplant, ត្រប់វែង). Keys are in query form.
 */
export async function productSynonyms(db: Db) {
  const products = await db.product.findMany({
    select: { nameKm: true, nameEn: true, searchSynonyms: true },
    orderBy: { id: "asc" },
  });
  const synonyms: Record<string, string[]> = {};
  const add = (from: string, to: string) => {
    if (!from || !to || from === to) return;
    synonyms[from] = [...new Set([...(synonyms[from] ?? []), to])].sort();
  };
  for (const product of products) {
    const km = segmentForQuery(product.nameKm);
    const english = product.nameEn
      .split(/[()]/)
      .map((part) => segmentForQuery(part))
      .filter(Boolean);
    for (const en of english) {
      add(km, en);
      add(en, km);
    }
    for (const synonym of product.searchSynonyms.map(segmentForQuery)) {
      for (const name of [km, ...english]) add(synonym, name);
    }
  }
  return synonyms;
}

export async function desiredSettings(db: Db): Promise<Settings> {
  return {
    searchableAttributes: [
      "productNameKm",
      "productNameEn",
      "productSynonyms",
      "variety",
      "descriptionKm",
      "descriptionEn",
      "cooperativeNameKm",
      "cooperativeNameEn",
      "provinceNameKm",
      "provinceNameEn",
    ],
    filterableAttributes: [
      "id",
      "listingId",
      "category",
      "productId",
      "provinceCode",
      "cooperativeId",
      "certification",
      "grade",
      "priceKhr",
      "deliveryDate",
      "cutoffAt",
    ],
    sortableAttributes: ["priceKhr", "deliveryDate", "remaining"],
    // "sort" first: an explicit sort orders every hit; without one, relevance decides.
    rankingRules: ["sort", "words", "typo", "proximity", "attribute", "exactness"],
    distinctAttribute: "listingId",
    facetSearch: true,
    localizedAttributes: [
      { attributePatterns: ["*Km"], locales: ["khm"] },
      { attributePatterns: ["*En"], locales: ["eng"] },
    ],
    synonyms: await productSynonyms(db),
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    },
    pagination: { maxTotalHits: 100_000 },
    faceting: { maxValuesPerFacet: 500 },
  };
}

/** Synonyms in one stable form, to compare the live index's with the catalogue's. */
function comparableSynonyms(synonyms: Record<string, string[]> | null | undefined) {
  return JSON.stringify(
    Object.entries(synonyms ?? {})
      .map(([k, v]) => [k, [...v].sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** A stable form of settings for comparison (arrays of names sorted where order does not matter). */
function comparable(settings: Settings) {
  const pick = {
    searchableAttributes: settings.searchableAttributes,
    filterableAttributes: [...(settings.filterableAttributes ?? [])].map(String).sort(),
    sortableAttributes: [...(settings.sortableAttributes ?? [])].sort(),
    rankingRules: settings.rankingRules,
    distinctAttribute: settings.distinctAttribute,
    facetSearch: settings.facetSearch,
    localizedAttributes: settings.localizedAttributes,
    synonyms: comparableSynonyms(settings.synonyms),
    typoTolerance: {
      enabled: settings.typoTolerance?.enabled,
      minWordSizeForTypos: settings.typoTolerance?.minWordSizeForTypos,
    },
    maxTotalHits: settings.pagination?.maxTotalHits,
    maxValuesPerFacet: settings.faceting?.maxValuesPerFacet,
  };
  return JSON.stringify(pick);
}

export class SearchTaskError extends Error {
  override name = "SearchTaskError";
}

/** Awaits a Meilisearch task and throws unless it succeeded. */
export async function succeeded(task: EnqueuedTaskPromise) {
  const done = await task.waitTask({ timeout: TASK_TIMEOUT_MS, interval: 20 });
  if (done.status !== "succeeded") {
    throw new SearchTaskError(
      `Meilisearch task ${done.uid} (${done.type}) ${done.status}: ${done.error?.message ?? ""}`,
    );
  }
  return done;
}

export function createMeilisearchClient(options: MeilisearchOptions) {
  return new Meilisearch({
    host: options.host,
    apiKey: options.apiKey,
    // Node 20's fetch spends ~40 ms per response decompressing gzip on loopback; ask for none.
    requestInit: { headers: { "Accept-Encoding": "identity" } },
  });
}

async function indexExists(client: Meilisearch, uid: string) {
  try {
    await client.getRawIndex(uid);
    return true;
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found")
      return false;
    throw error;
  }
}

export function meilisearchEngine(
  prisma: PrismaClient,
  options: MeilisearchOptions,
): SearchEngine & {
  client: Meilisearch;
  uid: string;
  /** Applies settings at boot: nothing if they match, else builds a new index and swaps it in. */
  ensureIndex(options?: RebuildOptions): Promise<"unchanged" | "created" | "swapped">;
  reindex(options?: RebuildOptions): Promise<number>;
  /** Gives the live index the catalogue's current synonyms; true when they had to change. */
  syncSynonyms(): Promise<boolean>;
} {
  const client = createMeilisearchClient(options);
  const uid = options.index ?? "listings";
  // The catalogue's synonyms as last given to the live index, so most deliveries skip the request.
  let appliedSynonyms: string | undefined;

  async function syncSynonyms() {
    const desired = await productSynonyms(prisma);
    const wanted = comparableSynonyms(desired);
    if (wanted === appliedSynonyms) return false;
    const index = client.index(uid);
    const changed = comparableSynonyms(await index.getSynonyms()) !== wanted;
    // Synonyms apply at query time: updating them needs no new index, unlike the other settings.
    if (changed) await succeeded(index.updateSynonyms(desired));
    appliedSynonyms = wanted;
    return changed;
  }

  async function fill(targetUid: string) {
    const index = client.index<ListingDocument>(targetUid);
    let afterId = 0;
    let count = 0;
    const now = new Date();
    for (;;) {
      const batch = await loadSearchSources(prisma, { afterId, take: REINDEX_BATCH });
      if (batch.length === 0) break;
      const documents = batch.flatMap((source) => documentsOf(source, now));
      if (documents.length) await succeeded(index.addDocuments(documents, { primaryKey: "id" }));
      count += new Set(documents.map((d) => d.listingId)).size;
      afterId = batch[batch.length - 1]!.id;
    }
    return count;
  }

  /** Indexes these listings' current state in `targetUid` and drops their documents that are gone. */
  async function upsertInto(targetUid: string, listingIds: number[]) {
    const ids = [...new Set(listingIds)];
    if (ids.length === 0) return;
    const index = client.index<ListingDocument>(targetUid);
    const documents = (await loadSearchSources(prisma, { ids })).flatMap((s) => documentsOf(s));
    if (documents.length) await succeeded(index.addDocuments(documents, { primaryKey: "id" }));
    // Then drop this listing's documents that no longer exist (closed windows, paused listing).
    const keep = documents.map((d) => JSON.stringify(d.id));
    const stale = `listingId IN [${ids.join(",")}]${keep.length ? ` AND id NOT IN [${keep.join(",")}]` : ""}`;
    await succeeded(index.deleteDocuments({ filter: stale }));
  }

  /**
   * Builds a complete index under another name with current settings, then swaps it in. The worker
   * keeps delivering to the live index during the fill; before the swap, under the delivery lock (no
   * delivery in flight), every listing delivered since the fill began is re-read and written to the
   * new index, so the swap throws none of those changes away. Rows still pending are delivered to
   * the new index after the swap.
   */
  async function rebuild(options: RebuildOptions = {}) {
    const next = `${uid}_next`;
    const [{ startedAt }] = await prisma.$queryRaw<[{ startedAt: Date }]>`
      SELECT clock_timestamp() AS "startedAt"`;
    if (await indexExists(client, next)) await succeeded(client.deleteIndex(next));
    await succeeded(client.createIndex(next, { primaryKey: "id" }));
    await succeeded(client.index(next).updateSettings(await desiredSettings(prisma)));
    const count = await fill(next);
    await options.afterFill?.();
    await prisma.$transaction(
      async (tx) => {
        await takeDeliveryLock(tx);
        const [{ kept }] = await tx.$queryRaw<[{ kept: boolean }]>`
          SELECT ${startedAt}::timestamptz > now() - make_interval(hours => ${DELIVERED_RETENTION_HOURS}) AS kept`;
        if (!kept)
          throw new SearchTaskError(
            `the fill took longer than the ${DELIVERED_RETENTION_HOURS} h delivered changes are kept; run the rebuild again`,
          );
        await upsertInto(next, await deliveredSince(tx, startedAt));
        // Swapping needs both indexes to exist (Meilisearch 1.21 cannot rename by swapping).
        if (!(await indexExists(client, uid)))
          await succeeded(client.createIndex(uid, { primaryKey: "id" }));
        await succeeded(client.swapIndexes([{ indexes: [uid, next], rename: false }]));
      },
      { timeout: 600_000, maxWait: 120_000 },
    );
    await succeeded(client.deleteIndex(next));
    return count;
  }

  return {
    name: "meilisearch",
    client,
    uid,

    async ensureIndex(options) {
      if (!(await indexExists(client, uid))) {
        await rebuild(options);
        return "created";
      }
      const current = await client.index(uid).getSettings();
      if (comparable(current) === comparable(await desiredSettings(prisma))) return "unchanged";
      await rebuild(options);
      return "swapped";
    },

    syncSynonyms,

    async upsert(listingIds) {
      if (listingIds.length === 0) return;
      // A catalogue change reaches Meilisearch as outbox rows of the product's listings.
      await syncSynonyms();
      await upsertInto(uid, listingIds);
    },

    async delete(listingIds) {
      if (listingIds.length === 0) return;
      await succeeded(
        client.index(uid).deleteDocuments({ filter: `listingId IN [${listingIds.join(",")}]` }),
      );
    },

    async search(params: SearchParams, now = new Date()): Promise<SearchResult> {
      const filter: string[] = [`cutoffAt > ${now.getTime()}`];
      const quoted = (values: readonly (string | number)[]) =>
        `[${values.map((v) => JSON.stringify(String(v))).join(",")}]`;
      for (const facet of FACETS) {
        const values = params[facet];
        if (values.length) filter.push(`${facetAttribute[facet]} IN ${quoted(values)}`);
      }
      if (params.from) filter.push(`deliveryDate >= ${dateNumber(params.from)}`);
      if (params.to) filter.push(`deliveryDate <= ${dateNumber(params.to)}`);
      if (params.priceMin !== undefined) filter.push(`priceKhr >= ${params.priceMin}`);
      if (params.priceMax !== undefined) filter.push(`priceKhr <= ${params.priceMax}`);
      const response = await client.index<ListingDocument>(uid).search(segmentForQuery(params.q), {
        filter: filter.join(" AND "),
        facets: FACETS.map((facet) => facetAttribute[facet]),
        sort: sortRule[params.sort],
        page: params.page,
        hitsPerPage: params.perPage,
        attributesToRetrieve: ["listingId"],
        matchingStrategy: "all",
      });
      const facets = emptyFacets();
      for (const facet of FACETS)
        facets[facet] = response.facetDistribution?.[facetAttribute[facet]] ?? {};
      return {
        total: response.totalHits ?? 0,
        listingIds: response.hits.map((hit) => hit.listingId),
        facets,
        processingTimeMs: response.processingTimeMs,
      };
    },

    reindex: rebuild,
  };
}
