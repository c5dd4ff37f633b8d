// The app's one PostgreSQL-backed job queue (pg-boss, schema "pgboss"): timers that must survive
// restarts and run once across several app instances.
import PgBoss from "pg-boss";

export type Say = (message: string) => void;

/** A job that runs on a cron schedule (UTC) and can also be sent by hand. */
export type ScheduledJob = {
  name: string;
  cron: string;
  run: () => Promise<unknown>;
};

export async function startQueue(databaseUrl: string, say: Say) {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", max: 3 });
  boss.on("error", (error) => say(`job queue error: ${error.message}`));
  await boss.start();
  return boss;
}

/**
 * Creates each job's queue, keeps its schedule, and works it. Schedules are stored in PostgreSQL, so
 * with several app instances each run still happens once. A failing run is logged and retried on
 * the next tick; the jobs are written to be safe to run again.
 */
export async function registerScheduledJobs(boss: PgBoss, jobs: ScheduledJob[], say: Say) {
  for (const job of jobs) {
    const queue: PgBoss.Queue = { name: job.name, policy: "singleton", retryLimit: 0 };
    if (await boss.getQueue(job.name)) await boss.updateQueue(job.name, queue);
    else await boss.createQueue(job.name, queue);
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async () => {
      try {
        const result = await job.run();
        if (typeof result === "number" && result > 0) say(`${job.name}: ${result}`);
      } catch (error) {
        say(`${job.name} failed: ${(error as Error).message}`);
        throw error;
      }
    });
  }
}
