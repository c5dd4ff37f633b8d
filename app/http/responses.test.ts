import { describe, expect, test } from "vitest";
import { safeRedirectPath } from "./responses";

describe("safeRedirectPath: only ever a path on this site", () => {
  test.each([
    "/orders/12",
    "/search?q=%E1%9E%9F&province=17",
    "/cart#checkout",
    "/listings/3?redirectTo=%2F%2Fevil.example",
  ])("keeps %s", (target) => {
    expect(safeRedirectPath(target, "/home")).toBe(target);
  });

  test.each([
    // Browsers drop tabs and newlines, and read a backslash as a slash.
    "/\t/attacker.example/",
    "/%09/attacker.example/".replace("%09", "\t"),
    "/\n/attacker.example",
    "/\r/attacker.example",
    "/\v/attacker.example",
    "/\f/attacker.example",
    "/\u3000/attacker.example",
    "//attacker.example",
    "/\\attacker.example",
    "/\\/attacker.example",
    "\\\\attacker.example",
    "https://attacker.example/",
    "javascript:alert(1)",
    "attacker.example",
    "",
    " /orders",
    "/orders\u0000",
  ])("refuses %j", (target) => {
    expect(safeRedirectPath(target, "/home")).toBe("/home");
  });

  test("normalises what a browser would (dot segments stay on the site)", () => {
    expect(safeRedirectPath("/a/../orders", "/home")).toBe("/orders");
    expect(safeRedirectPath("/./orders", "/home")).toBe("/orders");
  });

  test("anything that is not a string falls back", () => {
    for (const value of [undefined, null, 42, ["/orders"], { path: "/orders" }])
      expect(safeRedirectPath(value, "/home")).toBe("/home");
  });
});
