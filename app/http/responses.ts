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
    value.startsWith("/\\")
  ) {
    return fallback;
  }
  return value;
}
