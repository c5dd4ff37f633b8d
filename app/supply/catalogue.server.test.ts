import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { productSchema, type ProductInput } from "./catalogue";
import {
  type CatalogueActor,
  createProduct,
  isProductPhoto,
  listCatalogue,
  setProductActive,
  setProductPhoto,
  slugOf,
  updateProduct,
} from "./catalogue.server";
import { createListing, SupplyError } from "./listings.server";
import { localDiskStorage } from "./photo-storage.server";
import { listProductsByCategory } from "./products.server";
import { listProductsForListing } from "./queries.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-catalogue-"));
const storage = localDiskStorage(dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const actorSelect = {
  id: true,
  isAdmin: true,
  memberships: { select: { organizationId: true, role: true } },
} as const;
let monitor: CatalogueActor;
let admin: CatalogueActor;
let lead: CatalogueActor;

const okra = (fields: Partial<Record<string, string>> = {}): ProductInput =>
  productSchema.parse({
    nameKm: "ពោតបារាំង",
    nameEn: "Okra",
    category: "VEGETABLE",
    unit: "KG",
    referencePriceKhr: "4500",
    searchSynonyms: "lady's finger\nladies fingers, bhindi\nOkra pods\nbhindi",
    ...fields,
  });

beforeAll(async () => {
  await seedDemoData(prisma);
  const by = (email: string) =>
    prisma.user.findUniqueOrThrow({ where: { email }, select: actorSelect });
  [monitor, admin, lead] = await Promise.all([
    by("monitor@phsar.test"),
    by("admin@phsar.test"),
    by("lead@phsar.test"),
  ]);
});

const auditCount = (action: string, targetId: number) =>
  prisma.auditEvent.count({ where: { action, targetType: "Product", targetId: String(targetId) } });

describe("the product form", () => {
  test("splits synonyms by line or comma, trimmed, without repeats", () => {
    expect(okra().searchSynonyms).toEqual([
      "lady's finger",
      "ladies fingers",
      "bhindi",
      "Okra pods",
    ]);
  });

  test("refuses an impossible reference price, a missing unit, too many synonyms", () => {
    const bad = productSchema.safeParse({
      nameKm: "ពោត",
      nameEn: "Corn",
      category: "VEGETABLE",
      referencePriceKhr: "-5",
      searchSynonyms: Array.from({ length: 41 }, (_, i) => `name${i}`).join("\n"),
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((issue) => `${issue.path.join(".")}:${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "unit:catalogue.unitRequired",
        "referencePriceKhr:catalogue.referencePriceInvalid",
        "searchSynonyms:catalogue.tooManySynonyms",
      ]),
    );
  });

  test("slugs come from the English name", () => {
    expect(slugOf("Water spinach (morning glory)")).toBe("water-spinach-morning-glory");
    expect(slugOf("ត្រកួន")).toBe("product");
  });
});

describe("managing the catalogue", () => {
  test("only union staff and admins may; a lead is refused and nothing is written", async () => {
    await expect(createProduct(lead, okra({ nameEn: "Lead okra" }))).rejects.toThrow(
      new SupplyError("catalogue.forbidden"),
    );
    await expect(listCatalogue(lead)).rejects.toThrow(SupplyError);
    expect(await prisma.product.count({ where: { nameEn: "Lead okra" } })).toBe(0);
  });

  test("union staff add a product, audited; a second with the same name is refused", async () => {
    const created = await createProduct(monitor, okra(), "192.0.2.7");
    expect(created.slug).toBe("okra");
    const stored = await prisma.product.findUniqueOrThrow({
      where: { id: created.id },
      select: { searchSynonyms: true, referencePriceKhr: true, active: true },
    });
    expect(stored).toEqual({
      searchSynonyms: ["lady's finger", "ladies fingers", "bhindi", "Okra pods"],
      referencePriceKhr: 4500,
      active: true,
    });
    expect(await auditCount("product.created", created.id)).toBe(1);

    const before = await prisma.product.count();
    await expect(createProduct(admin, okra({ nameKm: "ពោតផ្សេង", nameEn: "OKRA" }))).rejects.toThrow(
      new SupplyError("catalogue.nameTaken", "nameEn"),
    );
    await expect(createProduct(admin, okra({ nameEn: "Gumbo" }))).rejects.toThrow(
      new SupplyError("catalogue.nameTaken", "nameKm"),
    );
    expect(await prisma.product.count()).toBe(before);
  });

  test("two staff adding the same product at once: one is added, the other refused", async () => {
    const input = okra({ nameKm: "ស្ពៃចិន", nameEn: "Napa cabbage" });
    const results = await Promise.allSettled([
      createProduct(monitor, input),
      createProduct(admin, input),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.product.count({ where: { nameEn: "Napa cabbage" } })).toBe(1);
  });

  test("an update rewrites the search rows of the product's listings and queues them", async () => {
    const tomato = await prisma.product.findUniqueOrThrow({
      where: { slug: "tomato" },
      select: {
        id: true,
        nameKm: true,
        referencePriceKhr: true,
        listings: { select: { id: true, status: true } },
      },
    });
    const published = tomato.listings.filter((l) => l.status === "PUBLISHED").map((l) => l.id);
    expect(published.length).toBeGreaterThan(0);
    await prisma.searchOutbox.deleteMany({ where: { id: { gt: 0 } } });
    await updateProduct(
      monitor,
      tomato.id,
      okra({
        nameKm: tomato.nameKm,
        nameEn: "Tomato",
        referencePriceKhr: String(tomato.referencePriceKhr),
        searchSynonyms: "love apple",
      }),
    );
    const rows = await prisma.searchListing.findMany({
      where: { listingId: { in: published } },
      select: { searchText: true },
    });
    expect(rows).toHaveLength(published.length);
    for (const row of rows) expect(row.searchText).toContain("love apple");
    const queued = await prisma.searchOutbox.findMany({ select: { listingId: true } });
    expect(new Set(queued.map((q) => q.listingId))).toEqual(
      new Set(tomato.listings.map((l) => l.id)),
    );
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "product.updated", targetId: String(tomato.id) },
      select: { details: true },
    });
    expect(audit.details).toMatchObject({ changed: ["searchSynonyms"] });
  });

  test("a deactivated product cannot be chosen for a new listing; its listings stay editable", async () => {
    const product = await createProduct(monitor, okra({ nameKm: "ម្រះ", nameEn: "Bitter gourd" }));
    const cooperativeId = lead.memberships[0]!.organizationId;
    const listingInput = {
      productId: product.id,
      variety: null,
      grade: "A" as const,
      certification: "NONE" as const,
      priceMinor: 4500,
      currency: "KHR" as const,
      minOrderQuantity: 1,
      descriptionKm: "",
      descriptionEn: "",
      deliveryAreas: [{ provinceCode: "17", districtCode: null }],
    };
    const actor = { ...lead, ipAddress: "192.0.2.1" };
    const listingId = await createListing(cooperativeId, listingInput, actor);
    await setProductActive(monitor, product.id, false);
    await setProductActive(monitor, product.id, false); // again: nothing more happens
    expect(await auditCount("product.deactivated", product.id)).toBe(1);
    const listings = await prisma.listing.count();
    await expect(createListing(cooperativeId, listingInput, actor)).rejects.toThrow(
      new SupplyError("supply.productInactive", "productId"),
    );
    expect(await prisma.listing.count()).toBe(listings);
    const { updateListing } = await import("./listings.server");
    await updateListing(listingId, cooperativeId, { ...listingInput, priceMinor: 4600 }, actor);
    // Not offered on the market's list or for a new listing; still there for its own listing.
    const offered = (await listProductsByCategory()).flatMap((g) => g.products.map((p) => p.id));
    expect(offered).not.toContain(product.id);
    expect((await listProductsForListing()).map((p) => p.id)).not.toContain(product.id);
    expect((await listProductsForListing(listingId)).map((p) => p.id)).toContain(product.id);
    await setProductActive(admin, product.id, true);
    expect(await auditCount("product.reactivated", product.id)).toBe(1);
  });
});

describe("the product photo", () => {
  const png = () =>
    sharp({ create: { width: 1200, height: 900, channels: 3, background: "#c0392b" } })
      .png()
      .toBuffer();

  test("is stored resized, replaces (and deletes) the previous one, and is audited", async () => {
    const product = await prisma.product.findUniqueOrThrow({
      where: { slug: "cabbage" },
      select: { id: true },
    });
    const first = await setProductPhoto(monitor, product.id, await png(), undefined, storage);
    const second = await setProductPhoto(admin, product.id, await png(), undefined, storage);
    expect(await storage.get(first)).toBeNull();
    const stored = await storage.get(second);
    expect((await sharp(stored!).metadata()).width).toBe(800);
    expect(await isProductPhoto(second)).toBe(true);
    expect(await isProductPhoto(first)).toBe(false);
    expect(await auditCount("product.photo_set", product.id)).toBe(2);
  });

  test("a file that is not a photo is refused and nothing is stored", async () => {
    const product = await prisma.product.findUniqueOrThrow({
      where: { slug: "carrot" },
      select: { id: true, photoKey: true },
    });
    await expect(
      setProductPhoto(monitor, product.id, Buffer.from("not a photo"), undefined, storage),
    ).rejects.toThrow(new SupplyError("supply.photoNotImage", "photo"));
    await expect(
      setProductPhoto(lead, product.id, await png(), undefined, storage),
    ).rejects.toThrow(new SupplyError("catalogue.forbidden"));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(`product-${product.id}-`))).toEqual([]);
    expect(
      (
        await prisma.product.findUniqueOrThrow({
          where: { id: product.id },
          select: { photoKey: true },
        })
      ).photoKey,
    ).toBe(product.photoKey);
  });
});
