import path from "node:path";
import { pathToFileURL } from "node:url";
import { type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { BODY_LIMITS, limitRequestBodies, type BodyLimitRule } from "./body-limit";
import { refuseUnusualMethods } from "./methods";
import { routePatterns } from "./metrics";
import { opsRoutes, requestLogging, type Ops } from "./ops";
import { createRequestHandler } from "./remix-handler";
import { contentSecurityPolicy, createNonce, isSameOriginRequest } from "./security";

export const BUILD_ENTRY = path.resolve("build/server/index.js");

/** The Express app that serves Remix: Vite middleware in development, the built files otherwise. */
export async function createApp({
  dev,
  trustProxy,
  ops,
  bodyLimits = BODY_LIMITS,
  serverBuild,
}: {
  dev: boolean;
  trustProxy: boolean;
  /** Request logs, /metrics and /readyz (server/ops.ts); server/start.ts always passes them. */
  ops?: Ops;
  bodyLimits?: readonly BodyLimitRule[];
  /** Instead of build/server (tests of the edge with routes of their own). */
  serverBuild?: ServerBuild;
}) {
  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy, the client's address comes from X-Forwarded-For (rate limits, audit log).
  app.set("trust proxy", trustProxy);
  if (ops) {
    app.use(requestLogging(ops));
    opsRoutes(ops, app);
  }
  app.use(refuseUnusualMethods);
  app.use(limitRequestBodies(bodyLimits));
  app.use(compression());
  app.use((req, res, next) => {
    const nonce = createNonce();
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, { dev }));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (!dev) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (
      !isSameOriginRequest(req.method, {
        origin: req.get("origin"),
        referer: req.get("referer"),
        host: req.get("host"),
      })
    ) {
      res.status(403).type("text/plain").send("Cross-site request refused.");
      return;
    }
    next();
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let close = async () => {};
  if (serverBuild) {
    build = serverBuild;
  } else if (dev) {
    const vite = await import("vite");
    const viteDevServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteDevServer.middlewares);
    build = () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    close = () => viteDevServer.close();
  } else {
    // Hashed file names never change content: cache them for a year.
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(express.static("build/client", { maxAge: "1h" }));
    build = (await import(pathToFileURL(BUILD_ENTRY).href)) as ServerBuild;
    if (ops) {
      const patterns = routePatterns(build.routes);
      ops.routes = () => patterns;
    }
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: dev ? "development" : "production",
      getLoadContext: (req, res) => ({ clientIp: req.ip, cspNonce: res.locals.cspNonce as string }),
    }),
  );
  return { app, close };
}
