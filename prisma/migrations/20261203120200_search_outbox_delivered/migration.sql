-- Delivered outbox rows are kept for a while (deliveredAt), so a Meilisearch rebuild can replay
-- what the worker delivered to the old index during its fill.
ALTER TABLE "SearchOutbox" ADD COLUMN "deliveredAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "SearchOutbox_deliveredAt_id_idx" ON "SearchOutbox"("deliveredAt", "id");
