// One contract both search drivers must honour, against a real PostgreSQL and a real Meilisearch.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { prisma } from "~/db/db.server";
import {
  addWindow,
  createListing,
  type ListingInput,
  setListingStatus,
  setPledges,
  updateListing,
} from "~/supply/listings.server";
import { addDays, cambodiaInstant, cambodiaToday } from "~/calendar/dates";
import { updateProduct } from "~/supply/catalogue.server";
import { seedDemoData } from "../../prisma/seed";
import { actorByEmail } from "../../tests/builders";
import { type SearchEngine } from "./engine";
import { meilisearchEngine, SearchTaskError, succeeded } from "./meilisearch.server";
import { deliverOutbox } from "./outbox.server";
import { postgresEngine } from "./postgres.server";
import { type SearchParams, SearchParamsSchema } from "./query";
import { searchListings } from "./search.server";
import { type CommandActor } from "~/auth/permissions";

type Driver = { engine: SearchEngine; sync(): Promise<void>; setup(): Promise<void> };

const meili = meilisearchEngine(prisma, {
  host: inject("meilisearchUrl"),
  apiKey: inject("meilisearchKey"),
  index: `contract_${randomUUID().slice(0, 8)}`,
});

const drivers: Record<"postgres" | "meilisearch", Driver> = {
  // Written in the listing's own transaction: nothing to wait for.
  postgres: { engine: postgresEngine(prisma), sync: async () => {}, setup: async () => {} },
  meilisearch: {
    engine: meili,
    sync: async () => {
      await deliverOutbox(prisma, meili);
    },
    setup: async () => {
      await meili.ensureIndex();
      await deliverOutbox(prisma, meili);
    },
  },
};

const ids = {} as Record<
  | "spinach"
  | "cucumber"
  | "moringa"
  | "paused"
  | "closed"
  | "draft"
  | "tomato"
  | "cabbage"
  | "eggplant"
  | "mustard"
  | "bananaFlower"
  | "coriander"
  | "springOnion",
  number
>;
let admin: Awaited<ReturnType<typeof findAdmin>>;
const findAdmin = () =>
  prisma.user.findFirstOrThrow({
    where: { isAdmin: true },
    select: {
      id: true,
      isAdmin: true,
      memberships: { select: { organizationId: true, role: true } },
    },
  });
let actor: CommandActor;
let cooperativeId: number;

async function product(slug: string) {
  return (await prisma.product.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
}

function input(productId: number, fields: Partial<ListingInput>): ListingInput {
  return {
    productId,
    variety: null,
    grade: "A",
    certification: "NONE",
    priceMinor: 3000,
    currency: "KHR",
    minOrderQuantity: 1,
    descriptionKm: "",
    descriptionEn: "",
    deliveryAreas: [{ provinceCode: "21", districtCode: null }],
    ...fields,
  };
}

async function publishWithWindow(listingId: number, days: number, quantity: number) {
  const today = cambodiaToday(new Date());
  const deliveryDate = addDays(today, days);
  const windowId = await addWindow(
    listingId,
    cooperativeId,
    {
      deliveryDate,
      cutoffAt: cambodiaInstant(addDays(deliveryDate, -1), "17:00"),
    },
    actor,
  );
  const farmer = await prisma.farmer.findFirstOrThrow({
    where: { cooperativeId },
    select: { id: true },
  });
  await setPledges(windowId, cooperativeId, [{ farmerId: farmer.id, quantity }], actor);
  await setListingStatus(listingId, cooperativeId, "PUBLISHED", actor);
}

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await prisma.user.findUniqueOrThrow({
    where: { email: "lead@phsar.test" },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  actor = { ...(await actorByEmail("lead@phsar.test")), ipAddress: "192.0.2.1" };
  cooperativeId = lead.memberships[0]!.organizationId;

  ids.spinach = await createListing(
    cooperativeId,
    // Described only in Khmer: "red water spinach grown in Takeo village".
    input(await product("water-spinach"), {
      priceMinor: 2600,
      descriptionKm: "ត្រកួនក្រហម ដាំនៅភូមិតាកែវ",
    }),
    actor,
  );
  await publishWithWindow(ids.spinach, 4, 300);
  ids.cucumber = await createListing(
    cooperativeId,
    input(await product("cucumber"), {
      variety: "Hillcrest",
      grade: "B",
      certification: "ORGANIC",
      priceMinor: 2100,
      descriptionEn: "Crisp cucumbers from Kep",
    }),
    actor,
  );
  await publishWithWindow(ids.cucumber, 2, 40);
  ids.moringa = await createListing(
    cooperativeId,
    input(await product("moringa-leaves"), { priceMinor: 5200 }),
    actor,
  );
  await publishWithWindow(ids.moringa, 5, 900);
  for (const [key, variety, status] of [
    ["paused", "Zephyrine", "PAUSED"],
    ["closed", "Quorvexa", "CLOSED"],
    ["draft", "Plumbago", null],
  ] as const) {
    ids[key] = await createListing(
      cooperativeId,
      input(await product("tomato"), { variety }),
      actor,
    );
    if (status) {
      await publishWithWindow(ids[key], 3, 50);
      await setListingStatus(ids[key], cooperativeId, status, actor);
    }
  }
  // One published listing of each product the matching cases below look for.
  for (const [key, slug] of [
    ["tomato", "tomato"],
    ["cabbage", "cabbage"],
    ["eggplant", "eggplant"],
    ["mustard", "mustard-greens"],
    ["bananaFlower", "banana-flower"],
    ["coriander", "coriander"],
    ["springOnion", "spring-onion"],
  ] as const) {
    ids[key] = await createListing(cooperativeId, input(await product(slug), {}), actor);
    await publishWithWindow(ids[key], 6, 30);
  }
  admin = await findAdmin();
  await Promise.all(Object.values(drivers).map((driver) => driver.setup()));
});

test("while Meilisearch is unreachable, search answers from the PostgreSQL table", async () => {
  const unreachable = meilisearchEngine(prisma, { host: "http://127.0.0.1:9", apiKey: "x" });
  await expect(
    searchListings(params({ q: "hillcrest" }), { engine: unreachable }),
  ).rejects.toThrow();
  const result = await searchListings(params({ q: "hillcrest" }), {
    engine: unreachable,
    fallback: drivers.postgres.engine,
  });
  expect(result.hits.map((hit) => hit.id)).toEqual([ids.cucumber]);
});

afterAll(async () => {
  await meili.client.deleteIndex(meili.uid).waitTask();
});

const params = (fields: Record<string, unknown> = {}): SearchParams =>
  SearchParamsSchema.parse({ perPage: 50, ...fields });

describe.each(Object.entries(drivers))("search contract: %s", (_name, driver) => {
  const search = (fields: Record<string, unknown> = {}) =>
    searchListings(params(fields), { engine: driver.engine });
  const hitIds = async (fields: Record<string, unknown>) =>
    (await search(fields)).hits.map((hit) => hit.id);

  test("the Khmer query ត្រកួន finds morning-glory (water spinach) listings, and only those", async () => {
    const result = await search({ q: "ត្រកួន" });
    expect(result.hits.map((h) => h.id)).toContain(ids.spinach);
    for (const hit of result.hits) expect(hit.product.slug).toBe("water-spinach");
  });

  test("either spelling of a subscript and stray zero-width spaces still match", async () => {
    expect(await hitIds({ q: "ត្រ\u200Bកួន" })).toContain(ids.spinach);
  });

  test("a Khmer word inside a longer name finds it", async () => {
    // ស្លឹកម្រុំ (moringa leaves): ម្រុំ alone
    expect(await hitIds({ q: "ម្រុំ" })).toContain(ids.moringa);
    // ត្រកួនក្រហម in the description: ក្រហម alone
    expect(await hitIds({ q: "ក្រហម" })).toEqual([ids.spinach]);
  });

  test("an English name finds a listing described only in Khmer", async () => {
    expect(await hitIds({ q: "morning glory" })).toContain(ids.spinach);
    expect(await hitIds({ q: "Water Spinach" })).toContain(ids.spinach);
  });

  test("a one-letter typo in a long word still finds it; in a short word it does not", async () => {
    expect(await hitIds({ q: "hillcrest" })).toEqual([ids.cucumber]);
    expect(await hitIds({ q: "hilcrest" })).toEqual([ids.cucumber]);
    expect(await hitIds({ q: "cucumbar" })).toContain(ids.cucumber);
    expect(await hitIds({ q: "kep" })).toEqual([ids.cucumber]);
    expect(await hitIds({ q: "kap" })).toEqual([]);
  });

  test("an English plural finds the singular product name, and the other way round", async () => {
    expect(await hitIds({ q: "tomatoes" })).toContain(ids.tomato);
    expect(await hitIds({ q: "cabbages" })).toContain(ids.cabbage);
    expect(await hitIds({ q: "spring onions" })).toContain(ids.springOnion);
    // "Crisp cucumbers from Kep": the description's plural is found by the singular.
    expect(await hitIds({ q: "cucumber kep" })).toEqual([ids.cucumber]);
  });

  test("the catalogue's synonyms, British and regional trade names find the product", async () => {
    for (const [q, key] of [
      ["aubergine", "eggplant"],
      ["brinjal", "eggplant"],
      ["aubergines", "eggplant"],
      ["cilantro", "coriander"],
      ["scallions", "springOnion"],
      ["banana blossom", "bananaFlower"],
      ["kangkong", "spinach"],
      ["trakuon", "spinach"],
      ["ជីវ៉ាន់ស៊ុយ", "coriander"],
    ] as const) {
      expect(await hitIds({ q }), q).toContain(ids[key]);
    }
    // A synonym of one product does not drag in others.
    for (const hit of (await search({ q: "brinjal" })).hits)
      expect(["eggplant", "round-eggplant"]).toContain(hit.product.slug);
  });

  test("the last word of a two-word name finds it, in Khmer and English", async () => {
    // ស្ពៃខៀវ (mustard greens) and ត្រយូងចេក (banana flower) are one word to ICU's dictionary.
    expect(await hitIds({ q: "ខៀវ" })).toContain(ids.mustard);
    expect(await hitIds({ q: "ចេក" })).toContain(ids.bananaFlower);
    expect(await hitIds({ q: "greens" })).toContain(ids.mustard);
    expect(await hitIds({ q: "flower" })).toContain(ids.bananaFlower);
    // The whole compound still finds it.
    expect(await hitIds({ q: "ស្ពៃខៀវ" })).toContain(ids.mustard);
  });

  test("facet counts match the filtered hits", async () => {
    const all = await search({ grade: ["A", "B"] });
    expect(all.total).toBeGreaterThan(3);
    for (const facet of ["category", "grade", "certification", "province"] as const) {
      const counts = all.facets[facet];
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(all.total);
      for (const [value, count] of Object.entries(counts)) {
        const filtered = await search({ grade: ["A", "B"], [facet]: [value] });
        expect(filtered.total, `${facet}=${value}`).toBe(count);
      }
    }
    const cooperatives = all.facets.cooperative;
    expect(cooperatives[String(cooperativeId)]).toBe(
      (await search({ grade: ["A", "B"], cooperative: [cooperativeId] })).total,
    );
  });

  test("filters and sorts combine", async () => {
    const cheapFirst = await search({ category: ["VEGETABLE"], priceMax: 3000, sort: "price_asc" });
    expect(cheapFirst.hits.length).toBeGreaterThan(1);
    const prices = cheapFirst.hits.map((h) => h.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    for (const hit of cheapFirst.hits) {
      expect(hit.product.category).toBe("VEGETABLE");
      expect(hit.priceMinor).toBeLessThanOrEqual(3000);
    }
    expect(cheapFirst.hits.map((h) => h.id)).toContain(ids.cucumber);
    expect(cheapFirst.hits.map((h) => h.id)).not.toContain(ids.moringa);

    const dearFirst = await search({ sort: "price_desc", grade: ["A"] });
    const dear = dearFirst.hits.map((h) => h.priceMinor);
    expect(dear).toEqual([...dear].sort((a, b) => b - a));
    expect(dearFirst.hits.every((h) => h.grade === "A")).toBe(true);

    const soonest = await search({ sort: "soonest" });
    const dates = soonest.hits.map((h) => h.windows[0]!.deliveryDate);
    expect(dates).toEqual([...dates].sort());

    const most = await search({ sort: "remaining" });
    const remaining = most.hits.map((h) => Math.max(...h.windows.map((w) => w.remaining)));
    expect(remaining).toEqual([...remaining].sort((a, b) => b - a));
    expect(most.hits[0]!.id).toBe(ids.moringa);

    const today = cambodiaToday(new Date());
    const inRange = await search({ from: addDays(today, 4), to: addDays(today, 5), q: "ត្រកួន" });
    expect(inRange.hits.map((h) => h.id)).toContain(ids.spinach);
    const outOfRange = await search({ to: addDays(today, 2), q: "ត្រកួនក្រហម" });
    expect(outOfRange.hits.map((h) => h.id)).not.toContain(ids.spinach);

    const page1 = await search({ perPage: 2, page: 1 });
    const page2 = await search({ perPage: 2, page: 2 });
    expect(page1.total).toBe(page2.total);
    expect(page1.hits).toHaveLength(2);
    expect(page2.hits.map((h) => h.id)).not.toContain(page1.hits[0]!.id);
  });

  test("paused, closed and draft listings never appear", async () => {
    for (const word of ["Zephyrine", "Quorvexa", "Plumbago"])
      expect(await hitIds({ q: word })).toEqual([]);
    const everything = await hitIds({ perPage: 50, page: 1 });
    for (const id of [ids.paused, ids.closed, ids.draft]) expect(everything).not.toContain(id);
  });

  test("each hit shows what remains of its next windows", async () => {
    const [hit] = (await search({ q: "hillcrest" })).hits;
    expect(hit!.windows).toEqual([expect.objectContaining({ remaining: 40 })]);
  });

  test("a change is visible once sync completes", async () => {
    const listing = await prisma.listing.findUniqueOrThrow({
      where: { id: ids.cucumber },
      select: { productId: true },
    });
    const word = `Xylo${_name === "postgres" ? "pg" : "ms"}fresh`;
    await updateListing(
      ids.cucumber,
      cooperativeId,
      input(listing.productId, {
        variety: "Hillcrest",
        grade: "B",
        certification: "ORGANIC",
        priceMinor: 2100,
        descriptionEn: `Crisp cucumbers from Kep ${word}`,
      }),
      actor,
    );
    await driver.sync();
    expect(await hitIds({ q: word })).toEqual([ids.cucumber]);

    await setListingStatus(ids.cucumber, cooperativeId, "PAUSED", actor);
    await driver.sync();
    expect(await hitIds({ q: word })).toEqual([]);
    await setListingStatus(ids.cucumber, cooperativeId, "PUBLISHED", actor);
    await driver.sync();
    expect(await hitIds({ q: word })).toEqual([ids.cucumber]);
  });
});

describe.each(Object.entries(drivers))("catalogue changes reach search: %s", (name, driver) => {
  test("a new synonym finds the product's listings once sync completes", async () => {
    const word = `wombleberry${name === "postgres" ? "pg" : "ms"}`;
    const cabbage = await prisma.product.findUniqueOrThrow({
      where: { slug: "cabbage" },
      select: {
        id: true,
        nameKm: true,
        nameEn: true,
        category: true,
        unit: true,
        referencePriceKhr: true,
        searchSynonyms: true,
      },
    });
    expect((await searchListings(params({ q: word }), { engine: driver.engine })).hits).toEqual([]);
    await updateProduct(admin, cabbage.id, {
      nameKm: cabbage.nameKm,
      nameEn: cabbage.nameEn,
      category: cabbage.category,
      unit: cabbage.unit,
      referencePriceKhr: cabbage.referencePriceKhr,
      searchSynonyms: [...cabbage.searchSynonyms, word],
    });
    await driver.sync();
    const hits = (await searchListings(params({ q: word }), { engine: driver.engine })).hits;
    expect(hits.map((hit) => hit.id)).toContain(ids.cabbage);
    for (const hit of hits) expect(hit.product.slug).toBe("cabbage");
  });
});

describe("Meilisearch index settings", () => {
  test("the catalogue's synonyms reach the live index's synonyms with the next delivery", async () => {
    const tomato = await prisma.product.findUniqueOrThrow({
      where: { slug: "tomato" },
      select: {
        id: true,
        nameKm: true,
        nameEn: true,
        category: true,
        unit: true,
        referencePriceKhr: true,
        searchSynonyms: true,
      },
    });
    await updateProduct(admin, tomato.id, {
      ...tomato,
      searchSynonyms: [...tomato.searchSynonyms, "love apple"],
    });
    await deliverOutbox(prisma, meili);
    const synonyms = await meili.client.index(meili.uid).getSynonyms();
    expect(synonyms["love apple"]).toEqual(expect.arrayContaining(["tomato", "ប៉េងប៉ោះ"]));
    // Nothing changed since: the next delivery does not touch the settings.
    expect(await meili.syncSynonyms()).toBe(false);
  });

  test("are applied once: unchanged at the next boot, rebuilt and swapped in when they differ", async () => {
    expect(await meili.ensureIndex()).toBe("unchanged");
    // Someone (or an older release) left different settings on the live index.
    await succeeded(meili.client.index(meili.uid).updateSynonyms({ foo: ["bar"] }));
    expect(await meili.ensureIndex()).toBe("swapped");
    expect(await meili.ensureIndex()).toBe("unchanged");
    const synonyms = await meili.client.index(meili.uid).getSynonyms();
    expect(synonyms.foo).toBeUndefined();
    expect(Object.keys(synonyms)).toContain("ត្រកួន");
    // The swapped-in index is complete, and the temporary one is gone.
    const result = await searchListings(params({ q: "hillcrest" }), { engine: meili });
    expect(result.hits.map((hit) => hit.id)).toEqual([ids.cucumber]);
    await expect(meili.client.getRawIndex(`${meili.uid}_next`)).rejects.toThrow();
  });

  test("a failed task is an error, not a silent success", async () => {
    const task = meili.client.index(meili.uid).deleteDocuments({ filter: "notAnAttribute = 1" });
    await expect(succeeded(task)).rejects.toThrow(SearchTaskError);
  });
});
