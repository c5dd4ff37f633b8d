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

/** A same-site path to return to after a form post; anything else (other hosts, `//evil`) falls back. */
export function safeRedirectPath(value: unknown, fallback = "/") {
  if (
    typeof value !== "string" ||
    !value.startsWith("/") ||
    value.startsWith("//") ||
    value.startsWith("/\\") ||
    // A Location header holds bytes: control characters, spaces or U+3000 make Node refuse the
    // header (a 500), and browsers drop some of them. A real path here is percent-encoded ASCII.
    !/^[\x21-\x7e]*$/.test(value)
  ) {
    return fallback;
  }
  return value;
}
