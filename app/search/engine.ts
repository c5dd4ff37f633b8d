// One interface for every search driver (PostgreSQL by default, Meilisearch when configured), like
// Laravel Scout's engines. Drivers return listing ids in order plus facet counts; the page and the
// API read what they show (names, windows, remaining) from PostgreSQL, so it is always current.
import { type Facet, type SearchParams } from "./query";

export type FacetCounts = Record<Facet, Record<string, number>>;

export type SearchResult = {
  /** Listings matching the query and filters (each counted once). */
  total: number;
  /** This page's listing ids, best first. */
  listingIds: number[];
  /** For each facet, how many of the matching listings have each value. */
  facets: FacetCounts;
  /** The engine's own processing time, when it reports one (Meilisearch's processingTimeMs). */
  processingTimeMs?: number;
};

export interface SearchEngine {
  readonly name: "postgres" | "meilisearch";
  /** Re-reads these listings' current state and indexes them (or removes those no longer public). */
  upsert(listingIds: number[]): Promise<void>;
  /** Removes these listings from the index. */
  delete(listingIds: number[]): Promise<void>;
  search(params: SearchParams, now?: Date): Promise<SearchResult>;
  /** Rebuilds the whole index from the database; returns how many listings it holds. */
  reindex(): Promise<number>;
}

export function emptyFacets(): FacetCounts {
  return {
    category: {},
    product: {},
    province: {},
    cooperative: {},
    certification: {},
    grade: {},
  };
}
