import { beforeAll, expect, test, vi } from "vitest";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./forgot-password";
import { newestMessageLink } from "../../tests/messages";

beforeAll(async () => {
  await seedDemoData(prisma);
});

test("a reset link points at the configured public address, whatever the Host header says", async () => {
  const info = vi.spyOn(console, "info").mockImplementation(() => {});
  const response = await action({
    request: new Request("http://evil.example:8443/forgot-password", {
      method: "POST",
      headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example:8443" },
      body: new URLSearchParams({ identifier: "clerk@phsar.test" }),
    }),
    params: {},
    context: { clientIp: "198.51.100.77" },
  });
  const logged = await newestMessageLink();
  // Links never go to the server log.
  expect(info.mock.calls.flat().join(" ")).not.toContain("token=");
  info.mockRestore();
  expect(response).toMatchObject({ sent: true });
  const link = /(https?:\/\/\S+reset-password\?token=\S+)/.exec(logged)?.[1];
  expect(link).toBeDefined();
  expect(new URL(link!).origin).toBe(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`);
  expect(logged).not.toContain("evil.example");
});
