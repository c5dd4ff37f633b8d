// The product catalogue, managed by union staff and platform admins. Every change is audited and
// reaches search in the same transaction: the PostgreSQL rows of the product's listings are
// rewritten and outbox rows tell the Meilisearch worker (which also brings its synonyms up to date).
import { randomUUID } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { type Actor, can } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";
import { recordProductChange } from "~/search/sync.server";
import { type ProductInput } from "./catalogue";
import { type PhotoStorage, photoStorage } from "./photo-storage.server";
import { preparePhoto } from "./photos.server";
import { SupplyError } from "./listings.server";

export type CatalogueActor = Actor & { id: number };
type Tx = Prisma.TransactionClient;

function assertCanManage(actor: CatalogueActor) {
  if (!can(actor, "manage:products:any")) throw new SupplyError("catalogue.forbidden");
}

const productSelect = {
  id: true,
  slug: true,
  nameKm: true,
  nameEn: true,
  category: true,
  unit: true,
  referencePriceKhr: true,
  searchSynonyms: true,
  photoKey: true,
  active: true,
} as const;

export async function listCatalogue(actor: CatalogueActor) {
  assertCanManage(actor);
  return prisma.product.findMany({
    select: { ...productSelect, _count: { select: { listings: true } } },
    orderBy: [{ active: "desc" }, { category: "asc" }, { nameEn: "asc" }],
  });
}

export async function getCatalogueProduct(actor: CatalogueActor, productId: number) {
  assertCanManage(actor);
  const product = await prisma.product.findUnique({
    where: { id: productId },
    select: productSelect,
  });
  if (!product) throw new SupplyError("supply.notFound");
  return product;
}

/** A URL slug from the English name: "Water spinach (morning glory)" → "water-spinach-morning-glory". */
export function slugOf(nameEn: string) {
  const slug = nameEn
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "product";
}

async function freeSlug(tx: Tx, nameEn: string) {
  const base = slugOf(nameEn);
  const taken = new Set(
    (
      await tx.product.findMany({
        where: { slug: { startsWith: base } },
        select: { slug: true },
      })
    ).map((p) => p.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Two products with the same name in either language would be one product to a buyer. */
async function checkNamesFree(tx: Tx, input: ProductInput, exceptId?: number) {
  const clash = await tx.product.findFirst({
    where: {
      ...(exceptId ? { id: { not: exceptId } } : {}),
      OR: [
        { nameEn: { equals: input.nameEn, mode: "insensitive" } },
        { nameKm: input.nameKm.normalize("NFC") },
      ],
    },
    select: { nameEn: true },
  });
  if (clash)
    throw new SupplyError(
      "catalogue.nameTaken",
      clash.nameEn.toLowerCase() === input.nameEn.toLowerCase() ? "nameEn" : "nameKm",
    );
}

/** One product change at a time (two staff saving the same name both pass the check otherwise). */
async function lockCatalogue(tx: Tx) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('phsar:product-catalogue'))`;
}

const fieldsOf = (input: ProductInput) => ({
  nameKm: input.nameKm.normalize("NFC"),
  nameEn: input.nameEn,
  category: input.category,
  unit: input.unit,
  referencePriceKhr: input.referencePriceKhr,
  searchSynonyms: input.searchSynonyms.map((s) => s.normalize("NFC")),
});

export async function createProduct(
  actor: CatalogueActor,
  input: ProductInput,
  ipAddress?: string,
) {
  assertCanManage(actor);
  return prisma.$transaction(async (tx) => {
    await lockCatalogue(tx);
    await checkNamesFree(tx, input);
    const product = await tx.product.create({
      data: { ...fieldsOf(input), slug: await freeSlug(tx, input.nameEn) },
      select: { id: true, slug: true },
    });
    await recordAudit(
      {
        action: "product.created",
        actorUserId: actor.id,
        targetType: "Product",
        targetId: product.id,
        details: { slug: product.slug, nameEn: input.nameEn, nameKm: input.nameKm },
        ipAddress,
      },
      tx,
    );
    return product;
  });
}

export async function updateProduct(
  actor: CatalogueActor,
  productId: number,
  input: ProductInput,
  ipAddress?: string,
) {
  assertCanManage(actor);
  await prisma.$transaction(async (tx) => {
    await lockCatalogue(tx);
    const before = await tx.product.findUnique({
      where: { id: productId },
      select: { nameKm: true, nameEn: true, category: true, unit: true, searchSynonyms: true },
    });
    if (!before) throw new SupplyError("supply.notFound");
    await checkNamesFree(tx, input, productId);
    const fields = fieldsOf(input);
    await tx.product.update({ where: { id: productId }, data: fields, select: { id: true } });
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter(
      (key) =>
        key !== "referencePriceKhr" &&
        JSON.stringify(before[key as keyof typeof before]) !== JSON.stringify(fields[key]),
    );
    const reindexed = await recordProductChange(tx, productId);
    await recordAudit(
      {
        action: "product.updated",
        actorUserId: actor.id,
        targetType: "Product",
        targetId: productId,
        details: { changed, listingsReindexed: reindexed },
        ipAddress,
      },
      tx,
    );
  });
}

/** Deactivated products are not offered for new listings; their listings and orders stay. */
export async function setProductActive(
  actor: CatalogueActor,
  productId: number,
  active: boolean,
  ipAddress?: string,
) {
  assertCanManage(actor);
  await prisma.$transaction(async (tx) => {
    const updated = await tx.product.updateMany({
      where: { id: productId, active: !active },
      data: { active },
    });
    if (updated.count === 0) {
      const exists = await tx.product.count({ where: { id: productId } });
      if (!exists) throw new SupplyError("supply.notFound");
      return; // already so: nothing changed, nothing to audit
    }
    await recordAudit(
      {
        action: active ? "product.reactivated" : "product.deactivated",
        actorUserId: actor.id,
        targetType: "Product",
        targetId: productId,
        ipAddress,
      },
      tx,
    );
  });
}

/** Replaces the product's photo (checked, upright, without metadata, resized like listing photos). */
export async function setProductPhoto(
  actor: CatalogueActor,
  productId: number,
  upload: Buffer,
  ipAddress?: string,
  storage: PhotoStorage = photoStorage,
) {
  assertCanManage(actor);
  const exists = await prisma.product.count({ where: { id: productId } });
  if (!exists) throw new SupplyError("supply.notFound");
  const photo = await preparePhoto(upload);
  const storageKey = `product-${productId}-${randomUUID()}.webp`;
  await storage.put(storageKey, photo.data);
  let previous: string | null = null;
  try {
    await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ photoKey: string | null }[]>`
        SELECT "photoKey" FROM "Product" WHERE "id" = ${productId} FOR UPDATE`;
      if (rows.length === 0) throw new SupplyError("supply.notFound");
      previous = rows[0]!.photoKey;
      await tx.product.update({
        where: { id: productId },
        data: { photoKey: storageKey },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "product.photo_set",
          actorUserId: actor.id,
          targetType: "Product",
          targetId: productId,
          details: { storageKey },
          ipAddress,
        },
        tx,
      );
    });
  } catch (error) {
    await storage.delete(storageKey); // no orphan file when the row could not be written
    throw error;
  }
  if (previous) await storage.delete(previous);
  return storageKey;
}

/** Catalogue photos are public (the market shows them), as long as a product holds the key. */
export async function isProductPhoto(storageKey: string) {
  return (await prisma.product.count({ where: { photoKey: storageKey } })) > 0;
}
