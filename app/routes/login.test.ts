import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { DEMO_PASSWORD, seedDemoData } from "../../prisma/seed";
import { action } from "./login";

beforeAll(async () => {
  await seedDemoData(prisma);
});

function post(fields: Record<string, string>) {
  return action({
    request: new Request("http://localhost/login", {
      method: "POST",
      body: new URLSearchParams(fields),
    }),
    params: {},
    context: { clientIp: "198.51.100.20" },
  }) as Promise<Response>;
}

describe("login action", () => {
  test("signs in and goes to the page the visitor came from, never to another site", async () => {
    const ok = await post({
      identifier: "monitor@phsar.test",
      password: DEMO_PASSWORD,
      redirectTo: "/cooperatives",
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/cooperatives");
    expect(ok.headers.get("Set-Cookie")).toMatch(/__session=.+; .*HttpOnly.*SameSite=Lax/i);

    const offsite = await post({
      identifier: "monitor@phsar.test",
      password: DEMO_PASSWORD,
      redirectTo: "//evil.example",
    });
    expect(offsite.headers.get("Location")).toBe("/dashboard");
  });

  test("bad input is a 400 naming the field, and the password is never sent back", async () => {
    const response = await post({ identifier: "not-a-phone", password: "secret-typed-here" });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.identifier).toEqual(["validation.identifier"]);
    expect(JSON.stringify(body)).not.toContain("secret-typed-here");
  });

  test("after five wrong passwords from one address the form says when to try again", async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await post({ identifier: "012 000 006", password: `wrong-${i}` });
      expect((await wrong.json()).error[""]).toEqual(["auth.invalidCredentials"]);
    }
    const blocked = await post({ identifier: "trader@phsar.test", password: DEMO_PASSWORD });
    expect(blocked.status).toBe(429);
    // The first wait is 15 seconds: shown as "1 minute".
    expect((await blocked.json()).error[""]).toEqual(["auth.tooManyAttempts|1"]);
  });
});
