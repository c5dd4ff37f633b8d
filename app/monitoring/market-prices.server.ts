// Importing official market prices. All rows or none; a row for the same date, province and product
// as an earlier import replaces it, so importing a corrected file twice does not double-count.
import { prisma } from "~/db/db.server";
import { Prisma } from "~/db/generated/client";
import { dateColumn, type IsoDate } from "~/calendar/dates";
import { parseMarketPriceCsv } from "./market-prices";

export async function importMarketPrices(text: string, importedById: number | null) {
  const [products, provinces] = await Promise.all([
    prisma.product.findMany({ select: { id: true, slug: true, nameEn: true, nameKm: true } }),
    prisma.province.findMany({ select: { code: true, nameEn: true, nameKm: true } }),
  ]);
  const { rows, errors } = parseMarketPriceCsv(text, products, provinces);
  if (errors.length > 0) return { imported: 0, errors };
  await prisma.$transaction(async (tx) => {
    const keys = rows.map(
      (r) => Prisma.sql`(${r.date}::date, ${r.provinceCode}::varchar, ${r.productId}::int)`,
    );
    await tx.$executeRaw`
      DELETE FROM "MarketPrice"
       WHERE ("date", COALESCE("provinceCode", ''), "productId") IN (
         SELECT k.d, COALESCE(k.p, ''), k.i FROM (VALUES ${Prisma.join(keys)}) AS k(d, p, i))`;
    await tx.marketPrice.createMany({
      data: rows.map((r) => ({
        date: dateColumn(r.date as IsoDate),
        provinceCode: r.provinceCode,
        productId: r.productId,
        priceKhr: r.priceKhr,
        importedById,
      })),
    });
  });
  return { imported: rows.length, errors };
}
