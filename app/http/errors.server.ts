// What a failed request logs. With PostgreSQL down every request fails the same way, and Remix's
// default (the whole error, its causes and Prisma's stack) printed ~60 lines per request.

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01", // terminating connection due to administrator command
  "57P03", // the database system is starting up / shutting down
  "P1001", // Prisma: can't reach database server
  "P1017", // Prisma: server has closed the connection
  "P2024", // Prisma: timed out fetching a connection from the pool
  // Prisma's driver-adapter error kinds
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
]);

/** The code that says the database cannot be reached, found anywhere in the error's cause chain. */
export function databaseUnreachableCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let byMessage = false;
  while (queue.length) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const field of ["code", "originalCode", "kind"]) {
      const value = record[field];
      if (typeof value === "string" && UNREACHABLE_CODES.has(value)) return value;
    }
    if (
      /ECONNREFUSED|connect ETIMEDOUT|Connection terminated|Can't reach database server/i.test(
        String(record.message ?? ""),
      )
    )
      byMessage = true;
    queue.push(record.cause, record.meta, record.errors, record.driverAdapterError);
    if (Array.isArray(record.errors)) queue.push(...record.errors);
  }
  return byMessage ? "ECONNREFUSED" : null;
}

/** One line when the database is unreachable; the whole error otherwise. Aborted requests: nothing. */
export function logRequestError(error: unknown, request: Request) {
  if (request.signal.aborted) return;
  const code = databaseUnreachableCode(error);
  if (code) {
    const { pathname } = new URL(request.url);
    console.error(
      `[phsar] ${request.method} ${pathname} failed: the database is unreachable (${code})`,
    );
    return;
  }
  console.error(error);
}
