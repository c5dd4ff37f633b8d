import { request as httpRequest, type Server } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import { type ServerBuild } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, expect, test } from "vitest";
import { refuseUnusualMethods } from "./methods";

// Node's http parser knows these; a client can send any of them to any URL. (Node itself answers
// 400 to methods it does not know, like TRACK, and closes CONNECT without a 'connect' listener.)
const METHODS = ["TRACE", "PROPFIND", "MKCOL", "OPTIONS", "PURGE", "SEARCH", "LOCK", "REPORT"];

let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.use(refuseUnusualMethods);
  // The real Express adapter: it builds the Fetch Request before it loads the build.
  const build = (): Promise<ServerBuild> => Promise.reject(new Error("not needed here"));
  app.all("*", createRequestHandler({ build, mode: "production" }));
  app.use(((error, _req, res, _next) => {
    res.status(500).send(String(error));
  }) as express.ErrorRequestHandler);
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function send(method: string, path: string) {
  return new Promise<{ status: number; allow?: string; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test.each(METHODS)("%s on any URL is a 405 naming the allowed methods", async (method) => {
  for (const path of ["/", "/login", "/api/v1/listings", "/no/such/page"]) {
    const answer = await send(method, path);
    expect(answer.status, `${method} ${path}: ${answer.body}`).toBe(405);
    expect(answer.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE");
  }
});
