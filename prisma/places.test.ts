import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true });
}

describe("communes and villages (inserted by a migration, not the seed)", () => {
  test("every commune of the gazetteer CSV is there, in its district, with its Khmer name", async () => {
    const rows = readCsv("prisma/data/cambodia-communes.csv");
    const communes = await prisma.commune.findMany({
      select: { code: true, districtCode: true, nameKm: true, nameEn: true, unitEn: true },
    });
    expect(rows).toHaveLength(1652);
    const byCode = new Map(communes.map((c) => [c.code, c]));
    expect(byCode.size).toBe(rows.length);
    for (const row of rows)
      expect(byCode.get(row.code!), row.code).toEqual({
        code: row.code,
        districtCode: row.district_code,
        nameKm: row.name_km,
        nameEn: row.name_latin,
        unitEn: row.unit_en,
      });
  });

  test("every village of the gazetteer CSV is there, in its commune, with its Khmer name", async () => {
    const rows = readCsv("prisma/data/cambodia-villages.csv");
    const villages = await prisma.village.findMany({
      select: { code: true, communeCode: true, nameKm: true, nameEn: true },
    });
    expect(rows).toHaveLength(14578);
    const byCode = new Map(villages.map((v) => [v.code, v]));
    expect(byCode.size).toBe(rows.length);
    for (const row of rows)
      expect(byCode.get(row.code!), row.code).toEqual({
        code: row.code,
        communeCode: row.commune_code,
        nameKm: row.name_km,
        nameEn: row.name_latin,
      });
    // Quoted names and a name holding a semicolon survive the migration runner.
    expect(byCode.get("05011403")?.nameEn).toBe("Phsar Slab; Leaeng");
    expect(byCode.get("03010403")?.nameKm).toBe('ប្រសូត្រ "ក"');
  });

  test("a village's code starts with its commune's, a commune's with its district's", async () => {
    const mismatched = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Village" v JOIN "Commune" c ON c."code" = v."communeCode"
      WHERE left(v."code", 6) <> c."code" OR left(c."code", 4) <> c."districtCode"`;
    expect(Number(mismatched[0]!.n)).toBe(0);
  });
});
