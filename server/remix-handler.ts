// The Express adapter of @remix-run/express, except for where the request body comes from: the
// adapter (2.17.5, which exports only its handler) hands Remix the raw request stream, so nothing could stop a route's request.formData()
// from buffering a body of any size. Here the body is counted on its way in (server/body-limit.ts).
import { type IncomingHttpHeaders } from "node:http";
import {
  type AppLoadContext,
  createReadableStreamFromReadable,
  createRequestHandler as createRemixRequestHandler,
  type ServerBuild,
  writeReadableStreamToWritable,
} from "@remix-run/node";
import {
  type Request as ExpressRequest,
  type RequestHandler,
  type Response as ExpressResponse,
} from "express";
import {
  BODY_LIMITS,
  bodyLimitFor,
  countedBody,
  refuseTooLarge,
  type BodyLimitLocals,
} from "./body-limit";

export function createRequestHandler({
  build,
  mode,
  getLoadContext,
}: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext?: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}): RequestHandler {
  const handleRequest = createRemixRequestHandler(build, mode);
  return async (req, res, next) => {
    let refused = false;
    try {
      const controller = new AbortController();
      const request = toRemixRequest(req, res, controller, () => {
        // The route is still reading: answer now, and let its failure end quietly (an aborted
        // request is not logged as an error, entry.server.tsx).
        refused = true;
        refuseTooLarge(res, limitOf(req, res));
        controller.abort();
      });
      const response = await handleRequest(request, getLoadContext?.(req, res));
      if (refused) {
        await response.body?.cancel();
        return;
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      if (refused) return; // answered already; the route only failed because its body was cut
      next(error);
    }
  };
}

function limitOf(req: ExpressRequest, res: ExpressResponse) {
  return (res.locals as Partial<BodyLimitLocals>).bodyLimit ?? bodyLimitFor(BODY_LIMITS, req.path);
}

function toRemixRequest(
  req: ExpressRequest,
  res: ExpressResponse,
  controller: AbortController,
  onTooLarge: () => void,
) {
  // As the adapter does: the port from X-Forwarded-Host or Host, the host from req.hostname
  // (which follows "trust proxy").
  const portOf = (header: string | undefined) => {
    const port = Number.parseInt(header?.split(":")[1] ?? "", 10);
    return Number.isSafeInteger(port) ? port : undefined;
  };
  const port = portOf(req.get("X-Forwarded-Host")) ?? portOf(req.get("host"));
  const url = new URL(
    `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`,
  );

  let aborter: AbortController | null = controller;
  res.on("finish", () => (aborter = null));
  res.on("close", () => aborter?.abort());

  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers: createRemixHeaders(req.headers),
    signal: controller.signal,
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(countedBody(req, limitOf(req, res), onTooLarge));
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

function createRemixHeaders(requestHeaders: IncomingHttpHeaders) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (values === undefined) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(res: ExpressResponse, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
