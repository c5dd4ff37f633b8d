import { randomBytes } from "node:crypto";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence beside SameSite=Lax cookies: a state-changing request must come from our own origin.
 * Browsers send Origin on every cross-site POST; when both Origin and Referer are absent (non-browser
 * clients), there are no browser cookies to abuse, so the request is let through.
 */
export function isSameOriginRequest(
  method: string,
  headers: { origin?: string; referer?: string; host?: string },
) {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const source = headers.origin ?? headers.referer;
  if (!source) return true;
  if (source === "null") return false;
  try {
    return new URL(source).host === headers.host;
  } catch {
    return false;
  }
}

export function createNonce() {
  return randomBytes(16).toString("base64");
}

/** Only what the app needs: its own scripts (with a nonce for Remix's inline ones), styles, fonts and images. */
export function contentSecurityPolicy(nonce: string, { dev }: { dev: boolean }) {
  return [
    "default-src 'self'",
    // Vite's development preamble is an inline script without our nonce.
    dev ? "script-src 'self' 'unsafe-inline'" : `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // Vite's hot reload talks over a WebSocket in development only.
    dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}
