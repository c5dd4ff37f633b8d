import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";

export const BUILD_ENTRY = path.resolve("build/server/index.js");

/** The Express app that serves Remix: Vite middleware in development, the built files otherwise. */
export async function createApp({ dev }: { dev: boolean }) {
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let close = async () => {};
  if (dev) {
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
  }

  app.all("*", createRequestHandler({ build, mode: dev ? "development" : "production" }));
  return { app, close };
}
