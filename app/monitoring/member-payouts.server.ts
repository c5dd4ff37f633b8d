// Money actually paid to member farmers, per cooperative, beside what was allocated to them
// (issue 18 item 7): paid to women and to farmers under 35, and the median days from the buyer's
// payment to the farmer's. Definitions in docs/decisions/025-member-payments.md.
import { Prisma } from "~/db/generated/client";
import { prisma } from "~/db/db.server";
import { YOUNG_FARMER_AGE_LIMIT } from "~/organizations/inclusion";
import { type MonitoringFilters } from "./filters";
import { KHR_PER_USD } from "~/money/currency";

type Db = Pick<typeof prisma, "$queryRaw">;

export type MemberPayoutRow = {
  cooperativeId: number;
  /** Riel paid to members on days within the filter's dates. */
  paid: number;
  paidWomen: number;
  paidYoung: number;
  /** Median whole days from the buyer's payment to the day the farmer's share was fully paid. */
  medianDays: number | null;
  /** Allocations (of sub-orders delivered within the dates) that are fully paid. */
  paidAllocations: number;
};

const riel = (minor: Prisma.Sql, currency: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN ${currency} = 'KHR' THEN ${minor}::float8 ELSE ${minor}::float8 * ${KHR_PER_USD}::float8 / 100 END)`;

function cooperativeFilter(f: MonitoringFilters) {
  const parts = [Prisma.sql`TRUE`];
  if (f.cooperative) parts.push(Prisma.sql`c."id" = ${f.cooperative}`);
  if (f.province) parts.push(Prisma.sql`c."provinceCode" = ${f.province}`);
  return Prisma.join(parts, " AND ");
}

export async function memberPayoutRows(
  f: MonitoringFilters,
  { db = prisma }: { db?: Db } = {},
): Promise<MemberPayoutRow[]> {
  const value = riel(Prisma.sql`p."amountMinor"`, Prisma.sql`p."currency"`);
  const paid = await db.$queryRaw<
    { cooperativeId: number; paid: number; paidWomen: number; paidYoung: number }[]
  >`
    SELECT c."id" AS "cooperativeId", SUM(${value}) AS "paid",
           COALESCE(SUM(${value}) FILTER (WHERE fa."gender" = 'FEMALE'), 0) AS "paidWomen",
           COALESCE(SUM(${value}) FILTER (
             WHERE fa."birthYear" > EXTRACT(YEAR FROM p."paidOn")::int - ${YOUNG_FARMER_AGE_LIMIT}), 0) AS "paidYoung"
      FROM "MemberPayment" p
      JOIN "Farmer" fa ON fa."id" = p."farmerId"
      JOIN "Organization" c ON c."id" = p."cooperativeId"
     WHERE p."paidOn" >= ${f.from}::date AND p."paidOn" <= ${f.to}::date AND ${cooperativeFilter(f)}
     GROUP BY c."id"`;
  // Payments settle a member's allocations oldest first: an allocation is paid on the day the
  // member's running total paid first reaches their running total owed up to it.
  const days = await db.$queryRaw<
    { cooperativeId: number; medianDays: number | null; paidAllocations: number }[]
  >`
    WITH owed AS (
      SELECT a."farmerId", a."currency", s."id" AS "subOrderId", s."orderId", s."cooperativeId",
             s."deliveryDate",
             SUM(a."payableMinor") OVER (PARTITION BY a."farmerId", a."currency"
                                        ORDER BY a."createdAt", a."id") AS "owedSoFar"
        FROM "MemberAllocation" a JOIN "SubOrder" s ON s."id" = a."subOrderId"
       WHERE a."payableMinor" > 0
    ), paid AS (
      SELECT p."farmerId", p."currency", p."paidOn",
             SUM(p."amountMinor") OVER (PARTITION BY p."farmerId", p."currency"
                                       ORDER BY p."paidOn", p."id") AS "paidSoFar"
        FROM "MemberPayment" p
    ), covered AS (
      SELECT o."cooperativeId", o."deliveryDate",
             (SELECT MIN(pa."paidOn") FROM paid pa
               WHERE pa."farmerId" = o."farmerId" AND pa."currency" = o."currency"
                 AND pa."paidSoFar" >= o."owedSoFar") AS "farmerPaidOn",
             (SELECT MIN(t."createdAt") FROM "LedgerTransaction" t
               WHERE t."kind" = 'PAYMENT'
                 AND (t."subOrderId" = o."subOrderId" OR (t."subOrderId" IS NULL AND t."orderId" = o."orderId"))) AS "buyerPaidAt"
        FROM owed o
    )
    SELECT c."id" AS "cooperativeId",
           percentile_cont(0.5) WITHIN GROUP (
             ORDER BY (k."farmerPaidOn" - (k."buyerPaidAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Phnom_Penh')::date)
           ) AS "medianDays",
           COUNT(*)::int AS "paidAllocations"
      FROM covered k JOIN "Organization" c ON c."id" = k."cooperativeId"
     WHERE k."farmerPaidOn" IS NOT NULL AND k."buyerPaidAt" IS NOT NULL
       AND k."deliveryDate" >= ${f.from}::date AND k."deliveryDate" <= ${f.to}::date
       AND ${cooperativeFilter(f)}
     GROUP BY c."id"`;
  const ids = new Set([...paid.map((p) => p.cooperativeId), ...days.map((d) => d.cooperativeId)]);
  return [...ids]
    .map((cooperativeId) => {
      const p = paid.find((r) => r.cooperativeId === cooperativeId);
      const d = days.find((r) => r.cooperativeId === cooperativeId);
      return {
        cooperativeId,
        paid: Number(p?.paid ?? 0),
        paidWomen: Number(p?.paidWomen ?? 0),
        paidYoung: Number(p?.paidYoung ?? 0),
        medianDays: d?.medianDays === null || d === undefined ? null : Number(d.medianDays),
        paidAllocations: d?.paidAllocations ?? 0,
      };
    })
    .sort((a, b) => a.cooperativeId - b.cooperativeId);
}
