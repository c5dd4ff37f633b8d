-- CreateEnum
CREATE TYPE "MonitoringExportStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "MonitoringExport" (
    "id" SERIAL NOT NULL,
    "table" TEXT NOT NULL,
    "search" TEXT NOT NULL,
    "status" "MonitoringExportStatus" NOT NULL DEFAULT 'QUEUED',
    "rowsTotal" INTEGER,
    "rowsDone" INTEGER NOT NULL DEFAULT 0,
    "csv" TEXT,
    "error" TEXT,
    "requestedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "MonitoringExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MonitoringExport_requestedById_idx" ON "MonitoringExport"("requestedById");

-- CreateIndex
CREATE INDEX "MonitoringExport_createdAt_idx" ON "MonitoringExport"("createdAt");

-- AddForeignKey
ALTER TABLE "MonitoringExport" ADD CONSTRAINT "MonitoringExport_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

