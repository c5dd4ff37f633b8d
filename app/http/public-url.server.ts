import { env } from "~/env.server";

/**
 * A link to `path` on this site for a message sent outside the app. Built from the configured public
 * origin only: a request's Host or X-Forwarded-Host header must never decide where a reset or
 * invitation link points.
 */
export function publicUrl(path: string) {
  if (!path.startsWith("/")) throw new Error(`publicUrl needs a path, got ${path}`);
  return `${publicOrigin()}${path}`;
}

/** The configured public origin (`PUBLIC_URL`), else this machine's own port. */
export function publicOrigin() {
  return env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
}
