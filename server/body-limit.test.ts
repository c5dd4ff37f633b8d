// Body limits over real HTTP through the app's own Express stack (server/app.ts) with the real
// route modules of the unauthenticated forms and the Stripe webhook, on a real PostgreSQL.
import { request as httpRequest, type Server } from "node:http";
import { type Socket } from "node:net";
import { type ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BODY_LIMITS, bodyLimitFor, formatBytes } from "./body-limit";

const MiB = 1024 * 1024;
const FORM_LIMIT = bodyLimitFor(BODY_LIMITS, "/login");
const WEBHOOK_LIMIT = bodyLimitFor(BODY_LIMITS, "/webhooks/stripe");

let server: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  process.env.STRIPE_WEBHOOK_SECRET ??= "whsec_body_limit_test";
  const { createApp } = await import("./app");
  const route = async (id: string, path: string, file: string) => ({
    id,
    parentId: "root",
    path,
    module: (await import(`../app/routes/${file}.tsx`).catch(
      () => import(`../app/routes/${file}.ts`),
    )) as ServerBuild["routes"][string]["module"],
  });
  // A build of our own: the real actions, a document renderer that only reports the status.
  const build = {
    mode: "production",
    basename: undefined,
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    isSpaMode: false,
    future: { v3_singleFetch: true },
    assets: { entry: { imports: [], module: "" }, routes: {}, url: "", version: "test" },
    entry: {
      module: {
        default: (_request: Request, status: number, headers: Headers) =>
          new Response(`document ${status}`, { status, headers }),
      },
    },
    routes: {
      root: { id: "root", path: "", module: { default: () => null } },
      "routes/login": await route("routes/login", "login", "login"),
      "routes/forgot-password": await route(
        "routes/forgot-password",
        "forgot-password",
        "forgot-password",
      ),
      "routes/webhooks.stripe": await route(
        "routes/webhooks.stripe",
        "webhooks/stripe",
        "webhooks.stripe",
      ),
    },
  } as unknown as ServerBuild;
  const { app } = await createApp({ dev: false, trustProxy: false, serverBuild: build });
  server = app.listen(0, "127.0.0.1");
  server.on("connection", (socket) => sockets.push(socket));
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

type Answer = { status: number; body: string; sent: number; serverRead: number };

/**
 * Posts `total` bytes in 256 KB writes of one reused buffer (the client holds no big body), with a
 * Content-Length or chunked. Resolves with the answer and how many bytes the server read at most.
 */
function post(
  path: string,
  total: number,
  { chunked = false, type = "application/x-www-form-urlencoded" } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const piece = Buffer.alloc(256 * 1024, "a");
    const before = sockets.length;
    let sent = 0;
    let answer: { status: number; body: string } | undefined;
    const finish = () => {
      if (!answer) return;
      const mine = sockets.slice(before);
      const serverRead = Math.max(0, ...mine.map((socket) => socket.bytesRead));
      resolve({ ...answer, sent, serverRead });
    };
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: chunked
          ? { "Content-Type": type, "Transfer-Encoding": "chunked" }
          : { "Content-Type": type, "Content-Length": String(total) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          answer = { status: res.statusCode ?? 0, body };
          req.destroy();
          // Let the server side see the close before its sockets are read.
          setTimeout(finish, 50);
        });
      },
    );
    // Once the server has answered and hung up, writes fail; that is the point.
    req.on("error", (error) => (answer ? undefined : reject(error)));
    const pump = () => {
      while (sent < total && !req.destroyed) {
        const size = Math.min(piece.length, total - sent);
        sent += size;
        if (!req.write(size === piece.length ? piece : piece.subarray(0, size))) {
          req.once("drain", pump);
          return;
        }
      }
      if (sent >= total && !req.destroyed) req.end();
    };
    pump();
  });
}

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

function postSmall(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${port}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body,
    redirect: "manual",
  });
}

describe("request body limits at the edge", () => {
  test("a 50 MB form to /login is a 413 in Khmer and English, the body left unread", async () => {
    const answer = await post("/login", 50 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.body).toContain("សំណើនេះធំពេក");
    expect(answer.body).toContain("The request is too large");
    expect(answer.body).toContain(formatBytes(FORM_LIMIT));
    // The server stopped reading: what it took in is socket buffers, not the body.
    expect(answer.serverRead).toBeLessThan(4 * MiB);
  });

  test("a chunked body without Content-Length is counted and cut at the limit", async () => {
    const answer = await post("/forgot-password", 50 * MiB, { chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain("The request is too large");
    expect(answer.serverRead).toBeLessThan(FORM_LIMIT + 4 * MiB);
  });

  test("webhooks have their own, larger limit", async () => {
    expect(WEBHOOK_LIMIT).toBeGreaterThan(FORM_LIMIT);
    const size = FORM_LIMIT + 64 * 1024;
    // Over the form limit: refused on /login, read by the webhook (which then checks the signature).
    expect((await post("/login", size)).status).toBe(413);
    const webhook = await post("/webhooks/stripe", size, { type: "application/json" });
    expect(webhook.status).toBe(400);
    expect(webhook.body).not.toContain("too large");
    // Over the webhook limit, declared or chunked.
    expect(
      (await post("/webhooks/stripe", WEBHOOK_LIMIT + 1, { type: "application/json" })).status,
    ).toBe(413);
    const chunked = await post("/webhooks/stripe", 20 * MiB, {
      chunked: true,
      type: "application/json",
    });
    expect(chunked.status).toBe(413);
    expect(chunked.serverRead).toBeLessThan(WEBHOOK_LIMIT + 4 * MiB);
  });

  test("forms under the limit reach the route as before, chunked or not", async () => {
    const wrong = await postSmall(
      "/login",
      form({ identifier: "nobody@phsar.test", password: "not-it-at-all" }),
    );
    expect(wrong.status, await wrong.clone().text()).toBe(400);
    const chunkedSmall = await post("/login", 1000, { chunked: true });
    expect(chunkedSmall.status).toBe(400); // the route's own validation, not the edge
    // Exactly at the limit is allowed.
    expect((await post("/login", FORM_LIMIT)).status).toBe(400);
    expect((await post("/login", FORM_LIMIT + 1)).status).toBe(413);
  });

  test("the server still answers other requests while refusing big bodies", async () => {
    const big = Array.from({ length: 3 }, () =>
      post("/forgot-password", 100 * MiB, { chunked: true }),
    );
    const small = await postSmall("/login", form({ identifier: "x", password: "y" }));
    expect(small.status).toBe(400);
    for (const answer of await Promise.all(big)) expect(answer.status).toBe(413);
  });
});

describe("bodyLimitFor", () => {
  const rules = [
    { path: "/", bytes: 100 },
    { path: "/webhooks", bytes: 1000 },
    { path: "/organizations/:slug/listings/:id/photos", bytes: 5000, exact: true },
    { path: "/organizations/:slug/members/import", bytes: 9000 },
  ];
  test.each([
    ["/login", 100],
    ["/", 100],
    ["/webhooks/stripe", 1000],
    ["/WEBHOOKS/stripe-connect", 1000],
    ["/webhooksx", 100],
    ["/organizations/a/listings/3/photos", 5000],
    ["/organizations/a/listings/3/photos/", 5000],
    ["/organizations/a/listings/3/photos/more", 100],
    ["/organizations/a/listings/3", 100],
    ["/organizations/a/members/import", 9000],
    ["/organizations/a/members/import/preview", 9000],
  ])("%s → %i bytes", (path, bytes) => {
    expect(bodyLimitFor(rules, path)).toBe(bytes);
  });
});
