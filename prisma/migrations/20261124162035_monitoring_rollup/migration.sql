-- Daily roll-up of order lines for the union dashboard (docs/decisions/010-monitoring.md): one row per
-- delivery date x cooperative x product with the quantities ordered and delivered and the riel prices
-- of the delivered lines (for min, median and max). Refreshed CONCURRENTLY by the pg-boss job
-- "monitoring-refresh" every minute and at the end of seeding. USD is converted at 4100 riel, the
-- same fixed rate as app/search/sources.server.ts (SEARCH_KHR_PER_USD).
CREATE MATERIALIZED VIEW "MonitoringDaily" AS
SELECT s."deliveryDate", s."cooperativeId", l."productId",
       SUM(ol."quantity") FILTER (WHERE s."status" NOT IN ('CANCELLED', 'REJECTED'))::bigint AS ordered,
       SUM(COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000))
         FILTER (WHERE s."status" IN ('DELIVERED', 'SETTLED'))::bigint AS "deliveredMilli",
       array_agg(CASE WHEN o."currency" = 'KHR' THEN ol."unitPriceMinor"::float8
                      ELSE ol."unitPriceMinor"::float8 * 4100 / 100 END)
         FILTER (WHERE s."status" IN ('DELIVERED', 'SETTLED')) AS prices
  FROM "OrderLine" ol
  JOIN "SubOrder" s ON s."id" = ol."subOrderId"
  JOIN "Order" o ON o."id" = s."orderId"
  JOIN "Listing" l ON l."id" = ol."listingId"
 GROUP BY s."deliveryDate", s."cooperativeId", l."productId";

-- REFRESH ... CONCURRENTLY needs a unique index, which also serves the date-range scans.
CREATE UNIQUE INDEX "MonitoringDaily_key" ON "MonitoringDaily" ("deliveryDate", "cooperativeId", "productId");
