import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { loader } from "./cooperatives.$slug";

beforeAll(async () => {
  await seedDemoData(prisma);
});

const load = (slug: string) =>
  loader({
    request: new Request(`http://localhost/cooperatives/${slug}`),
    params: { slug },
    context: {},
  });

describe("cooperative page", () => {
  test("shows a cooperative with its place, groups and member counts", async () => {
    const cooperative = await prisma.organization.findFirstOrThrow({
      where: { kind: "COOPERATIVE" },
      select: { slug: true, _count: { select: { farmers: true } } },
    });
    const data = await load(cooperative.slug);
    expect(data.cooperative.members.farmers).toBe(cooperative._count.farmers);
    expect(data.cooperative.members.women).toBeLessThanOrEqual(data.cooperative.members.farmers);
    expect(data.cooperative.province.nameKm).toMatch(/[\u1780-\u17FF]/);
    expect(data.cooperative.commune?.nameKm).toMatch(/[\u1780-\u17FF]/);
    expect(data.cooperative.selfHelpGroups.reduce((n, g) => n + g._count.farmers, 0)).toBe(
      cooperative._count.farmers,
    );
  });

  test("an unknown cooperative is a 404", async () => {
    await expect(load("no-such-cooperative")).rejects.toMatchObject({ status: 404 });
  });

  test("a buyer's slug does not show as a cooperative", async () => {
    const buyer = await prisma.organization.findFirstOrThrow({
      where: { kind: "BUYER" },
      select: { slug: true },
    });
    await expect(load(buyer.slug)).rejects.toMatchObject({ status: 404 });
  });

  test("a malformed slug is a 404, not a 500", async () => {
    await expect(load("<script>")).rejects.toMatchObject({ status: 404 });
    await expect(load("x".repeat(500))).rejects.toMatchObject({ status: 404 });
  });
});
