// The operator's side of the HTTP server: a request id and one log line per request, latency
// metrics, GET /metrics (Prometheus, behind METRICS_TOKEN) and GET /readyz (every dependency).
// /healthz (alive) stays a Remix route: it answers while the process and Remix answer.
import { randomUUID, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type express from "express";
import { type Logger } from "pino";
import { requestContext, safeUrl } from "./logger";
import { matchRoute, type Metrics } from "./metrics";

export type ReadinessCheck = () => Promise<void>;

export type Ops = {
  logger: Logger;
  metrics?: Metrics;
  metricsToken?: string;
  /** Named checks for /readyz; each throws when its dependency is not ready. */
  readiness: Record<string, ReadinessCheck>;
  isStopping: () => boolean;
  /** Route patterns of the app (server/metrics.ts routePatterns), to label latency per route. */
  routes?: () => string[];
};

const REQUEST_ID = /^[\w.:-]{1,64}$/;

function routeLabel(ops: Ops, pathname: string) {
  if (pathname.startsWith("/assets/")) return "/assets";
  if (pathname === "/metrics" || pathname === "/readyz") return pathname;
  return (ops.routes && matchRoute(ops.routes(), pathname)) ?? "unmatched";
}

/** Gives each request an id (a valid incoming X-Request-Id, else a new one) and logs its outcome. */
export function requestLogging(ops: Ops): express.RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(ops, req.path);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away
      ops.metrics?.observeRequest(req.method, route, status, seconds);
      requestContext.run({ requestId }, () =>
        ops.logger.info(
          {
            method: req.method,
            url: safeUrl(req.originalUrl),
            route,
            status,
            ms: Math.round(seconds * 1000),
          },
          "request",
        ),
      );
    };
    res.once("finish", done);
    res.once("close", done);
    requestContext.run({ requestId }, next);
  };
}

/** Migration folders shipped with the app that the database has not applied (or failed). */
export async function pendingMigrations(
  query: (sql: string) => Promise<{ rows: { migration_name: string }[] }>,
  folder = path.resolve("prisma/migrations"),
) {
  const shipped = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, "migration.sql")),
    )
    .map((entry) => entry.name);
  const { rows } = await query(
    `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return shipped.filter((name) => !applied.has(name));
}

function tokenMatches(given: string | undefined, expected: string) {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function opsRoutes(ops: Ops, app: express.Express) {
  app.get("/readyz", async (_req, res) => {
    const stopping = ops.isStopping();
    const checks: Record<string, string> = {};
    await Promise.all(
      Object.entries(ops.readiness).map(async ([name, check]) => {
        try {
          await check();
          checks[name] = "ok";
        } catch (error) {
          checks[name] = (error as Error).message.split("\n")[0]!;
        }
      }),
    );
    const ready = !stopping && Object.values(checks).every((value) => value === "ok");
    res
      .status(ready ? 200 : 503)
      .json({ status: stopping ? "stopping" : ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (req, res) => {
    if (!ops.metrics || !ops.metricsToken) {
      res
        .status(404)
        .type("text/plain")
        .send("Metrics are off: set METRICS_TOKEN to turn them on.");
      return;
    }
    const header = req.get("authorization");
    const given = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    if (!tokenMatches(given, ops.metricsToken)) {
      res
        .status(401)
        .setHeader("WWW-Authenticate", "Bearer")
        .type("text/plain")
        .send("Token required.");
      return;
    }
    try {
      const body = await ops.metrics.registry.metrics();
      res.type(ops.metrics.registry.contentType).send(body);
    } catch (error) {
      ops.logger.error({ error: (error as Error).message }, "metrics collection failed");
      res.status(503).type("text/plain").send("Metrics could not be collected.");
    }
  });
}
