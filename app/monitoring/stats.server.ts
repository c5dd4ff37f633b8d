// The union's monitoring figures, straight from the order tables (docs/decisions/010-monitoring.md).
// Sums, medians and groupings happen in SQL; this file turns bigints into numbers and dates into
// ISO dates. Every query takes the same filters (app/monitoring/filters.ts).
import { Prisma } from "~/db/generated/client";
import { prisma } from "~/db/db.server";
import { type Certification, type Grade, type Unit } from "~/db/generated/enums";
import { YOUNG_FARMER_AGE_LIMIT } from "~/organizations/inclusion";
import { KHR_PER_USD } from "~/money/currency";
import { dateOnly, type IsoDate } from "~/calendar/dates";
import { env } from "~/env.server";
import { isBelowMarket, percentBelow, rate, weightedQuartiles } from "./figures";
import { type MonitoringFilters } from "./filters";

type Db = Pick<typeof prisma, "$queryRaw">;

const num = (value: bigint | number | null) => (value === null ? 0 : Number(value));
const numOrNull = (value: bigint | number | null) => (value === null ? null : Number(value));

/** Riel per unit of a price in minor units of `currency` (USD cents). */
const rielSql = (minor: Prisma.Sql, currency: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN ${currency} = 'KHR' THEN ${minor}::float8 ELSE ${minor}::float8 * ${KHR_PER_USD}::float8 / 100 END)`;

/** The filters on a sub-order `s` of cooperative `c`; the product filter on listing `l` when given. */
function where(f: MonitoringFilters, productOn: "line" | "subOrder") {
  const parts = [
    Prisma.sql`s."deliveryDate" >= ${f.from}::date`,
    Prisma.sql`s."deliveryDate" <= ${f.to}::date`,
  ];
  if (f.cooperative) parts.push(Prisma.sql`s."cooperativeId" = ${f.cooperative}`);
  if (f.province) parts.push(Prisma.sql`c."provinceCode" = ${f.province}`);
  if (f.product)
    parts.push(
      productOn === "line"
        ? Prisma.sql`l."productId" = ${f.product}`
        : Prisma.sql`EXISTS (SELECT 1 FROM "OrderLine" fl JOIN "Listing" fli ON fli."id" = fl."listingId"
                              WHERE fl."subOrderId" = s."id" AND fli."productId" = ${f.product})`,
    );
  return Prisma.join(parts, " AND ");
}

/**
 * Where volumes and prices come from: the daily roll-up (the materialized view "MonitoringDaily",
 * refreshed every minute, see rollup.server.ts) or the order tables themselves. Both give the same
 * figures once the view is fresh; the tests check both and the benchmark measures both.
 */
export type Source = "rollup" | "live";
type Options = { db?: Db; source?: Source };

/** The filters on a roll-up row `d` of cooperative `c`. */
function whereDaily(f: MonitoringFilters) {
  const parts = [
    Prisma.sql`d."deliveryDate" >= ${f.from}::date`,
    Prisma.sql`d."deliveryDate" <= ${f.to}::date`,
  ];
  if (f.cooperative) parts.push(Prisma.sql`d."cooperativeId" = ${f.cooperative}`);
  if (f.province) parts.push(Prisma.sql`c."provinceCode" = ${f.province}`);
  if (f.product) parts.push(Prisma.sql`d."productId" = ${f.product}`);
  return Prisma.join(parts, " AND ");
}

/** Riel prices of delivered lines with their week, cooperative and product (the `t` of price queries). */
function deliveredPrices(f: MonitoringFilters, source: Source) {
  return source === "rollup"
    ? Prisma.sql`
      SELECT date_trunc('week', d."deliveryDate")::date AS week, d."cooperativeId", d."productId",
             unnest(d."prices") AS price
        FROM "MonitoringDaily" d
        JOIN "Organization" c ON c."id" = d."cooperativeId"
       WHERE d."prices" IS NOT NULL AND ${whereDaily(f)}`
    : Prisma.sql`
      SELECT date_trunc('week', s."deliveryDate")::date AS week, s."cooperativeId", l."productId",
             ${rielSql(Prisma.sql`ol."unitPriceMinor"`, Prisma.sql`o."currency"`)} AS price
        FROM "OrderLine" ol
        JOIN "SubOrder" s ON s."id" = ol."subOrderId"
        JOIN "Order" o ON o."id" = s."orderId"
        JOIN "Listing" l ON l."id" = ol."listingId"
        JOIN "Organization" c ON c."id" = s."cooperativeId"
       WHERE s."status" IN ('DELIVERED', 'SETTLED') AND ${where(f, "line")}`;
}

// ---------------------------------------------------------------------------------------------
// Volumes

export type VolumeRow = {
  week: IsoDate;
  unit: Unit;
  productId: number;
  productKm: string;
  productEn: string;
  cooperativeId: number;
  cooperativeKm: string;
  cooperativeEn: string;
  provinceCode: string;
  provinceKm: string;
  provinceEn: string;
  /** Units ordered, leaving out sub-orders that were cancelled or rejected. */
  ordered: number;
  /** Units delivered (DELIVERED or SETTLED), weighed to the gram for goods sold by weight. */
  delivered: number;
};

/** Ordered and delivered quantities by week × product × cooperative (units never mixed: a product has one). */
export async function volumeRows(
  f: MonitoringFilters,
  { db = prisma, source = "rollup" }: Options = {},
): Promise<VolumeRow[]> {
  const sums =
    source === "rollup"
      ? Prisma.sql`
        SELECT date_trunc('week', d."deliveryDate")::date AS week, d."productId", d."cooperativeId",
               SUM(d."ordered") AS ordered, SUM(d."deliveredMilli") AS "deliveredMilli"
          FROM "MonitoringDaily" d
          JOIN "Organization" c ON c."id" = d."cooperativeId"
         WHERE ${whereDaily(f)}
         GROUP BY 1, 2, 3`
      : Prisma.sql`
        SELECT date_trunc('week', s."deliveryDate")::date AS week, l."productId", s."cooperativeId",
               SUM(ol."quantity") FILTER (WHERE s."status" NOT IN ('CANCELLED', 'REJECTED')) AS ordered,
               SUM(COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000))
                 FILTER (WHERE s."status" IN ('DELIVERED', 'SETTLED')) AS "deliveredMilli"
          FROM "OrderLine" ol
          JOIN "SubOrder" s ON s."id" = ol."subOrderId"
          JOIN "Listing" l ON l."id" = ol."listingId"
          JOIN "Organization" c ON c."id" = s."cooperativeId"
         WHERE ${where(f, "line")}
         GROUP BY 1, 2, 3`;
  const rows = await db.$queryRaw<
    (Omit<VolumeRow, "week" | "ordered" | "delivered"> & {
      week: Date;
      ordered: bigint | null;
      deliveredMilli: bigint | null;
    })[]
  >`
    WITH sums AS (${sums})
    SELECT sums.week,
           p."unit", p."id" AS "productId", p."nameKm" AS "productKm", p."nameEn" AS "productEn",
           c."id" AS "cooperativeId", c."nameKm" AS "cooperativeKm", c."nameEn" AS "cooperativeEn",
           v."code" AS "provinceCode", v."nameKm" AS "provinceKm", v."nameEn" AS "provinceEn",
           sums.ordered::bigint AS ordered, sums."deliveredMilli"::bigint AS "deliveredMilli"
      FROM sums
      JOIN "Product" p ON p."id" = sums."productId"
      JOIN "Organization" c ON c."id" = sums."cooperativeId"
      JOIN "Province" v ON v."code" = c."provinceCode"
     ORDER BY sums.week, p."nameEn", c."nameEn"`;
  return rows.map(({ deliveredMilli, ...r }) => ({
    ...r,
    week: dateOnly(r.week),
    ordered: num(r.ordered),
    delivered: num(deliveredMilli) / 1000,
  }));
}

// ---------------------------------------------------------------------------------------------
// Prices

export type PriceRow = {
  week: IsoDate;
  productId: number;
  productKm: string;
  productEn: string;
  unit: Unit;
  /** Delivered order lines the transacted prices come from. */
  lines: number;
  min: number;
  median: number;
  max: number;
  /** Median of the listings' prices in force at the end of the week. */
  posted: number | null;
  /** Imported official market price that week (mean of its rows). */
  market: number | null;
  referencePriceKhr: number | null;
};

/** The market price of a product-week over rows `m`: with a province its own rows, else the national ones; without, national rows, else all. */
function marketPrice(f: MonitoringFilters) {
  return f.province
    ? Prisma.sql`COALESCE(AVG(m."priceKhr") FILTER (WHERE m."provinceCode" = ${f.province}),
                          AVG(m."priceKhr") FILTER (WHERE m."provinceCode" IS NULL))`
    : Prisma.sql`COALESCE(AVG(m."priceKhr") FILTER (WHERE m."provinceCode" IS NULL), AVG(m."priceKhr"))`;
}

/**
 * Transacted prices (riel per unit) of delivered lines per product and week: min, median, max, one
 * value per order line. Beside them the posted price and the official market price.
 */
export async function priceRows(
  f: MonitoringFilters,
  { db = prisma, source = "rollup" }: Options = {},
): Promise<PriceRow[]> {
  const listingFilters = [Prisma.sql`TRUE`];
  if (f.cooperative) listingFilters.push(Prisma.sql`pl."cooperativeId" = ${f.cooperative}`);
  if (f.province) listingFilters.push(Prisma.sql`pc2."provinceCode" = ${f.province}`);
  const marketProvince = marketPrice(f);
  const rows = await db.$queryRaw<
    (Omit<PriceRow, "week" | "posted" | "market"> & {
      week: Date;
      posted: number | null;
      market: number | null;
    })[]
  >`
    WITH t AS (${deliveredPrices(f, source)}
    ), g AS (
      SELECT week, "productId", COUNT(*)::int AS lines, MIN(price) AS min,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median, MAX(price) AS max
        FROM t GROUP BY week, "productId"
    )
    SELECT g.*, p."nameKm" AS "productKm", p."nameEn" AS "productEn", p."unit", p."referencePriceKhr",
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latest.price)
              FROM (SELECT DISTINCT ON (pc."listingId")
                           ${rielSql(Prisma.sql`pc."priceMinor"`, Prisma.sql`pc."currency"`)} AS price
                      FROM "PriceChange" pc
                      JOIN "Listing" pl ON pl."id" = pc."listingId"
                      JOIN "Organization" pc2 ON pc2."id" = pl."cooperativeId"
                     WHERE pl."productId" = g."productId"
                       -- the week ends at midnight in Phnom Penh (UTC+7); changedAt is UTC
                       AND pc."changedAt" < (g.week + 7)::timestamp - interval '7 hours'
                       AND ${Prisma.join(listingFilters, " AND ")}
                     ORDER BY pc."listingId", pc."changedAt" DESC, pc."id" DESC) latest) AS posted,
           (SELECT ${marketProvince}::float8 FROM "MarketPrice" m
             WHERE m."productId" = g."productId" AND m."date" >= g.week AND m."date" < g.week + 7) AS market
      FROM g JOIN "Product" p ON p."id" = g."productId"
     ORDER BY p."nameEn", g.week`;
  return rows.map((r) => ({
    ...r,
    week: dateOnly(r.week),
    posted: numOrNull(r.posted),
    market: numOrNull(r.market),
  }));
}

// ---------------------------------------------------------------------------------------------
// Quantity-weighted prices (docs/decisions/033-weighted-price-figures.md)

export type WeightedPriceRow = {
  week: IsoDate;
  productId: number;
  productKm: string;
  productEn: string;
  unit: Unit;
  grade: Grade;
  certification: Certification;
  /** Delivered order lines behind the figure. */
  sales: number;
  /** Cooperatives that made those sales. */
  cooperatives: number;
  /** Units delivered (kilograms to the gram, heads, …): the weights. */
  quantity: number;
  q1: number;
  median: number;
  q3: number;
  /** Interquartile range, q3 − q1. */
  iqr: number;
  /** The market price that week (as for PriceRow: the province's, else national). */
  market: number | null;
  /** How far the weighted median is below the market, percent; null without a market price. */
  percentBelow: number | null;
  /** The weighted median is more than the threshold below the market (isBelowMarket). */
  belowMarket: boolean;
  /** Enough sales and cooperatives behind the figure to raise an alert (AlertSample). */
  enoughSample: boolean;
  /** Below the market on enough sales and cooperatives: an alert. */
  alert: boolean;
};

/** The sample a weighted price needs before it raises an alert; defaults from the environment. */
export type AlertSample = { minSales: number; minCooperatives: number };

export const defaultAlertSample = (): AlertSample => ({
  minSales: env.ALERT_MIN_SALES,
  minCooperatives: env.ALERT_MIN_COOPERATIVES,
});

/**
 * Riel prices of delivered lines weighted by the quantity delivered, per week × product × grade ×
 * certification (a product has one unit), with how many sales and cooperatives each figure rests
 * on. Read from the order tables: the roll-up keeps neither quantities per price nor grades.
 */
export async function weightedPriceRows(
  f: MonitoringFilters,
  {
    db = prisma,
    sample = defaultAlertSample(),
  }: Pick<Options, "db"> & { sample?: AlertSample } = {},
): Promise<WeightedPriceRow[]> {
  const lines = await db.$queryRaw<
    {
      week: Date;
      productId: number;
      grade: Grade;
      certification: Certification;
      cooperativeId: number;
      price: number;
      quantityMilli: number;
    }[]
  >`
    SELECT date_trunc('week', s."deliveryDate")::date AS week, l."productId", l."grade",
           l."certification", s."cooperativeId",
           ${rielSql(Prisma.sql`ol."unitPriceMinor"`, Prisma.sql`o."currency"`)} AS price,
           COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000)::int AS "quantityMilli"
      FROM "OrderLine" ol
      JOIN "SubOrder" s ON s."id" = ol."subOrderId"
      JOIN "Order" o ON o."id" = s."orderId"
      JOIN "Listing" l ON l."id" = ol."listingId"
      JOIN "Organization" c ON c."id" = s."cooperativeId"
     WHERE s."status" IN ('DELIVERED', 'SETTLED') AND ${where(f, "line")}`;
  const groups = new Map<string, typeof lines>();
  for (const line of lines) {
    const key = `${dateOnly(line.week)}|${line.productId}|${line.grade}|${line.certification}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const weeks = [...new Set(lines.map((l) => dateOnly(l.week)))];
  const [products, markets] = await Promise.all([
    productIds.length === 0
      ? []
      : db.$queryRaw<{ id: number; nameKm: string; nameEn: string; unit: Unit }[]>`
          SELECT "id", "nameKm", "nameEn", "unit" FROM "Product" WHERE "id" IN (${Prisma.join(productIds)})`,
    productIds.length === 0
      ? []
      : db.$queryRaw<{ week: Date; productId: number; market: number | null }[]>`
          SELECT w.week, m."productId", ${marketPrice(f)}::float8 AS market
            FROM unnest(${weeks}::date[]) AS w(week)
            JOIN "MarketPrice" m ON m."date" >= w.week AND m."date" < w.week + 7
           WHERE m."productId" IN (${Prisma.join(productIds)})
           GROUP BY w.week, m."productId"`,
  ]);
  const marketOf = new Map(markets.map((m) => [`${dateOnly(m.week)}|${m.productId}`, m.market]));
  const rows: WeightedPriceRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const product = products.find((p) => p.id === first.productId)!;
    const quartiles = weightedQuartiles(group);
    if (!quartiles) continue; // nothing weighed: no price to weight
    const week = dateOnly(first.week);
    const market = numOrNull(marketOf.get(`${week}|${first.productId}`) ?? null);
    const sales = group.length;
    const cooperatives = new Set(group.map((l) => l.cooperativeId)).size;
    const belowMarket = market !== null && isBelowMarket(quartiles.median, market, f.below);
    const enoughSample = sales >= sample.minSales && cooperatives >= sample.minCooperatives;
    rows.push({
      week,
      productId: product.id,
      productKm: product.nameKm,
      productEn: product.nameEn,
      unit: product.unit,
      grade: first.grade,
      certification: first.certification,
      sales,
      cooperatives,
      quantity: group.reduce((sum, l) => sum + l.quantityMilli, 0) / 1000,
      ...quartiles,
      iqr: quartiles.q3 - quartiles.q1,
      market,
      percentBelow: market === null ? null : percentBelow(quartiles.median, market),
      belowMarket,
      enoughSample,
      alert: belowMarket && enoughSample,
    });
  }
  return rows.sort(
    (a, b) =>
      a.productEn.localeCompare(b.productEn) ||
      a.week.localeCompare(b.week) ||
      a.grade.localeCompare(b.grade) ||
      a.certification.localeCompare(b.certification),
  );
}

// ---------------------------------------------------------------------------------------------
// Cooperative performance

export type PerformanceRow = {
  cooperativeId: number;
  cooperativeKm: string;
  cooperativeEn: string;
  provinceCode: string;
  subOrders: number;
  /** Sub-orders the cooperative accepted or rejected. */
  decided: number;
  accepted: number;
  acceptanceRate: number | null;
  /** Lines of accepted sub-orders that are finished (delivered, settled or cancelled). */
  finishedLines: number;
  /** Mean over those lines of delivered ÷ ordered quantity (a cancelled line delivered 0). */
  fillRate: number | null;
  delivered: number;
  /** Delivered on or before the delivery date, by the clock in Phnom Penh. */
  onTime: number;
  onTimeRate: number | null;
};

export async function performanceRows(
  f: MonitoringFilters,
  { db = prisma, source = "rollup" }: Options = {},
): Promise<PerformanceRow[]> {
  // Fill sums are line-level: from the roll-up, or from the lines of the sub-orders in range.
  const fills =
    source === "rollup"
      ? Prisma.sql`
      SELECT d."cooperativeId", SUM(d."finishedLines")::int AS "finishedLines", SUM(d."fillSum") AS "fillSum"
        FROM "MonitoringDaily" d
        JOIN "Organization" c ON c."id" = d."cooperativeId"
       WHERE ${whereDaily(f)}
       GROUP BY d."cooperativeId"`
      : Prisma.sql`
      SELECT subs."cooperativeId",
             COUNT(*)::int AS "finishedLines",
             SUM(CASE WHEN subs."status" = 'CANCELLED' THEN 0
                      ELSE COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000)::float8
                           / (ol."quantity" * 1000) END) AS "fillSum"
        FROM subs
        JOIN "OrderLine" ol ON ol."subOrderId" = subs."id"
        JOIN "Listing" l ON l."id" = ol."listingId"
       WHERE subs.accepted AND subs."status" IN ('DELIVERED', 'SETTLED', 'CANCELLED')
         ${f.product ? Prisma.sql`AND l."productId" = ${f.product}` : Prisma.empty}
       GROUP BY subs."cooperativeId"`;
  const rows = await db.$queryRaw<
    {
      cooperativeId: number;
      cooperativeKm: string;
      cooperativeEn: string;
      provinceCode: string;
      subOrders: number;
      decided: number;
      accepted: number;
      delivered: number;
      onTime: number;
      finishedLines: number;
      fillSum: number | null;
    }[]
  >`
    WITH subs AS (
      SELECT s."id", s."cooperativeId", s."status", s."deliveryDate",
             EXISTS (SELECT 1 FROM "SubOrderTransition" t WHERE t."subOrderId" = s."id" AND t."to" = 'ACCEPTED') AS accepted,
             EXISTS (SELECT 1 FROM "SubOrderTransition" t WHERE t."subOrderId" = s."id" AND t."to" = 'REJECTED') AS rejected,
             (SELECT MIN(t."at") FROM "SubOrderTransition" t WHERE t."subOrderId" = s."id" AND t."to" = 'DELIVERED') AS "deliveredAt"
        FROM "SubOrder" s
        JOIN "Organization" c ON c."id" = s."cooperativeId"
       WHERE ${where(f, "subOrder")}
    ), fills AS (${fills})
    SELECT c."id" AS "cooperativeId", c."nameKm" AS "cooperativeKm", c."nameEn" AS "cooperativeEn",
           c."provinceCode",
           COUNT(*)::int AS "subOrders",
           COUNT(*) FILTER (WHERE subs.accepted OR subs.rejected)::int AS decided,
           COUNT(*) FILTER (WHERE subs.accepted)::int AS accepted,
           COUNT(*) FILTER (WHERE subs."deliveredAt" IS NOT NULL)::int AS delivered,
           COUNT(*) FILTER (WHERE ((subs."deliveredAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Phnom_Penh')::date
                                  <= subs."deliveryDate")::int AS "onTime",
           COALESCE(MAX(fills."finishedLines"), 0)::int AS "finishedLines",
           MAX(fills."fillSum") AS "fillSum"
      FROM subs
      JOIN "Organization" c ON c."id" = subs."cooperativeId"
      LEFT JOIN fills ON fills."cooperativeId" = subs."cooperativeId"
     GROUP BY c."id"
     ORDER BY c."nameEn"`;
  return rows.map(({ fillSum, ...r }) => ({
    ...r,
    acceptanceRate: rate(r.accepted, r.decided),
    fillRate: r.finishedLines > 0 ? num(fillSum) / r.finishedLines : null,
    onTimeRate: rate(r.onTime, r.delivered),
  }));
}

// ---------------------------------------------------------------------------------------------
// Inclusion

export type InclusionRow = {
  month: IsoDate;
  cooperativeId: number;
  cooperativeKm: string;
  cooperativeEn: string;
  provinceCode: string;
  provinceKm: string;
  provinceEn: string;
  /** Value allocated to member farmers, in riel. */
  allocated: number;
  women: number;
  young: number;
};

/**
 * What settled sub-orders allocated to member farmers (MemberAllocation.shareMinor, in riel), and
 * how much of it went to women and to farmers under 35 in the year of the delivery date.
 */
export async function inclusionRows(
  f: MonitoringFilters,
  { db = prisma }: Options = {},
): Promise<InclusionRow[]> {
  const value = rielSql(Prisma.sql`a."shareMinor"`, Prisma.sql`a."currency"`);
  const rows = await db.$queryRaw<(Omit<InclusionRow, "month"> & { month: Date })[]>`
    SELECT date_trunc('month', s."deliveryDate")::date AS month,
           c."id" AS "cooperativeId", c."nameKm" AS "cooperativeKm", c."nameEn" AS "cooperativeEn",
           v."code" AS "provinceCode", v."nameKm" AS "provinceKm", v."nameEn" AS "provinceEn",
           SUM(${value}) AS allocated,
           COALESCE(SUM(${value}) FILTER (WHERE fa."gender" = 'FEMALE'), 0) AS women,
           COALESCE(SUM(${value}) FILTER (
             WHERE fa."birthYear" > EXTRACT(YEAR FROM s."deliveryDate")::int - ${YOUNG_FARMER_AGE_LIMIT}), 0) AS young
      FROM "MemberAllocation" a
      JOIN "Farmer" fa ON fa."id" = a."farmerId"
      JOIN "SubOrder" s ON s."id" = a."subOrderId"
      JOIN "Organization" c ON c."id" = s."cooperativeId"
      JOIN "Province" v ON v."code" = c."provinceCode"
     WHERE ${where(f, "subOrder")}
     GROUP BY month, c."id", v."code"
     ORDER BY month, c."nameEn"`;
  return rows.map((r) => ({
    ...r,
    month: dateOnly(r.month),
    allocated: Number(r.allocated),
    women: Number(r.women),
    young: Number(r.young),
  }));
}

// ---------------------------------------------------------------------------------------------
// Market comparison

export type MarketComparisonRow = {
  week: IsoDate;
  cooperativeId: number;
  cooperativeKm: string;
  cooperativeEn: string;
  productId: number;
  productKm: string;
  productEn: string;
  unit: Unit;
  lines: number;
  /** Median transacted price of the cooperative's delivered lines that week. */
  median: number;
  /** The market price in the cooperative's province that week, else the national one. */
  market: number;
  percentBelow: number;
  belowMarket: boolean;
};

/** Each cooperative's median price per product and week beside the market, flagged by the alert rule. */
export async function marketComparisonRows(
  f: MonitoringFilters,
  { db = prisma, source = "rollup" }: Options = {},
): Promise<MarketComparisonRow[]> {
  const rows = await db.$queryRaw<
    (Omit<MarketComparisonRow, "week" | "percentBelow" | "belowMarket"> & { week: Date })[]
  >`
    WITH t AS (${deliveredPrices(f, source)}
    ), g AS (
      SELECT week, "cooperativeId", "productId", COUNT(*)::int AS lines,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median
        FROM t GROUP BY week, "cooperativeId", "productId"
    )
    SELECT g.*, c."nameKm" AS "cooperativeKm", c."nameEn" AS "cooperativeEn",
           p."nameKm" AS "productKm", p."nameEn" AS "productEn", p."unit", mk.market
      FROM g
      JOIN "Organization" c ON c."id" = g."cooperativeId"
      JOIN "Product" p ON p."id" = g."productId"
      JOIN LATERAL (
        SELECT COALESCE(AVG(m."priceKhr") FILTER (WHERE m."provinceCode" = c."provinceCode"),
                        AVG(m."priceKhr") FILTER (WHERE m."provinceCode" IS NULL))::float8 AS market
          FROM "MarketPrice" m
         WHERE m."productId" = g."productId" AND m."date" >= g.week AND m."date" < g.week + 7
      ) mk ON mk.market IS NOT NULL
     ORDER BY g.week, c."nameEn", p."nameEn"`;
  return rows.map((r) => ({
    ...r,
    week: dateOnly(r.week),
    percentBelow: percentBelow(r.median, r.market),
    belowMarket: isBelowMarket(r.median, r.market, f.below),
  }));
}

// ---------------------------------------------------------------------------------------------
// Filter choices

/** What the dashboard's filter form offers: products, provinces with cooperatives, cooperatives. */
export async function filterOptions() {
  const [products, cooperatives] = await Promise.all([
    prisma.product.findMany({
      select: { id: true, nameKm: true, nameEn: true, unit: true },
      orderBy: { nameEn: "asc" },
    }),
    prisma.organization.findMany({
      where: { kind: "COOPERATIVE" },
      select: {
        id: true,
        nameKm: true,
        nameEn: true,
        province: { select: { code: true, nameKm: true, nameEn: true } },
      },
      orderBy: { nameEn: "asc" },
    }),
  ]);
  const provinces = [
    ...new Map(cooperatives.map((c) => [c.province.code, c.province])).values(),
  ].sort((a, b) => a.nameEn.localeCompare(b.nameEn));
  return {
    products,
    provinces,
    cooperatives: cooperatives.map(({ province: _, ...c }) => c),
  };
}
