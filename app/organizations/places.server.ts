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
