import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
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

describe("the photo limit holds under concurrent uploads", () => {
  async function emptyListing() {
    const source = await prisma.listing.findFirstOrThrow({
      where: { id: listing.id },
      select: {
        cooperativeId: true,
        productId: true,
        grade: true,
        priceMinor: true,
        currency: true,
      },
    });
    return prisma.listing.create({
      data: { ...source, minOrderQuantity: 1, status: "DRAFT" },
      select: { id: true, cooperativeId: true },
    });
  }
  const rows = (listingId: number) =>
    prisma.listingPhoto.findMany({
      where: { listingId },
      select: { position: true, storageKey: true },
    });

  test("8 uploads at once end with 6 photos at distinct positions, and no file left over", async () => {
    const target = await emptyListing();
    const photo = await jpeg(120, 90);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        addListingPhoto(target.id, target.cooperativeId, photo, storage),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_PHOTOS_PER_LISTING);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ key: "supply.tooManyPhotos" });
    const stored = await rows(target.id);
    expect(stored.map((p) => p.position).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith(`listing-${target.id}-`));
    expect(files.sort()).toEqual(stored.map((p) => p.storageKey).sort());
  });

  test("two uploads for the last place, queued behind a held listing lock: one gets it", async () => {
    const target = await emptyListing();
    const photo = await jpeg(120, 90);
    for (let i = 0; i < MAX_PHOTOS_PER_LISTING - 1; i++)
      await addListingPhoto(target.id, target.cooperativeId, photo, storage);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const locked = new Promise<void>((resolve) => (held = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Listing" WHERE "id" = ${target.id} FOR UPDATE`;
        held();
        await gate;
      },
      { timeout: 20_000 },
    );
    await locked;
    const uploads = [0, 1].map(() =>
      addListingPhoto(target.id, target.cooperativeId, photo, storage).then(
        () => "added",
        (error: { key?: string }) => error.key,
      ),
    );
    await vi.waitFor(
      async () => {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        expect(row!.n).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000 },
    );
    release();
    await holder;
    expect((await Promise.all(uploads)).sort()).toEqual(["added", "supply.tooManyPhotos"]);
    expect(await prisma.listingPhoto.count({ where: { listingId: target.id } })).toBe(
      MAX_PHOTOS_PER_LISTING,
    );
  });

  test("the database itself refuses a seventh position or a duplicate one", async () => {
    const target = await emptyListing();
    const row = (position: number, key: string) =>
      prisma.listingPhoto.create({
        data: { listingId: target.id, storageKey: key, width: 1, height: 1, position },
      });
    await row(0, `check-${target.id}-a`);
    await expect(row(0, `check-${target.id}-b`)).rejects.toMatchObject({ code: "P2002" });
    await expect(row(MAX_PHOTOS_PER_LISTING, `check-${target.id}-c`)).rejects.toThrow();
  });
});
