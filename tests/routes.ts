// Calling route functions in tests as Remix would: a thrown Response (a redirect, a 404) is the
// answer like a returned one, and requests carry the signed-in person's session cookie.

/** Runs a loader or action; a thrown Response is returned like any other. */
export async function responseOf(run: () => Promise<unknown>) {
  try {
    return (await run()) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** A GET, or a form POST when `fields` are given, with the session cookie. */
export function sessionRequest(path: string, cookie: string, fields?: Record<string, string>) {
  return new Request(`http://localhost${path}`, {
    method: fields ? "POST" : "GET",
    headers: { Cookie: cookie },
    body: fields ? new URLSearchParams(fields) : undefined,
  });
}
