import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { localDiskStorage } from "./photo-storage.server";
import { addListingPhoto, MAX_PHOTOS_PER_LISTING, preparePhoto } from "./photos.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-photos-"));
const storage = localDiskStorage(dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function jpeg(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: "#3f7d2c" } })
    .withMetadata({ exif: { IFD0: { Copyright: "farmer's phone" } } })
    .jpeg()
    .toBuffer();
}

let listing: { id: number; cooperativeId: number };
let otherCooperativeId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  listing = await prisma.listing.findFirstOrThrow({ select: { id: true, cooperativeId: true } });
  otherCooperativeId = (
    await prisma.organization.findFirstOrThrow({
      where: { kind: "COOPERATIVE", id: { not: listing.cooperativeId } },
      select: { id: true },
    })
  ).id;
});

describe("preparePhoto", () => {
  test("resizes a large photo to 800 px wide WebP and drops its metadata", async () => {
    const photo = await preparePhoto(await jpeg(3000, 2000));
    expect(photo).toMatchObject({ width: 800, height: 533 });
    const meta = await sharp(photo.data).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.exif).toBeUndefined();
  });

  test("a file that only claims to be a photo is refused", async () => {
    await expect(preparePhoto(Buffer.from("<html>not a photo</html>"))).rejects.toMatchObject({
      key: "supply.photoNotImage",
    });
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } })
      .gif()
      .toBuffer();
    await expect(preparePhoto(gif)).rejects.toMatchObject({ key: "supply.photoNotImage" });
  });

  test("an oversized upload is refused before decoding", async () => {
    await expect(preparePhoto(Buffer.alloc(8 * 1024 * 1024 + 1))).rejects.toMatchObject({
      key: "supply.photoTooLarge",
    });
  });
});

describe("addListingPhoto", () => {
  test("stores the file and its row; another cooperative cannot add to this listing", async () => {
    const key = await addListingPhoto(
      listing.id,
      listing.cooperativeId,
      await jpeg(1200, 900),
      storage,
    );
    expect(fs.existsSync(path.join(dir, key))).toBe(true);
    expect(
      await prisma.listingPhoto.count({ where: { storageKey: key, listingId: listing.id } }),
    ).toBe(1);
    await expect(
      addListingPhoto(listing.id, otherCooperativeId, await jpeg(100, 100), storage),
    ).rejects.toMatchObject({
      key: "supply.notFound",
    });
  });

  test(`refuses more than ${MAX_PHOTOS_PER_LISTING} photos, leaving no extra file`, async () => {
    while (
      (await prisma.listingPhoto.count({ where: { listingId: listing.id } })) <
      MAX_PHOTOS_PER_LISTING
    ) {
      await addListingPhoto(listing.id, listing.cooperativeId, await jpeg(200, 200), storage);
    }
    const files = fs.readdirSync(dir).length;
    await expect(
      addListingPhoto(listing.id, listing.cooperativeId, await jpeg(200, 200), storage),
    ).rejects.toMatchObject({
      key: "supply.tooManyPhotos",
    });
    expect(fs.readdirSync(dir).length).toBe(files);
  });
});
