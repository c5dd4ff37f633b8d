// The catalogue pages through their route handlers: bad input answers 400 with the field's message
// and writes nothing; a good form creates the product; its photo is served publicly.
import sharp from "sharp";
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { setProductPhoto } from "~/supply/catalogue.server";
import { photoStorage } from "~/supply/photo-storage.server";
import { seedDemoData } from "../../prisma/seed";
import { action as editAction } from "./catalogue.$productId";
import { action as createAction } from "./catalogue.new";
import { loader as photoLoader } from "./photos.$key";

let cookie: string;
const context = { clientIp: "192.0.2.70" };

beforeAll(async () => {
  await seedDemoData(prisma);
  const monitor = await prisma.user.findUniqueOrThrow({
    where: { email: "monitor@phsar.test" },
    select: { id: true },
  });
  cookie = (await createSession(monitor.id)).split(";")[0]!;
});

const post = (path: string, fields: Record<string, string>) =>
  new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { Cookie: cookie },
    body: new URLSearchParams(fields),
  });

describe("the catalogue pages", () => {
  test("a form without a unit and with a bad price is refused, naming the fields", async () => {
    const before = await prisma.product.count();
    const response = (await createAction({
      request: post("/catalogue/new", {
        nameKm: "ពោតបារាំង",
        nameEn: "Okra",
        category: "VEGETABLE",
        referencePriceKhr: "12abc",
      }),
      params: {},
      context,
    })) as Response;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, string[]> };
    expect(body.error).toMatchObject({
      unit: ["catalogue.unitRequired"],
      referencePriceKhr: ["catalogue.referencePriceInvalid"],
    });
    expect(await prisma.product.count()).toBe(before);
  });

  test("a good form creates the product; a rename to a taken name is refused beside the field", async () => {
    const response = (await createAction({
      request: post("/catalogue/new", {
        nameKm: "ពោតបារាំង",
        nameEn: "Okra",
        category: "VEGETABLE",
        unit: "KG",
        searchSynonyms: "lady's finger\nbhindi",
      }),
      params: {},
      context,
    })) as Response;
    expect(response.status).toBe(302);
    const okra = await prisma.product.findUniqueOrThrow({
      where: { slug: "okra" },
      select: { id: true, searchSynonyms: true },
    });
    expect(response.headers.get("Location")).toBe(`/catalogue/${okra.id}?saved=1`);
    expect(okra.searchSynonyms).toEqual(["lady's finger", "bhindi"]);

    const refused = (await editAction({
      request: post(`/catalogue/${okra.id}`, {
        intent: "save",
        nameKm: "ពោតបារាំង",
        nameEn: "Tomato",
        category: "VEGETABLE",
        unit: "KG",
      }),
      params: { productId: String(okra.id) },
      context,
    })) as Response;
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: Record<string, string[]> }).error).toEqual({
      nameEn: ["catalogue.nameTaken"],
    });
    expect(await prisma.product.count({ where: { nameEn: "Tomato" } })).toBe(1);
  });

  test("a catalogue photo is served to anyone; an unknown product key is a 404", async () => {
    const admin = await prisma.user.findFirstOrThrow({
      where: { isAdmin: true },
      select: {
        id: true,
        isAdmin: true,
        memberships: { select: { organizationId: true, role: true } },
      },
    });
    const product = await prisma.product.findFirstOrThrow({ select: { id: true } });
    const photo = await sharp({
      create: { width: 40, height: 30, channels: 3, background: "#2e7d32" },
    })
      .png()
      .toBuffer();
    const key = await setProductPhoto(admin, product.id, photo);
    try {
      const served = (await photoLoader({
        request: new Request(`http://localhost/photos/${key}`),
        params: { key },
        context,
      })) as Response;
      expect(served.status).toBe(200);
      expect(served.headers.get("Content-Type")).toBe("image/webp");
      const unknown = `product-${product.id}-00000000-0000-0000-0000-000000000000.webp`;
      await expect(
        photoLoader({
          request: new Request(`http://localhost/photos/${unknown}`),
          params: { key: unknown },
          context,
        }),
      ).rejects.toMatchObject({ status: 404 });
    } finally {
      await photoStorage.delete(key);
    }
  });
});
