// Prometheus metrics (prom-client) for GET /metrics: request latency per route, the job queue's
// depth and failures, the search outbox's lag, and the database pool's use.
import client from "prom-client";

type Queryable = { query<R>(sql: string): Promise<{ rows: R[] }> };
export type PoolStats = { totalCount: number; idleCount: number; waitingCount: number };

/** Route patterns ("/organizations/:slug/orders") from the Remix build, to label requests. */
export function routePatterns(
  routes: Record<string, { path?: string; parentId?: string; id: string }>,
) {
  const fullPath = (id: string): string => {
    const route = routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  const patterns = new Set(
    Object.keys(routes).map((id) => `/${fullPath(id)}`.replace(/\/+$/, "") || "/"),
  );
  return [...patterns];
}

/** The most specific pattern matching `pathname` (static segments beat parameters), or undefined. */
export function matchRoute(patterns: string[], pathname: string) {
  const parts = pathname.split("/").filter(Boolean);
  let best: { pattern: string; score: number } | undefined;
  for (const pattern of patterns) {
    const segments = pattern.split("/").filter(Boolean);
    let score = 0;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment === "*") {
        score += 0.1;
        i = segments.length;
        break;
      }
      const part = parts[i];
      if (part === undefined) ok = false;
      else if (segment.startsWith(":")) score += 1;
      else if (segment === decodeURIComponent(part)) score += 2;
      else ok = false;
      if (!ok) break;
    }
    if (!ok) continue;
    if (!segments.includes("*") && segments.length !== parts.length) continue;
    if (!best || score > best.score) best = { pattern, score };
  }
  return best?.pattern;
}

export function createMetrics(options: {
  db: Queryable;
  pool?: () => PoolStats | undefined;
  /** The pg-boss schema (its job table holds every queue's jobs by state). */
  jobSchema?: string;
}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "phsar_process_" });

  const requests = new client.Histogram({
    name: "phsar_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route pattern and status class.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const schema = options.jobSchema ?? "pgboss";
  new client.Gauge({
    name: "phsar_jobs",
    help: "Jobs in the queue by queue and state (created and retry: waiting; failed: kept failures).",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await options.db.query<{ name: string; state: string; n: string }>(
        `SELECT name, state::text AS state, count(*) AS n FROM "${schema}".job GROUP BY 1, 2`,
      );
      for (const row of rows) this.set({ queue: row.name, state: row.state }, Number(row.n));
    },
  });

  new client.Gauge({
    name: "phsar_search_outbox_lag_seconds",
    help: "Age of the oldest search change not yet delivered to Meilisearch (0 when none waits).",
    registers: [registry],
    async collect() {
      const { rows } = await options.db.query<{ lag: number | null }>(
        `SELECT extract(epoch FROM now() - min("createdAt"))::float8 AS lag FROM "SearchOutbox" WHERE "deliveredAt" IS NULL`,
      );
      this.set(Math.max(0, rows[0]?.lag ?? 0));
    },
  });
  new client.Gauge({
    name: "phsar_search_outbox_size",
    help: "Search changes waiting for delivery.",
    registers: [registry],
    async collect() {
      const { rows } = await options.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM "SearchOutbox" WHERE "deliveredAt" IS NULL`,
      );
      this.set(Number(rows[0]?.n ?? 0));
    },
  });

  const poolGauge = (name: string, help: string, pick: (stats: PoolStats) => number) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = options.pool?.();
        if (stats) this.set(pick(stats));
      },
    });
  poolGauge("phsar_db_pool_connections", "Connections the app's pool holds.", (s) => s.totalCount);
  poolGauge("phsar_db_pool_idle", "Pooled connections not in use.", (s) => s.idleCount);
  poolGauge(
    "phsar_db_pool_waiting",
    "Queries waiting for a pooled connection.",
    (s) => s.waitingCount,
  );

  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      requests.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
