// An unexpected console.error usually means a swallowed failure: make it fail the test.
// Tests that expect one spy on console.error themselves (vi.spyOn(console, "error").mockImplementation(...)).
import { afterEach } from "vitest";

const original = console.error;
let logged: unknown[][] = [];

console.error = (...args: unknown[]) => {
  logged.push(args);
  original(...args);
};

afterEach(() => {
  const errors = logged;
  logged = [];
  if (errors.length > 0) {
    throw new Error(
      `console.error was called during the test:\n${errors.map((a) => a.map(String).join(" ")).join("\n")}`,
    );
  }
});
