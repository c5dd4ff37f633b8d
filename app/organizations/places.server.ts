import { prisma } from "~/db/db.server";

export function listProvinces() {
  return prisma.province.findMany({
    select: { code: true, nameKm: true, nameEn: true },
    orderBy: { nameEn: "asc" },
  });
}

export function listDistricts(provinceCode: string) {
  return prisma.district.findMany({
    where: { provinceCode },
    select: { code: true, nameKm: true, nameEn: true },
    orderBy: { nameEn: "asc" },
  });
}

/** What a commune choice shows: its names and its district's (the member and cooperative forms). */
export const communeChoiceSelect = {
  code: true,
  nameKm: true,
  nameEn: true,
  district: { select: { nameKm: true, nameEn: true } },
} as const;

/** The communes of one district, for the cooperative form's commune select. */
export function communeChoices(districtCode: string | null | undefined) {
  if (!districtCode) return Promise.resolve([]);
  return prisma.commune.findMany({
    where: { districtCode },
    select: communeChoiceSelect,
    orderBy: { code: "asc" },
  });
}
