// /signup answers the same for a free and a taken identifier (issue #15 item 4): the message goes to
// the address, the account is made from the link, and the rate limit comes before any lookup.
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { action, loader } from "./signup";
import { action as confirmAction, loader as confirmLoader } from "./signup_.confirm";

beforeAll(async () => {
  await seedDemoData(prisma);
});
afterEach(() => vi.restoreAllMocks());

let address = 0;
const nextIp = () => `198.51.100.${++address}`;

function post(fields: Record<string, string>, ip: string) {
  return action({
    request: new Request("http://localhost/signup", {
      method: "POST",
      body: new URLSearchParams(fields),
    }),
    params: {},
    context: { clientIp: ip },
  }) as Promise<Response>;
}

const buyer = (identifier: string, extra: Record<string, string> = {}) => ({
  name: "Sok Dara",
  identifier,
  password: "a-long-password-1",
  businessNameKm: "ហាងបាយ",
  businessNameEn: "Rice Shop",
  provinceCode: "17",
  ...extra,
});

/** The messages written to the outbox while `run` ran, one line each: kind, address, links. */
async function messages(run: () => Promise<unknown>) {
  const last = await prisma.outboxMessage.aggregate({ _max: { id: true } });
  const info = vi.spyOn(console, "info");
  await run();
  // Links never go to the server log.
  expect(info.mock.calls.flat().join(" ")).not.toMatch(/token=/);
  const rows = await prisma.outboxMessage.findMany({
    where: { id: { gt: last._max.id ?? 0 }, channel: { not: "IN_APP" } },
    select: { kind: true, address: true, links: true },
    orderBy: { id: "asc" },
  });
  return rows.map(
    (r) => `${r.kind} ${r.address}: ${Object.values(r.links as Record<string, string>).join(" ")}`,
  );
}

const linkIn = (line: string) => line.slice(line.indexOf("http://"));

describe("sign-up without telling who has an account", () => {
  test("a taken and a free identifier get the same answer; the owner is told, nothing is created", async () => {
    const users = await prisma.user.count();
    const ip = nextIp();
    let taken: Response | undefined;
    let free: Response | undefined;
    const sent = await messages(async () => {
      taken = await post(buyer("buyer@phsar.test"), ip);
      free = await post(buyer(`new-${Date.now()}@example.com`), ip);
    });
    for (const answer of [taken!, free!]) {
      expect(answer.status).toBe(303);
      expect(answer.headers.get("Location")).toBe("/signup?sent=1");
      expect(answer.headers.get("Set-Cookie")).toBeNull();
    }
    expect(await prisma.user.count()).toBe(users);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^sign-up-notice buyer@phsar\.test: http:\/\/localhost:\d+\/login /);
    expect(sent[1]).toMatch(
      /^sign-up-confirmation new-\d+@example\.com: http:\/\/localhost:\d+\/signup\/confirm\?token=/,
    );
    // The phone of an existing account is no different.
    const phone = await messages(() => post(buyer("012 000 004"), ip));
    expect(phone[0]).toMatch(/^sign-up-notice /);
  });

  test("the rate limit counts before any lookup: the 11th try from one address is refused, taken or not", async () => {
    const ip = nextIp();
    const sent = await messages(async () => {
      for (let i = 0; i < 10; i++)
        expect((await post(buyer(`012 000 00${(i % 9) + 1}`), ip)).status).toBe(303);
    });
    expect(sent).toHaveLength(10);
    const refused = await messages(async () => {
      const answer = await post(buyer("lead@phsar.test"), ip);
      expect(answer.status).toBe(429);
      expect((await answer.json()).error[""]).toEqual(["auth.tooManyAttempts|60"]);
    });
    expect(refused).toEqual([]); // nobody was looked up, nothing was sent
  });

  test("an invalid form is a 400 that does not look the identifier up", async () => {
    const sent = await messages(async () => {
      const answer = await post(buyer("buyer@phsar.test", { password: "short" }), nextIp());
      expect(answer.status).toBe(400);
      const body = JSON.stringify(await answer.json());
      expect(body).not.toContain("identifierTaken");
    });
    expect(sent).toEqual([]);
  });

  test("the link shows a button, creates the account and signs in once, and goes where the form asked", async () => {
    const identifier = `joiner-${Date.now()}@example.com`;
    const sent = await messages(() => post(buyer(identifier, { redirectTo: "/cart" }), nextIp()));
    const link = new URL(linkIn(sent[0]!));
    const token = link.searchParams.get("token")!;
    // Opening the link (as a mail preview would) creates nothing.
    const page = await confirmLoader({ request: new Request(link), params: {}, context: {} });
    expect(page).toEqual({ token, usable: true });
    expect(await prisma.user.count({ where: { email: identifier } })).toBe(0);

    const confirm = () =>
      confirmAction({
        request: new Request("http://localhost/signup/confirm", {
          method: "POST",
          body: new URLSearchParams({ token }),
        }),
        params: {},
        context: { clientIp: "198.51.100.200" },
      }) as Promise<Response>;
    const done = await confirm();
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/cart");
    expect(done.headers.get("Set-Cookie")).toMatch(/__session=/);
    const user = await prisma.user.findUniqueOrThrow({
      where: { email: identifier },
      select: {
        name: true,
        memberships: { select: { role: true, organization: { select: { nameEn: true } } } },
      },
    });
    expect(user).toEqual({
      name: "Sok Dara",
      memberships: [{ role: "OWNER", organization: { nameEn: "Rice Shop" } }],
    });

    const again = await confirm();
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "auth.signUpConfirmInvalid" });
    expect(await confirmLoader({ request: new Request(link), params: {}, context: {} })).toEqual({
      token,
      usable: false,
    });
  });

  test("the page says the message was sent", async () => {
    const data = await loader({
      request: new Request("http://localhost/signup?sent=1"),
      params: {},
      context: {},
    });
    expect(data).toMatchObject({ sent: true });
  });
});
