import { Writable } from "node:stream";
import { expect, test } from "vitest";
import { createLogger, requestContext, safeUrl } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ destination }) };
}

test("every line logged inside a request carries its id; secrets and personal data are masked", () => {
  const { lines, logger } = capture();
  requestContext.run({ requestId: "req-1" }, () => {
    logger.info({ user: { password: "hunter2", email: "a@b.example" }, token: "t0k" }, "signed up");
    logger.info("mail to dara@farm.example, phone +85512345678");
  });
  logger.info("outside");
  expect(lines[0]).toMatchObject({ requestId: "req-1", token: "[redacted]" });
  expect(lines[0]!.user).toEqual({ password: "[redacted]", email: "[redacted]" });
  expect(lines[1]).toMatchObject({ requestId: "req-1", msg: "mail to [email], phone [phone]" });
  expect(lines[2]!.requestId).toBeUndefined();
});

test("URLs lose sensitive parameter values and path tokens", () => {
  expect(safeUrl("/reset-password?token=abc&lang=km")).toBe(
    "/reset-password?token=%5Bredacted%5D&lang=km",
  );
  expect(safeUrl("/invitations/SECRET123?x=1")).toBe("/invitations/[redacted]?x=1");
  expect(safeUrl("/setup/SECRET123")).toBe("/setup/[redacted]");
});
