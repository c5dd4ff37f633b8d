import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { createUnion } from "~/organizations/unions.server";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./unions.$slug.cooperatives.new";

let cookie: string;
let unionSlug: string;

beforeAll(async () => {
  await seedDemoData(prisma);
  const admin = await prisma.user.create({
    data: { name: "Admin", email: "coop-form-admin@phsar.test", isAdmin: true },
    select: { id: true },
  });
  const union = await createUnion(
    { nameKm: "សហភាពទម្រង់", nameEn: "Form Union", provinceCode: "17" },
    { id: admin.id, isAdmin: true, memberships: [], ipAddress: "198.51.100.9" },
  );
  unionSlug = union.slug;
  const staff = await prisma.user.create({
    data: {
      name: "Staff",
      email: "coop-form-staff@phsar.test",
      memberships: { create: { organizationId: union.id, role: "MONITOR" } },
    },
    select: { id: true },
  });
  cookie = (await createSession(staff.id)).split(";")[0]!;
});

const typed = {
  nameKm: "សហគមន៍ទម្រង់",
  nameEn: "Form Cooperative",
  districtCode: "1701",
  registrationNumber: "REG-FORM-1",
  registeredOn: "2020-02-03",
};

async function post(fields: Record<string, string>) {
  const response = await action({
    request: new Request(`http://localhost/unions/${unionSlug}/cooperatives/new`, {
      method: "POST",
      headers: { Cookie: cookie },
      body: new URLSearchParams(fields),
    }),
    params: { slug: unionSlug },
    context: {},
  });
  return response as Response;
}

describe("new cooperative form", () => {
  test("a commune of another district is a 400 keeping what was typed, with the district's communes; nothing written", async () => {
    const response = await post({ ...typed, communeCode: "010201" });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.initialValue).toMatchObject({ ...typed, communeCode: "010201" });
    expect(body.error).toEqual({ communeCode: ["onboarding.cooperatives.communeNotInDistrict"] });
    expect(body.communes.map((c: { code: string }) => c.code)).toContain("170101");
    expect(body.communes.every((c: { code: string }) => c.code.startsWith("1701"))).toBe(true);
    expect(await prisma.organization.count({ where: { nameEn: typed.nameEn } })).toBe(0);
  });

  test("the show-communes button lists the typed district's communes without saving", async () => {
    const response = await post({ nameKm: "", districtCode: "0102", show: "communes" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.error).toBeUndefined();
    expect(body.communes.map((c: { code: string }) => c.code)).toContain("010201");
    expect(
      await prisma.organization.count({
        where: { districtCode: "0102", kind: "COOPERATIVE", nameKm: "" },
      }),
    ).toBe(0);
  });

  test("a commune of the district creates the cooperative with it", async () => {
    const response = await post({ ...typed, communeCode: "170101" });
    expect(response.status).toBe(302);
    expect(
      await prisma.organization.findFirstOrThrow({
        where: { nameEn: typed.nameEn },
        select: { districtCode: true, communeCode: true, provinceCode: true },
      }),
    ).toEqual({ districtCode: "1701", communeCode: "170101", provinceCode: "17" });
  });
});
