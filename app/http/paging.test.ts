import { describe, expect, test } from "vitest";
import { nextCursor, pageCursor } from "./paging";

const at = (query: string) => new Request(`http://phsar.test/admin/audit${query}`);

describe("keyset paging", () => {
  test("the cursor is the id after ?before=, absent on the first page", () => {
    expect(pageCursor(at(""))).toBeUndefined();
    expect(pageCursor(at("?before=42"))).toBe(42);
  });

  test.each(["?before=abc", "?before=-1", "?before=0", "?before=99999999999"])(
    "a cursor that is not an id (%s) is a 400",
    (query) => {
      try {
        pageCursor(at(query));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(Response);
        expect((error as Response).status).toBe(400);
      }
    },
  );

  test("a full page points at its last row; a short page ends the list", () => {
    expect(nextCursor([{ id: 9 }, { id: 7 }], 2)).toBe(7);
    expect(nextCursor([{ id: 9 }], 2)).toBeNull();
    expect(nextCursor([], 2)).toBeNull();
  });
});
