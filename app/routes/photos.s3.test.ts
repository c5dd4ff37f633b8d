// Photos kept in an S3-compatible store (a real s3rver on 127.0.0.1): uploaded through the domain
// module, served by /photos/$key, and a draft listing's photo stays private. The bucket is never
// exposed; the route reads through the storage interface and applies the visibility rule.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type * as Session from "~/auth/session.server";
import type * as Db from "~/db/db.server";
import type * as Env from "~/env.server";
import type * as Storage from "~/supply/photo-storage.server";
import type * as Photos from "~/supply/photos.server";
import { startS3Server } from "../../tests/s3-server";
import type * as PhotoRoute from "./photos.$key";

let s3: Awaited<ReturnType<typeof startS3Server>>;
let app: {
  loader: typeof PhotoRoute.loader;
  addListingPhoto: typeof Photos.addListingPhoto;
  createSession: typeof Session.createSession;
  prisma: typeof Db.prisma;
  storage: typeof Storage;
  env: typeof Env.env;
};
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startS3Server();
  Object.assign(process.env, s3.env);
  // env.server parses process.env once, when first loaded: load the app again with S3_* set.
  vi.resetModules();
  app = {
    loader: (await import("./photos.$key")).loader,
    addListingPhoto: (await import("~/supply/photos.server")).addListingPhoto,
    createSession: (await import("~/auth/session.server")).createSession,
    prisma: (await import("~/db/db.server")).prisma,
    storage: await import("~/supply/photo-storage.server"),
    env: (await import("~/env.server")).env,
  };
  const { seedDemoData } = await import("../../prisma/seed");
  await seedDemoData(app.prisma);
});
afterAll(async () => {
  for (const name of Object.keys(s3.env)) delete process.env[name];
  Object.assign(process.env, saved);
  await s3?.stop();
});

const context = { clientIp: "192.0.2.71" };
const get = (key: string, cookie?: string) =>
  app.loader({
    request: new Request(`http://localhost/photos/${key}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    params: { key },
    context,
  }) as Promise<Response>;

describe("photos in S3", () => {
  test("a draft listing's photo is in the bucket, served to its cooperative only, public once published", async () => {
    expect(app.env.S3_BUCKET).toBe(s3.bucket);
    const lead = await app.prisma.membership.findFirstOrThrow({
      where: { user: { email: "lead@phsar.test" }, role: "LEAD" },
      select: { userId: true, organizationId: true },
    });
    const listing = await app.prisma.listing.findFirstOrThrow({
      where: { cooperativeId: lead.organizationId },
      select: { id: true },
    });
    await app.prisma.listing.update({ where: { id: listing.id }, data: { status: "DRAFT" } });
    const jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: "#386" } })
      .jpeg()
      .toBuffer();
    const key = await app.addListingPhoto(listing.id, lead.organizationId, jpeg);

    // The bytes are in the bucket (read with a storage of its own), not on this machine's disk.
    const bucket = app.storage.s3Storage(app.storage.s3SettingsFromEnv(app.env)!);
    const stored = await bucket.get(key);
    expect(stored?.subarray(8, 12).toString()).toBe("WEBP");
    const disk = app.storage.localDiskStorage(`${app.env.PHSAR_DATA_DIR}/photos`);
    expect(await disk.get(key)).toBeNull();

    await expect(get(key)).rejects.toMatchObject({ status: 404 });
    const cookie = (await app.createSession(lead.userId)).split(";")[0]!;
    const own = await get(key, cookie);
    expect(own.status).toBe(200);
    expect(own.headers.get("Cache-Control")).toMatch(/^private/);
    expect(Buffer.from(await own.arrayBuffer())).toEqual(stored);

    await app.prisma.listing.update({ where: { id: listing.id }, data: { status: "PUBLISHED" } });
    const open = await get(key);
    expect(open.status).toBe(200);
    expect(open.headers.get("Cache-Control")).toMatch(/^public/);
  });
});
