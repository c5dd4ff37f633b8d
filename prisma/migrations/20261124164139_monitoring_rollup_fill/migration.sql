-- The daily roll-up also carries what the fill rate needs (docs/decisions/010-monitoring.md): the
-- lines of accepted, finished sub-orders and the sum of their delivered / ordered ratios (a line
-- cancelled after acceptance counts 0). Line-level, so a product filter stays exact.
DROP MATERIALIZED VIEW "MonitoringDaily";

CREATE MATERIALIZED VIEW "MonitoringDaily" AS
SELECT s."deliveryDate", s."cooperativeId", l."productId",
       SUM(ol."quantity") FILTER (WHERE s."status" NOT IN ('CANCELLED', 'REJECTED'))::bigint AS ordered,
       SUM(COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000))
         FILTER (WHERE s."status" IN ('DELIVERED', 'SETTLED'))::bigint AS "deliveredMilli",
       array_agg(CASE WHEN o."currency" = 'KHR' THEN ol."unitPriceMinor"::float8
                      ELSE ol."unitPriceMinor"::float8 * 4100 / 100 END)
         FILTER (WHERE s."status" IN ('DELIVERED', 'SETTLED')) AS prices,
       COUNT(*) FILTER (WHERE acc.accepted AND s."status" IN ('DELIVERED', 'SETTLED', 'CANCELLED'))::int
         AS "finishedLines",
       SUM(CASE WHEN s."status" = 'CANCELLED' THEN 0
                ELSE COALESCE(ol."deliveredQuantityMilli", ol."packedQuantityMilli", ol."quantity" * 1000)::float8
                     / (ol."quantity" * 1000) END)
         FILTER (WHERE acc.accepted AND s."status" IN ('DELIVERED', 'SETTLED', 'CANCELLED')) AS "fillSum"
  FROM "OrderLine" ol
  JOIN "SubOrder" s ON s."id" = ol."subOrderId"
  JOIN "Order" o ON o."id" = s."orderId"
  JOIN "Listing" l ON l."id" = ol."listingId"
  CROSS JOIN LATERAL (
    SELECT EXISTS (SELECT 1 FROM "SubOrderTransition" t
                    WHERE t."subOrderId" = s."id" AND t."to" = 'ACCEPTED') AS accepted) acc
 GROUP BY s."deliveryDate", s."cooperativeId", l."productId";

CREATE UNIQUE INDEX "MonitoringDaily_key" ON "MonitoringDaily" ("deliveryDate", "cooperativeId", "productId");
