// Dashboard tables exported by the job queue, for ranges too large to wait for in a request. The
// request stores a MonitoringExport row and queues its id; the worker runs the query, then writes
// the CSV in parts, recording how many rows are done so the status page can show progress.
import type PgBoss from "pg-boss";
import { prisma } from "~/db/db.server";
import { type ScheduledJob } from "~/jobs/queue.server";
import { csvCell, toCsv } from "./csv";
import { type MonitoringFilters, parseMonitoringParams, toMonitoringSearch } from "./filters";
import { csvTable, isStatTable, type StatTable } from "./tables.server";

export const EXPORT_QUEUE = "monitoring-export";
const PART_ROWS = 2_000;

// The server start (server/start.ts) and the app's route modules are separate module graphs; the
// queue is handed over through globalThis so a route can send a job.
const shared = globalThis as { __phsarExportQueue?: Pick<PgBoss, "send"> };

/** Queues the export, or runs it in this process when no queue is running (tests, scripts). */
export async function requestExport(table: StatTable, f: MonitoringFilters, userId: number | null) {
  const row = await prisma.monitoringExport.create({
    data: { table, search: toMonitoringSearch(f), requestedById: userId },
    select: { id: true },
  });
  if (shared.__phsarExportQueue) await shared.__phsarExportQueue.send(EXPORT_QUEUE, { id: row.id });
  else void runExport(row.id);
  return row.id;
}

export async function runExport(id: number) {
  const row = await prisma.monitoringExport.findUnique({
    where: { id },
    select: { table: true, search: true, status: true },
  });
  if (!row || row.status !== "QUEUED") return;
  await prisma.monitoringExport.update({ where: { id }, data: { status: "RUNNING" } });
  try {
    const parsed = parseMonitoringParams(new URLSearchParams(row.search));
    if (!parsed.ok || !isStatTable(row.table)) throw new Error("bad export request");
    const [header, rows] = await csvTable(row.table, parsed.value);
    await prisma.monitoringExport.update({ where: { id }, data: { rowsTotal: rows.length } });
    const parts = [toCsv(header, []).replace(/\r\n$/, "")];
    for (let done = 0; done < rows.length; done += PART_ROWS) {
      const part = rows.slice(done, done + PART_ROWS);
      parts.push(part.map((r) => r.map(csvCell).join(",")).join("\r\n"));
      await prisma.monitoringExport.update({
        where: { id },
        data: { rowsDone: done + part.length },
      });
    }
    await prisma.monitoringExport.update({
      where: { id },
      data: { status: "DONE", csv: `${parts.join("\r\n")}\r\n`, finishedAt: new Date() },
    });
  } catch (error) {
    await prisma.monitoringExport.update({
      where: { id },
      data: { status: "FAILED", error: (error as Error).message, finishedAt: new Date() },
    });
  }
}

export function exportStatus(id: number) {
  return prisma.monitoringExport.findUnique({
    where: { id },
    select: {
      id: true,
      table: true,
      search: true,
      status: true,
      rowsTotal: true,
      rowsDone: true,
      createdAt: true,
      finishedAt: true,
    },
  });
}

export async function exportCsv(id: number) {
  return prisma.monitoringExport.findUnique({
    where: { id },
    select: { table: true, status: true, csv: true },
  });
}

/** Works the export queue in this process and lets routes send to it. */
export async function startExportWorker(boss: PgBoss) {
  if (!(await boss.getQueue(EXPORT_QUEUE))) await boss.createQueue(EXPORT_QUEUE);
  await boss.work<{ id: number }>(EXPORT_QUEUE, { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) await runExport(job.data.id);
  });
  shared.__phsarExportQueue = boss;
}

/** Hourly: exports are downloads, not archives; a day later they are gone. */
export const exportJobs: ScheduledJob[] = [
  {
    name: "monitoring-exports-cleanup",
    cron: "17 * * * *",
    run: async () =>
      (
        await prisma.monitoringExport.deleteMany({
          where: { createdAt: { lt: new Date(Date.now() - 86_400_000) } },
        })
      ).count,
  },
];
