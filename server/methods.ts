import { type RequestHandler } from "express";

/** What Remix serves. Anything else (TRACE, CONNECT, PROPFIND, …) has no meaning here. */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
const allowed = new Set<string>(ALLOWED_METHODS);

/**
 * A 405 for any other method, before Remix sees the request: the Fetch `Request` refuses TRACE,
 * TRACK and CONNECT with a TypeError, which the Express adapter turned into a 500 on every URL.
 */
export const refuseUnusualMethods: RequestHandler = (req, res, next) => {
  if (allowed.has(req.method)) return next();
  res
    .status(405)
    .set("Allow", ALLOWED_METHODS.join(", "))
    .type("text/plain")
    .send(`The ${req.method} method is not allowed here.\n`);
};
