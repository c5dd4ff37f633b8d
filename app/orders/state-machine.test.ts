import { describe, expect, test } from "vitest";
import {
  canTransition,
  mayMove,
  movesFor,
  releasesReservation,
  transitions,
} from "./state-machine";

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

  test("each party makes only its own moves; a buyer cancels only before the cutoff", () => {
    const open = { beforeCutoff: true };
    const closed = { beforeCutoff: false };
    expect(movesFor("COOPERATIVE", "CONFIRMED", open)).toEqual(["ACCEPTED", "REJECTED"]);
    expect(movesFor("BUYER", "CONFIRMED", open)).toEqual(["CANCELLED"]);
    expect(movesFor("BUYER", "CONFIRMED", closed)).toEqual([]);
    expect(movesFor("BUYER", "PACKED", closed)).toEqual(["DELIVERED"]);
    expect(movesFor("SYSTEM", "PLACED", closed)).toEqual(["CONFIRMED", "CANCELLED"]);
    expect(mayMove("BUYER", "PLACED", "CONFIRMED", open)).toBe(false); // paying is not a button
    expect(mayMove("COOPERATIVE", "PACKED", "DELIVERED", open)).toBe(false); // the buyer confirms
    expect(mayMove("COOPERATIVE", "ACCEPTED", "CANCELLED", open)).toBe(false);
  });
});
