// Request body limits at the server edge (issue #15 item 1, docs/decisions/020-edges-body-limits.md).
// Routes read their bodies with request.formData() / request.text(), which buffer everything; so
// the size is capped here, before any route code runs, and never by buffering the body first.
import { type IncomingMessage, type ServerResponse } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { type RequestHandler } from "express";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";

const KiB = 1024;
const MiB = 1024 * KiB;

export type BodyLimitRule = {
  /** A path and every path below it; `:name` stands for any one segment. Case-insensitive, like routing. */
  path: string;
  /** The most bytes a body may have (after any transfer encoding, before content decoding). */
  bytes: number;
  /** Only this path, not the paths below it. */
  exact?: boolean;
};

/**
 * The most specific matching rule wins. A route that takes more than a form (an upload, an import)
 * adds its own line here; everything else gets the small default.
 */
export const BODY_LIMITS: BodyLimitRule[] = [
  // Every form and JSON body. The largest real one, a listing with two 2,000-character Khmer
  // descriptions, is about 40 KB url-encoded.
  { path: "/", bytes: 128 * KiB },
  // Stripe's events are a few KB; 1 MB leaves room for large metadata without buffering anything big.
  { path: "/webhooks", bytes: 1 * MiB },
  // A listing photo (MAX_PHOTO_BYTES, 8 MB) plus the multipart framing.
  {
    path: "/organizations/:slug/listings/:listingId/photos",
    bytes: 8 * MiB + 64 * KiB,
    exact: true,
  },
  // The listing page's pledge CSV upload (100 KB file) and its other forms.
  { path: "/organizations/:slug/listings/:listingId", bytes: 256 * KiB, exact: true },
  // A product photo in the catalogue (the same MAX_PHOTO_BYTES) plus the multipart framing.
  { path: "/catalogue/:productId/photo", bytes: 8 * MiB + 64 * KiB, exact: true },
  // A member list spreadsheet (the import takes files up to 10 MB) plus the multipart framing.
  { path: "/organizations/:slug/farmers/import", bytes: 10 * MiB + 64 * KiB, exact: true },
  // The dashboard's pasted market-price CSV (up to 2,000,000 characters, url-encoded).
  { path: "/dashboard", bytes: 8 * MiB, exact: true },
];

function segments(path: string) {
  return path
    .toLowerCase()
    .split("/")
    .filter((segment) => segment !== "");
}

/** The byte limit for a request path under these rules. */
export function bodyLimitFor(rules: readonly BodyLimitRule[], path: string) {
  const parts = segments(path);
  let best: { bytes: number; length: number; literals: number } | undefined;
  for (const rule of rules) {
    const pattern = segments(rule.path);
    if (pattern.length > parts.length || (rule.exact && pattern.length !== parts.length)) continue;
    if (!pattern.every((segment, i) => segment.startsWith(":") || segment === parts[i])) continue;
    const literals = pattern.filter((segment) => !segment.startsWith(":")).length;
    if (
      !best ||
      pattern.length > best.length ||
      (pattern.length === best.length && literals > best.literals)
    )
      best = { bytes: rule.bytes, length: pattern.length, literals };
  }
  return best?.bytes ?? Math.min(...rules.map((rule) => rule.bytes));
}

export function formatBytes(bytes: number) {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  return `${Math.round(bytes / KiB)} KB`;
}

/** Khmer first, English beside it: the edge answers before the language cookie is read. */
export function bodyTooLargeMessage(bytes: number) {
  const size = formatBytes(bytes);
  return [km, en].map((strings) => strings.http.bodyTooLarge.replace("{{size}}", size)).join("\n");
}

/**
 * 413, and the connection closes afterwards: the rest of the body is never read into the app. What
 * the client already sent is discarded by Node while the answer goes out.
 */
export function refuseTooLarge(res: ServerResponse, bytes: number) {
  if (res.headersSent) return;
  res.statusCode = 413;
  res.setHeader("Connection", "close");
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(`${bodyTooLargeMessage(bytes)}\n`);
}

export type BodyLimitLocals = { bodyLimit: number };

/**
 * A declared Content-Length over the limit is refused at once, unread. The limit is left in
 * `res.locals.bodyLimit` for the body stream that counts chunked bodies (`limitedBody`).
 */
export function limitRequestBodies(rules: readonly BodyLimitRule[] = BODY_LIMITS): RequestHandler {
  return (req, res, next) => {
    const limit = bodyLimitFor(rules, req.path);
    (res.locals as BodyLimitLocals).bodyLimit = limit;
    const declared = req.headers["content-length"];
    // Node has already refused a malformed Content-Length (400) before we get here.
    if (declared !== undefined && Number(declared) > limit) return refuseTooLarge(res, limit);
    next();
  };
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * The request body as the app reads it, counted while it streams (a chunked body has no
 * Content-Length to check up front). Past the limit the stream errors and `onTooLarge` runs;
 * nothing beyond the stream's small buffer is ever held.
 */
export function countedBody(req: IncomingMessage, limit: number, onTooLarge: () => void) {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) {
        req.unpipe(counter);
        onTooLarge();
        done(new BodyTooLargeError(limit));
      } else done(null, chunk);
    },
  });
  req.once("error", (error) => counter.destroy(error));
  return req.pipe(counter);
}
