import { describe, expect, test } from "vitest";
import { cambodiaInstant, cambodiaToday, isIsoDate } from "./dates";

describe("dates in Cambodia", () => {
  test("today follows Cambodian time, seven hours ahead of UTC", () => {
    expect(cambodiaToday(new Date("2026-11-22T16:59:00Z"))).toBe("2026-11-22");
    expect(cambodiaToday(new Date("2026-11-22T17:00:00Z"))).toBe("2026-11-23");
  });
  test("a Cambodian wall-clock time maps to the right instant", () => {
    expect(cambodiaInstant("2026-11-25", "17:00").toISOString()).toBe("2026-11-25T10:00:00.000Z");
  });
  test("only real calendar dates are dates", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(isIsoDate("26-2-3")).toBe(false);
  });
});
