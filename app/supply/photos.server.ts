import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { prisma } from "~/db/db.server";
import { SupplyError } from "./listings.server";
import { type PhotoStorage, photoStorage } from "./photo-storage.server";

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export const MAX_PHOTOS_PER_LISTING = 6;
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp"]);
// Wide enough for a phone screen; WebP at this size is usually 40–120 KB, kind to slow networks.
const DISPLAY_WIDTH = 800;

/**
 * Checks that the bytes really are a photo (by decoding them, not by trusting the file name or the
 * browser's content type), turns it upright, strips its metadata (location!), and resizes it.
 */
export async function preparePhoto(data: Buffer) {
  if (data.length === 0 || data.length > MAX_PHOTO_BYTES)
    throw new SupplyError("supply.photoTooLarge", "photo");
  let format: string | undefined;
  try {
    ({ format } = await sharp(data, { limitInputPixels: 40_000_000 }).metadata());
  } catch {
    throw new SupplyError("supply.photoNotImage", "photo");
  }
  if (!format || !ACCEPTED_FORMATS.has(format))
    throw new SupplyError("supply.photoNotImage", "photo");
  try {
    const { data: output, info } = await sharp(data, { limitInputPixels: 40_000_000 })
      .rotate()
      .resize({ width: DISPLAY_WIDTH, withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer({ resolveWithObject: true });
    return { data: output, width: info.width, height: info.height };
  } catch {
    throw new SupplyError("supply.photoNotImage", "photo");
  }
}

export async function addListingPhoto(
  listingId: number,
  cooperativeId: number,
  upload: Buffer,
  storage: PhotoStorage = photoStorage,
) {
  const listing = await prisma.listing.findFirst({
    where: { id: listingId, cooperativeId },
    select: { id: true, _count: { select: { photos: true } } },
  });
  if (!listing) throw new SupplyError("supply.notFound");
  if (listing._count.photos >= MAX_PHOTOS_PER_LISTING)
    throw new SupplyError("supply.tooManyPhotos", "photo");
  const photo = await preparePhoto(upload);
  const storageKey = `listing-${listingId}-${randomUUID()}.webp`;
  await storage.put(storageKey, photo.data);
  try {
    // The count above is only a quick refusal: uploads at the same time count again here, one at a
    // time under the listing's row lock (the unique position and the CHECK back this up).
    await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Listing" WHERE "id" = ${listingId} FOR UPDATE`;
      const taken = new Set(
        (await tx.listingPhoto.findMany({ where: { listingId }, select: { position: true } })).map(
          (p) => p.position,
        ),
      );
      const position = Array.from({ length: MAX_PHOTOS_PER_LISTING }, (_, i) => i).find(
        (i) => !taken.has(i),
      );
      if (taken.size >= MAX_PHOTOS_PER_LISTING || position === undefined)
        throw new SupplyError("supply.tooManyPhotos", "photo");
      await tx.listingPhoto.create({
        data: { listingId, storageKey, width: photo.width, height: photo.height, position },
        select: { id: true },
      });
    });
  } catch (error) {
    await storage.delete(storageKey); // no orphan file when the row could not be written
    throw error;
  }
  return storageKey;
}
