import { beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { loader } from "./api.v1.listings";

beforeAll(async () => {
  await seedDemoData(prisma);
});

const get = async (query: string) => {
  const response = await loader({
    request: new Request(`http://localhost/api/v1/listings?${query}`),
    params: {},
    context: { clientIp: "192.0.2.1" },
  });
  return { status: response.status, body: await response.json() };
};

test("returns hits with their next windows and facet counts", async () => {
  const { status, body } = await get(
    "q=%E1%9E%8F%E1%9F%92%E1%9E%9A%E1%9E%80%E1%9E%BD%E1%9E%93&sort=soonest",
  );
  expect(status).toBe(200);
  expect(body.total).toBeGreaterThan(0);
  expect(body.hits[0]).toMatchObject({
    product: { slug: "water-spinach" },
    windows: expect.arrayContaining([expect.objectContaining({ remaining: expect.any(Number) })]),
  });
  expect(body.facets.category).toEqual({ VEGETABLE: body.total });
});

test.each([
  ["sort=cheapest", "sort"],
  ["grade=Z", "grade"],
  ["from=2026-13-01", "from"],
  ["priceMin=500&priceMax=100", "priceMax"],
  ["perPage=500", "perPage"],
  ["colour=red", "colour"],
])("a bad parameter (%s) is a 400 naming it", async (query, parameter) => {
  const { status, body } = await get(query);
  expect(status).toBe(400);
  expect(body.error.parameter).toBe(parameter);
});
