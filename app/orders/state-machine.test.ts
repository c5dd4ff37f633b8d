import { describe, expect, test } from "vitest";
import { canTransition, releasesReservation, transitions } from "./state-machine";

describe("sub-order state machine", () => {
  test("the happy path runs from placed to settled", () => {
    const path = ["PLACED", "CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED", "SETTLED"] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });
  test("illegal jumps are refused", () => {
    expect(canTransition("PLACED", "DELIVERED")).toBe(false);
    expect(canTransition("DELIVERED", "CANCELLED")).toBe(false);
    expect(canTransition("SETTLED", "PLACED")).toBe(false);
  });
  test("final states have no way out, and only they release reservations", () => {
    for (const status of ["REJECTED", "SETTLED", "CANCELLED"] as const)
      expect(transitions[status]).toEqual([]);
    expect([...releasesReservation].sort()).toEqual(["CANCELLED", "REJECTED"]);
  });
});
