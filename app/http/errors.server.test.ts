import { inspect } from "node:util";
import { afterAll, expect, test, vi } from "vitest";
import { createPrismaClient } from "~/db/client";
import { findFreePort } from "../../tests/ports";
import { databaseUnreachableCode, logRequestError } from "./errors.server";

const clients: { $disconnect(): Promise<void> }[] = [];
afterAll(() => Promise.all(clients.map((c) => c.$disconnect())));

test("with PostgreSQL down a failed request logs one line, not the whole error", async () => {
  // A real client against a port nobody listens on: the error every request gets during an outage.
  const port = await findFreePort();
  const down = createPrismaClient(`postgresql://phsar@127.0.0.1:${port}/phsar`);
  clients.push(down);
  const error = await down.$queryRaw`SELECT 1`.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  expect(databaseUnreachableCode(error)).toBe("DatabaseNotReachable");
  // What Remix's default handler printed per request.
  expect(inspect(error).split("\n").length).toBeGreaterThan(10);

  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  logRequestError(error, new Request("http://localhost/search?q=x"));
  expect(logged).toHaveBeenCalledTimes(1);
  const line = String(logged.mock.calls[0]![0]);
  expect(line.split("\n")).toHaveLength(1);
  expect(line).toBe(
    "[phsar] GET /search failed: the database is unreachable (DatabaseNotReachable)",
  );
  logged.mockRestore();
});

test("other errors are logged whole; an aborted request logs nothing", () => {
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const bug = new TypeError("x is undefined");
  logRequestError(bug, new Request("http://localhost/"));
  expect(logged).toHaveBeenCalledWith(bug);
  const controller = new AbortController();
  controller.abort();
  logRequestError(bug, new Request("http://localhost/", { signal: controller.signal }));
  expect(logged).toHaveBeenCalledTimes(1);
  logged.mockRestore();
});
