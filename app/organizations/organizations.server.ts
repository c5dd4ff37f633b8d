import { prisma } from "~/db/db.server";
import { recordAudit } from "~/audit/audit.server";
import { recordOrganizationChange } from "~/search/sync.server";
import { youngFarmerMinBirthYear } from "./inclusion";

export async function getOrganization(slug: string) {
  return prisma.organization.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      kind: true,
      nameKm: true,
      nameEn: true,
      phone: true,
      email: true,
      provinceCode: true,
      districtCode: true,
      province: { select: { code: true, nameKm: true, nameEn: true } },
      district: { select: { code: true, nameKm: true, nameEn: true } },
    },
  });
}

export type OrganizationProfile = {
  nameKm: string;
  nameEn: string;
  provinceCode: string;
  districtCode: string | null;
  phone: string | null;
  email: string | null;
};

/** Saves the profile and records what changed, in one transaction. */
export async function updateOrganization(
  organizationId: number,
  profile: OrganizationProfile,
  actor: { userId: number; ipAddress: string },
) {
  await prisma.$transaction(async (tx) => {
    // Locked before reading, so two saves at once compare with what the other wrote: otherwise the
    // later one may see "nothing changed" and leave search with the earlier one's name.
    await tx.$queryRaw`SELECT "id" FROM "Organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
    const before = await tx.organization.findUniqueOrThrow({
      where: { id: organizationId },
      select: {
        nameKm: true,
        nameEn: true,
        provinceCode: true,
        districtCode: true,
        phone: true,
        email: true,
      },
    });
    await tx.organization.update({
      where: { id: organizationId },
      data: profile,
      select: { id: true },
    });
    const changed = Object.fromEntries(
      Object.entries(profile)
        .filter(([key, value]) => before[key as keyof typeof before] !== value)
        .map(([key, value]) => [key, { from: before[key as keyof typeof before], to: value }]),
    );
    await recordAudit(
      {
        action: "organization.updated",
        actorUserId: actor.userId,
        organizationId,
        details: changed,
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    // The name and province are part of every listing's search text and facets.
    if ("nameKm" in changed || "nameEn" in changed || "provinceCode" in changed)
      await recordOrganizationChange(tx, organizationId);
  });
}

/** Cooperatives and members by province, for the union dashboard. */
export async function membershipByProvince(year = new Date().getFullYear()) {
  const rows = await prisma.$queryRaw<
    {
      code: string;
      nameKm: string;
      nameEn: string;
      cooperatives: number;
      farmers: number;
      women: number;
      young: number;
    }[]
  >`
    SELECT p."code", p."nameKm", p."nameEn",
           COUNT(DISTINCT o."id")::int AS cooperatives,
           COUNT(f."id")::int AS farmers,
           COUNT(f."id") FILTER (WHERE f."gender" = 'FEMALE')::int AS women,
           COUNT(f."id") FILTER (WHERE f."birthYear" >= ${youngFarmerMinBirthYear(year)})::int AS young
      FROM "Organization" o
      JOIN "Province" p ON p."code" = o."provinceCode"
      LEFT JOIN "Farmer" f ON f."cooperativeId" = o."id"
     WHERE o."kind" = 'COOPERATIVE'
     GROUP BY p."code", p."nameKm", p."nameEn"
     ORDER BY p."nameEn"`;
  return rows;
}
