// A cooperative's profile reaches search (issue #25, item 3): renamed and moved, it is found under
// its new name and province, and no longer under the old ones, in both drivers.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { prisma } from "~/db/db.server";
import { type SearchEngine } from "~/search/engine";
import { meilisearchEngine } from "~/search/meilisearch.server";
import { deliverOutbox } from "~/search/outbox.server";
import { postgresEngine } from "~/search/postgres.server";
import { SearchParamsSchema } from "~/search/query";
import { seedDemoData } from "../../prisma/seed";
import { userByEmail } from "../../tests/builders";
import { updateOrganization } from "./organizations.server";

const meili = meilisearchEngine(prisma, {
  host: inject("meilisearchUrl"),
  apiKey: inject("meilisearchKey"),
  index: `organizations_${randomUUID().slice(0, 8)}`,
});

const drivers: Record<string, { engine: SearchEngine; sync(): Promise<unknown> }> = {
  postgres: { engine: postgresEngine(prisma), sync: async () => {} },
  meilisearch: { engine: meili, sync: () => deliverOutbox(prisma, meili) },
};

let cooperativeId: number;
let listingIds: number[];
let actor: { userId: number; ipAddress: string };
let profile: Parameters<typeof updateOrganization>[1];
let from: { code: string; nameEn: string };
let to: { code: string; nameEn: string };

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await userByEmail("lead@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  actor = { userId: lead.id, ipAddress: "192.0.2.17" };
  const cooperative = await prisma.organization.findUniqueOrThrow({
    where: { id: cooperativeId },
    select: {
      nameKm: true,
      nameEn: true,
      provinceCode: true,
      districtCode: true,
      phone: true,
      email: true,
      province: { select: { code: true, nameEn: true } },
    },
  });
  const { province, ...rest } = cooperative;
  from = province;
  to = await prisma.province.findFirstOrThrow({
    where: { code: { not: province.code }, nameEn: { not: { contains: " " } } },
    select: { code: true, nameEn: true },
    orderBy: { code: "asc" },
  });
  profile = { ...rest, nameEn: "Quexoria Growers" };
  await updateOrganization(cooperativeId, profile, actor);
  listingIds = (
    await prisma.listing.findMany({
      where: {
        cooperativeId,
        status: "PUBLISHED",
        windows: { some: { cutoffAt: { gt: new Date() } } },
      },
      select: { id: true },
      orderBy: { id: "asc" },
    })
  ).map((listing) => listing.id);
  await meili.ensureIndex();
  await deliverOutbox(prisma, meili);
});

afterAll(async () => {
  await meili.client.deleteIndex(meili.uid).waitTask();
});

describe.each(Object.entries(drivers))("%s", (_name, driver) => {
  const found = async (fields: Record<string, unknown>) =>
    (
      await driver.engine.search(
        SearchParamsSchema.parse({ perPage: 50, cooperative: [String(cooperativeId)], ...fields }),
      )
    ).listingIds.sort((a, b) => a - b);

  test("a renamed and moved cooperative is found under its new name and province only", async () => {
    expect(listingIds.length).toBeGreaterThan(0);
    await driver.sync();
    expect(await found({ q: "Quexoria" })).toEqual(listingIds);
    expect(await found({ province: [from.code] })).toEqual(listingIds);

    const name = `Zorblax ${_name === "postgres" ? "Valley" : "Hills"} Growers`;
    await updateOrganization(
      cooperativeId,
      { ...profile, nameEn: name, provinceCode: to.code, districtCode: null },
      actor,
    );
    await driver.sync();
    expect(await found({ q: name })).toEqual(listingIds);
    expect(await found({ q: "Quexoria" })).toEqual([]);
    expect(await found({ province: [to.code] })).toEqual(listingIds);
    expect(await found({ province: [from.code] })).toEqual([]);
    expect(await found({ q: to.nameEn })).toEqual(listingIds);
    profile = { ...profile, nameEn: "Quexoria Growers", provinceCode: from.code };
    await updateOrganization(cooperativeId, { ...profile, districtCode: null }, actor);
  });
});
