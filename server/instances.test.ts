// Two app processes (`npm start`) on one PostgreSQL and one S3-compatible store, as behind a load
// balancer: a session made on one works on the other, the sign-in rate limit is one count across
// both, a photo uploaded to one is served by the other (each has its own empty data folder), a
// job scheduled every minute runs once a minute, and the search outbox is delivered once.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { prisma } from "~/db/db.server";
import { DEMO_PASSWORD, seedDemoData } from "../prisma/seed";
import { spawnInstance, type AppInstance } from "../tests/app-instance";
import { startS3Server } from "../tests/s3-server";
import { buildIsStale, runBuild } from "./build";

const instances: AppInstance[] = [];
let s3: Awaited<ReturnType<typeof startS3Server>>;
let a: string;
let b: string;
let bothStarted: Date;
const meiliIndex = `instances_${process.pid}_${Date.now()}`;

async function startInstance() {
  const instance = await spawnInstance({
    ...s3.env,
    TRUST_PROXY: "true",
    MEILISEARCH_HOST: inject("meilisearchUrl"),
    MEILISEARCH_API_KEY: inject("meilisearchKey"),
    MEILISEARCH_INDEX: meiliIndex,
  });
  instances.push(instance);
  return instance.ready();
}

beforeAll(async () => {
  if (buildIsStale()) await runBuild();
  await seedDemoData(prisma);
  s3 = await startS3Server();
  // Both at once; server/concurrent-start.test.ts shows that on an empty database.
  [a, b] = await Promise.all([startInstance(), startInstance()]);
  bothStarted = new Date();
}, 300_000);

afterAll(async () => {
  for (const instance of instances) instance.stop();
  await s3?.stop();
});

const signIn = (base: string, identifier: string, password: string, address: string) =>
  fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "X-Forwarded-For": address },
    body: new URLSearchParams({ identifier, password }),
  });

describe("two instances on one database", () => {
  test("a session made on one is valid on the other, and signing out on one ends it on both", async () => {
    const response = await signIn(a, "lead@phsar.test", DEMO_PASSWORD, "198.51.100.1");
    expect(response.status).toBe(302);
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    // /login sends a signed-in visitor home, and shows the form to anyone else.
    for (const base of [a, b]) {
      const page = await fetch(`${base}/login`, {
        redirect: "manual",
        headers: { Cookie: cookie },
      });
      expect(page.status).toBe(302);
    }
    const out = await fetch(`${a}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie },
    });
    expect(out.status).toBeLessThan(400);
    const after = await fetch(`${b}/login`, { redirect: "manual", headers: { Cookie: cookie } });
    expect(after.status).toBe(200);
  });

  test("the sign-in limit per address counts attempts on both instances together", async () => {
    const address = "198.51.100.7";
    // 30 attempts per address in 15 minutes (app/auth/rate-limit.server.ts), half on each instance.
    for (let i = 0; i < 30; i += 1) {
      const response = await signIn(i % 2 ? b : a, `nobody${i}@phsar.test`, "wrong", address);
      expect(response.status).toBe(400);
    }
    expect((await signIn(b, "nobody-b@phsar.test", "wrong", address)).status).toBe(429);
    expect((await signIn(a, "nobody-a@phsar.test", "wrong", address)).status).toBe(429);
  });

  test("a photo uploaded to one instance is served by the other", async () => {
    const signedIn = await signIn(a, "lead@phsar.test", DEMO_PASSWORD, "198.51.100.2");
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    const lead = await prisma.membership.findFirstOrThrow({
      where: { user: { email: "lead@phsar.test" }, role: "LEAD" },
      select: { organization: { select: { id: true, slug: true } } },
    });
    const listing = await prisma.listing.findFirstOrThrow({
      where: { cooperativeId: lead.organization.id, status: "PUBLISHED" },
      select: { id: true },
    });
    const form = new FormData();
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#485" } })
      .jpeg()
      .toBuffer();
    form.set("photo", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "field.jpg");
    const upload = await fetch(
      `${a}/organizations/${lead.organization.slug}/listings/${listing.id}/photos`,
      { method: "POST", redirect: "manual", headers: { Cookie: cookie }, body: form },
    );
    expect(upload.status).toBe(303);
    expect(upload.headers.get("location")).toContain("saved=1");
    const photo = await prisma.listingPhoto.findFirstOrThrow({
      where: { listingId: listing.id },
      orderBy: { id: "desc" },
      select: { storageKey: true },
    });
    const fromB = await fetch(`${b}/photos/${photo.storageKey}`);
    expect(fromB.status).toBe(200);
    const fromA = await fetch(`${a}/photos/${photo.storageKey}`);
    expect(Buffer.from(await fromB.arrayBuffer())).toEqual(Buffer.from(await fromA.arrayBuffer()));
    // Neither instance kept it on its own disk.
    for (const { dataDir } of instances)
      expect(fs.existsSync(path.join(dataDir, "photos", photo.storageKey))).toBe(false);
  });

  test("a job scheduled every minute runs once a minute, not once per instance", async () => {
    // pg-boss keeps schedules in PostgreSQL and lets one instance at a time turn a cron tick into
    // a job; both instances work the queue. Wait for two ticks after both were up.
    const ticks = () =>
      prisma.$queryRaw<{ minute: Date; jobs: number; done: number }[]>`
        SELECT date_trunc('minute', "created_on") AS minute, count(*)::int AS jobs,
               count(*) FILTER (WHERE "state" = 'completed')::int AS done
          FROM pgboss.job
         WHERE "name" = 'orders-expire-unpaid' AND "created_on" > ${bothStarted}
         GROUP BY 1 ORDER BY 1`;
    const until = Date.now() + 170_000;
    while ((await ticks()).filter((t) => t.done > 0).length < 2 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    const seen = await ticks();
    expect(seen.filter((t) => t.done > 0).length).toBeGreaterThanOrEqual(2);
    for (const tick of seen) expect(tick.jobs).toBe(1);
    for (const { child } of instances) expect(child.exitCode).toBeNull();
  }, 200_000);

  test("the search outbox is drained once: each change reaches Meilisearch one time", async () => {
    type Task = { uid: number; type: string; status: string; details?: Record<string, number> };
    const tasks = async () => {
      const response = await fetch(
        `${inject("meilisearchUrl")}/tasks?indexUids=${meiliIndex}&limit=1000`,
        { headers: { Authorization: `Bearer ${inject("meilisearchKey")}` } },
      );
      return ((await response.json()) as { results: Task[] }).results;
    };
    const settled = async () => {
      const waiting = await prisma.searchOutbox.count({ where: { deliveredAt: null } });
      const open = (await tasks()).filter(
        (t) => t.status === "enqueued" || t.status === "processing",
      );
      return waiting === 0 && open.length === 0;
    };
    const waitSettled = async () => {
      const until = Date.now() + 60_000;
      while (!(await settled())) {
        if (Date.now() > until) throw new Error("the outbox did not drain in 60 s");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    await waitSettled(); // the start-up indexing of both instances
    const before = Math.max(-1, ...(await tasks()).map((t) => t.uid));
    const listings = await prisma.listing.findMany({ select: { id: true } });
    expect(listings.length).toBeGreaterThan(3);
    await prisma.searchOutbox.createMany({ data: listings.map((l) => ({ listingId: l.id })) });
    await waitSettled();
    const sent = (await tasks()).filter((t) => t.uid > before && t.status === "succeeded");
    const documents = sent.reduce(
      (sum, t) => sum + (t.details?.receivedDocuments ?? 0) + (t.details?.providedIds ?? 0),
      0,
    );
    // One document per listing and delivery slot: every change sent once means each document
    // received once (a second drain would send them all again).
    const stats = await fetch(`${inject("meilisearchUrl")}/indexes/${meiliIndex}/stats`, {
      headers: { Authorization: `Bearer ${inject("meilisearchKey")}` },
    });
    const { numberOfDocuments } = (await stats.json()) as { numberOfDocuments: number };
    expect(numberOfDocuments).toBeGreaterThanOrEqual(listings.length);
    expect(documents).toBe(numberOfDocuments);
  }, 120_000);
});
