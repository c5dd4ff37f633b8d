import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";
import { youngFarmerMinBirthYear } from "./inclusion";

export type FarmerCounts = { farmers: number; women: number; young: number };

/** Active member counts per cooperative: all, women, and under 35 this year (deactivated left out). */
async function farmerCountsByCooperative(cooperativeIds: number[], year: number) {
  const minBirthYear = youngFarmerMinBirthYear(year);
  const [all, women, young] = await Promise.all([
    prisma.farmer.groupBy({
      by: ["cooperativeId"],
      where: { cooperativeId: { in: cooperativeIds }, deactivatedAt: null },
      _count: { _all: true },
    }),
    prisma.farmer.groupBy({
      by: ["cooperativeId"],
      where: { cooperativeId: { in: cooperativeIds }, deactivatedAt: null, gender: "FEMALE" },
      _count: { _all: true },
    }),
    prisma.farmer.groupBy({
      by: ["cooperativeId"],
      where: {
        cooperativeId: { in: cooperativeIds },
        deactivatedAt: null,
        birthYear: { gte: minBirthYear },
      },
      _count: { _all: true },
    }),
  ]);
  const counts = new Map<number, FarmerCounts>(
    cooperativeIds.map((id) => [id, { farmers: 0, women: 0, young: 0 }]),
  );
  for (const row of all) counts.get(row.cooperativeId)!.farmers = row._count._all;
  for (const row of women) counts.get(row.cooperativeId)!.women = row._count._all;
  for (const row of young) counts.get(row.cooperativeId)!.young = row._count._all;
  return counts;
}

const placeSelect = {
  province: { select: { code: true, nameKm: true, nameEn: true } },
  district: { select: { code: true, nameKm: true, nameEn: true } },
  commune: { select: { code: true, nameKm: true, nameEn: true } },
} as const;

/**
 * Whether a cooperative's commune lies in its district: the form offers only that district's
 * communes, but a stale page or a hand-made post can send any code.
 */
export async function isCommuneOfDistrict(
  db: Prisma.TransactionClient,
  communeCode: string,
  districtCode: string,
) {
  const commune = await db.commune.findUnique({
    where: { code: communeCode },
    select: { districtCode: true },
  });
  return commune?.districtCode === districtCode;
}

export async function listCooperatives({ year = new Date().getFullYear() } = {}) {
  // A deactivated cooperative is no longer listed (its own page stays, for its past orders).
  const cooperatives = await prisma.organization.findMany({
    where: { kind: "COOPERATIVE", deactivatedAt: null },
    select: { id: true, slug: true, nameKm: true, nameEn: true, ...placeSelect },
    orderBy: [{ provinceCode: "asc" }, { nameEn: "asc" }],
  });
  const counts = await farmerCountsByCooperative(
    cooperatives.map((c) => c.id),
    year,
  );
  return cooperatives.map((c) => ({ ...c, members: counts.get(c.id)! }));
}

export async function getCooperative(slug: string, { year = new Date().getFullYear() } = {}) {
  const cooperative = await prisma.organization.findFirst({
    where: { slug, kind: "COOPERATIVE" },
    select: {
      id: true,
      slug: true,
      nameKm: true,
      nameEn: true,
      phone: true,
      email: true,
      ...placeSelect,
      selfHelpGroups: {
        select: { id: true, name: true, _count: { select: { farmers: true } } },
        orderBy: { name: "asc" },
      },
    },
  });
  if (!cooperative) return null;
  const counts = await farmerCountsByCooperative([cooperative.id], year);
  return { ...cooperative, members: counts.get(cooperative.id)! };
}

/** Totals across all cooperatives, for the market page. */
export async function getMembershipTotals({ year = new Date().getFullYear() } = {}) {
  const [cooperatives, farmers, women, young] = await Promise.all([
    prisma.organization.count({ where: { kind: "COOPERATIVE" } }),
    prisma.farmer.count({ where: { deactivatedAt: null } }),
    prisma.farmer.count({ where: { gender: "FEMALE", deactivatedAt: null } }),
    prisma.farmer.count({
      where: { birthYear: { gte: youngFarmerMinBirthYear(year) }, deactivatedAt: null },
    }),
  ]);
  return { cooperatives, farmers, women, young };
}
