import fc from "fast-check";
import { expect, test } from "vitest";
import { farmerSearchQuery } from "./farmer-rules";

test("a farmer search never passes a control character on (PostgreSQL refuses NUL in text)", () => {
  expect(farmerSearchQuery("\u0000")).toBe("");
  expect(farmerSearchQuery("Sok\u0000Dara")).toBe(farmerSearchQuery("Sok Dara"));
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (query) => {
      expect(farmerSearchQuery(query)).not.toMatch(/\p{Cc}/u);
    }),
  );
});
