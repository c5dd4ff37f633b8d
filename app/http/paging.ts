// Keyset paging for the newest-first admin lists (audit log, outbox): `?before=<id>` is the last
// row of the previous page, so a page never shifts when new rows arrive.
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { invariantResponse } from "./responses";

export const PAGE_SIZE = 100;

const PageQuery = z.object({ before: dbId.optional() });

/** The `before` cursor of a list URL; a cursor that is not an id is a 400, never a 500. */
export function pageCursor(request: Request) {
  const query = PageQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(query.success, "Bad query", { status: 400 });
  return query.data.before;
}

/** The cursor of the next page, or null when this page was the last (fewer rows than a page). */
export function nextCursor(rows: readonly { id: number }[], size = PAGE_SIZE) {
  return rows.length === size ? rows[rows.length - 1]!.id : null;
}
