import { performance } from "node:perf_hooks";
import { expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { loadDashboard } from "~/monitoring/dashboard.server";
import { parseMonitoringParams } from "~/monitoring/filters";
import { seedDemoData } from "../seed";

test("the demo history fills the dashboard's default view, quickly, leaving the demo logins' organizations alone", async () => {
  const started = performance.now();
  expect(await seedDemoData(prisma, { history: true })).toEqual({ created: true });
  // About 4 s alone on a 2-core machine (target: under 10 s); the bound is loose because test files
  // run in parallel on shared machines.
  expect(performance.now() - started).toBeLessThan(30_000);

  const parsed = parseMonitoringParams(new URLSearchParams());
  if (!parsed.ok) throw new Error("default filters");
  const dashboard = await loadDashboard(parsed.value);
  expect(dashboard.volumes.rows.length).toBeGreaterThan(10);
  expect(dashboard.prices.length).toBeGreaterThan(5);
  expect(dashboard.performance.length).toBe(6);
  expect(dashboard.inclusion.byCooperative.length).toBe(6);
  expect(dashboard.market.length).toBeGreaterThan(5);

  const touched = await prisma.subOrder.count({
    where: {
      cooperative: { memberships: { some: {} } },
    },
  });
  expect(touched).toBe(0);
});
