// Keeps the dashboard's daily roll-up ("MonitoringDaily", a materialized view) fresh. CONCURRENTLY:
// readers keep the previous contents while it refreshes, so the dashboard never waits on it.
import { prisma } from "~/db/db.server";
import { type ScheduledJob } from "~/jobs/queue.server";

type Db = Pick<typeof prisma, "$executeRawUnsafe">;

export async function refreshMonitoringRollup(db: Db = prisma) {
  await db.$executeRawUnsafe(`REFRESH MATERIALIZED VIEW CONCURRENTLY "MonitoringDaily"`);
}

/** Every minute: figures on the dashboard are at most about a minute behind the orders. */
export const monitoringJobs: ScheduledJob[] = [
  { name: "monitoring-refresh", cron: "* * * * *", run: () => refreshMonitoringRollup() },
];
