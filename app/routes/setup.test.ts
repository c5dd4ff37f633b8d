import { beforeEach, describe, expect, test } from "vitest";
import { openSetup, isSetupOpen } from "~/auth/setup.server";
import { getUser } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { action, loader } from "./setup.$token";

beforeEach(async () => {
  await prisma.setupToken.deleteMany();
  await prisma.user.deleteMany({ where: { email: { endsWith: "@setup.test" } } });
});

function post(token: string, fields: Record<string, string>) {
  return action({
    request: new Request(`http://localhost/setup/${token}`, {
      method: "POST",
      body: new URLSearchParams(fields),
    }),
    params: { token },
    context: { clientIp: "203.0.113.9" },
  });
}

async function status(run: () => Promise<unknown>) {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("the setup page", () => {
  test("an unknown or replaced token is a 404", async () => {
    const first = (await openSetup())!;
    await openSetup();
    for (const token of [first, "x".repeat(43), "short"])
      expect(
        await status(() =>
          loader({ params: { token }, request: new Request("http://x"), context: {} }),
        ),
      ).toBe(404);
  });

  test("the link creates a signed-in platform admin once, then is a 404; the next start makes none", async () => {
    const token = (await openSetup())!;
    expect(
      await status(() =>
        loader({ params: { token }, request: new Request("http://x"), context: {} }),
      ),
    ).toBe(200);
    const response = (await post(token, {
      name: "Sokha Admin",
      identifier: "Admin@Setup.test",
      password: "a-long-password",
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/unions");
    const user = await getUser(
      new Request("http://localhost/", {
        headers: { Cookie: response.headers.get("Set-Cookie")!.split(";")[0]! },
      }),
    );
    expect(user).toMatchObject({ name: "Sokha Admin", email: "admin@setup.test", isAdmin: true });
    expect(
      await prisma.auditEvent.count({
        where: { action: "auth.setup_completed", actorUserId: user!.id },
      }),
    ).toBe(1);

    expect(
      await status(() =>
        loader({ params: { token }, request: new Request("http://x"), context: {} }),
      ),
    ).toBe(404);
    expect(
      await status(() =>
        post(token, { name: "Again", identifier: "again@setup.test", password: "a-long-password" }),
      ),
    ).toBe(404);
    expect(await openSetup()).toBeNull();
    expect(await prisma.setupToken.count()).toBe(0);
    expect(await prisma.user.count({ where: { email: "again@setup.test" } })).toBe(0);
  });

  test("bad input is a 400 naming the field, and the link stays usable", async () => {
    const token = (await openSetup())!;
    await prisma.user.create({ data: { name: "Buyer", email: "taken@setup.test" } });
    for (const [fields, field] of [
      [{ name: "", identifier: "x@setup.test", password: "a-long-password" }, "name"],
      [{ name: "A", identifier: "not an address", password: "a-long-password" }, "identifier"],
      [{ name: "A", identifier: "x@setup.test", password: "short" }, "password"],
      [{ name: "A", identifier: "taken@setup.test", password: "a-long-password" }, "identifier"],
    ] as const) {
      const response = (await post(token, fields)) as Response;
      expect(response.status).toBe(400);
      expect((await response.json()).error).toHaveProperty(field);
    }
    expect(await prisma.user.count({ where: { isAdmin: true } })).toBe(0);
    expect(await isSetupOpen(token)).toBe(true);
  });
});
