import { beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { buildMonitoringHistory } from "../../tests/monitoring-fixtures";
import { EXPORT_QUEUE, exportCsv, exportStatus, requestExport, runExport } from "./exports.server";
import { refreshMonitoringRollup } from "./rollup.server";
import { statCsv } from "./tables.server";

const sent: { name: string; data: unknown }[] = [];

beforeAll(async () => {
  await buildMonitoringHistory();
  await refreshMonitoringRollup();
  // The queue as the server start hands it over; the test runs the job itself.
  (globalThis as { __phsarExportQueue?: unknown }).__phsarExportQueue = {
    send: async (name: string, data: unknown) => {
      sent.push({ name, data });
      return "job";
    },
  };
});

test("an export is queued, written with its progress, and gives the same CSV as the direct download", async () => {
  const f = { from: "2026-03-02" as const, to: "2026-03-22" as const, below: 10 };
  const id = await requestExport("volumes", f, null);
  expect(sent).toEqual([{ name: EXPORT_QUEUE, data: { id } }]);
  expect(await exportStatus(id)).toMatchObject({ status: "QUEUED", rowsDone: 0, rowsTotal: null });

  await runExport(id);
  expect(await exportStatus(id)).toMatchObject({ status: "DONE", rowsDone: 6, rowsTotal: 6 });
  const done = await exportCsv(id);
  expect(done?.csv).toBe(await statCsv("volumes", f));
  expect(done?.csv?.charCodeAt(0)).toBe(0xfeff);

  // A job delivered twice does not write twice.
  await runExport(id);
  expect(await prisma.monitoringExport.count()).toBe(1);
});
