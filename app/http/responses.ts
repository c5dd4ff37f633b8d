/** Throws a Response (caught by the nearest error boundary) when `condition` is falsy. */
export function invariantResponse(
  condition: unknown,
  message: string,
  init?: ResponseInit,
): asserts condition {
  if (!condition) {
    throw new Response(message, {
      status: 400,
      ...init,
      headers: { "Content-Type": "text/plain; charset=utf-8", ...init?.headers },
    });
  }
}

// An origin no request can have: a target is a path on this site only if resolving it against this
// origin keeps it there.
const HERE = "http://phsar.invalid";

/**
 * The one parser for redirect targets (`redirectTo` after sign-in, sign-up, the language switch):
 * it only ever yields a path on this site, otherwise `fallback`. Browsers drop tabs and newlines and
 * read `\` as `/`, so `/<TAB>/host` or `/\host` would leave the site: anything but printable ASCII
 * is refused, and the target is resolved the way a browser would before its origin is compared.
 */
export function safeRedirectPath(value: unknown, fallback = "/") {
  // A Location header holds bytes: control characters, spaces or U+3000 also make Node refuse the
  // header (a 500). A real path here is percent-encoded ASCII.
  if (typeof value !== "string" || !value.startsWith("/") || !/^[\x21-\x7e]*$/.test(value))
    return fallback;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return fallback;
  }
  if (url.origin !== HERE || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
