// The union pages as a browser without JavaScript uses them: plain form posts to the real actions.
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import * as unions from "./unions._index";
import * as unionPage from "./unions.$slug._index";
import * as newCooperative from "./unions.$slug.cooperatives.new";
import * as cooperativePage from "./unions.$slug.cooperatives.$cooperativeSlug";

let adminCookie = "";

async function post(
  route: { action: (args: never) => unknown },
  path: string,
  params: Record<string, string>,
  fields: Record<string, string>,
) {
  const request = new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { Cookie: adminCookie },
    body: new URLSearchParams(fields),
  });
  const run = route.action as (args: {
    request: Request;
    params: Record<string, string>;
    context: { clientIp: string };
  }) => Promise<unknown>;
  try {
    return await run({ request, params, context: { clientIp: "192.0.2.7" } });
  } catch (thrown) {
    return thrown;
  }
}

beforeAll(async () => {
  const admin = await prisma.user.create({
    data: { name: "Admin", email: "admin@routes.test", isAdmin: true },
    select: { id: true },
  });
  adminCookie = (await createSession(admin.id)).split(";")[0]!;
});

describe("union pages", () => {
  test("union → cooperative → lead invitation → deactivation, by form posts", async () => {
    const created = (await post(
      unions,
      "/unions",
      {},
      {
        nameKm: "សហភាពសៀមរាប",
        nameEn: "Siem Reap Union",
        provinceCode: "17",
      },
    )) as Response;
    expect(created.status).toBe(302);
    expect(created.headers.get("Location")).toBe("/unions/siem-reap-union");

    const invite = (await post(
      unionPage,
      "/unions/siem-reap-union",
      { slug: "siem-reap-union" },
      {},
    )) as {
      inviteLink: string;
    };
    expect(invite.inviteLink).toMatch(/^http:\/\/localhost:\d+\/invitations\/[A-Za-z0-9_-]{43}$/);

    const params = { slug: "siem-reap-union" };
    const bad = (await post(newCooperative, "/unions/siem-reap-union/cooperatives/new", params, {
      nameKm: "",
      nameEn: "Kralanh Cooperative",
      districtCode: "17",
      registrationNumber: "",
      registeredOn: "2019-02-30",
    })) as Response;
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error).sort()).toEqual([
      "districtCode",
      "nameKm",
      "registeredOn",
      "registrationNumber",
    ]);
    expect(await prisma.organization.count({ where: { nameEn: "Kralanh Cooperative" } })).toBe(0);

    const form = {
      nameKm: "សហគមន៍ក្រឡាញ់",
      nameEn: "Kralanh Cooperative",
      districtCode: "1701",
      registrationNumber: "SR-0042",
      registeredOn: "2018-03-01",
    };
    const made = (await post(
      newCooperative,
      "/unions/siem-reap-union/cooperatives/new",
      params,
      form,
    )) as Response;
    expect(made.status).toBe(302);
    expect(made.headers.get("Location")).toBe(
      "/unions/siem-reap-union/cooperatives/kralanh-cooperative?done=created",
    );
    // The same registration number again: beside its field.
    const again = (await post(newCooperative, "/unions/siem-reap-union/cooperatives/new", params, {
      ...form,
      nameEn: "Second Kralanh",
    })) as Response;
    expect(again.status).toBe(400);
    expect((await again.json()).error).toEqual({
      registrationNumber: ["onboarding.cooperatives.registrationTaken"],
    });

    const coopParams = { slug: "siem-reap-union", cooperativeSlug: "kralanh-cooperative" };
    const coopPath = "/unions/siem-reap-union/cooperatives/kralanh-cooperative";
    const badInvite = (await post(cooperativePage, coopPath, coopParams, {
      intent: "invite-lead",
      identifier: "012",
    })) as Response;
    expect(badInvite.status).toBe(400);
    expect(await badInvite.json()).toEqual({ inviteError: "validation.identifier" });
    const lead = (await post(cooperativePage, coopPath, coopParams, {
      intent: "invite-lead",
      identifier: "012 345 678",
    })) as { inviteLink: string; invitee: string };
    expect(lead.invitee).toBe("+85512345678");
    expect(lead.inviteLink).toContain("/invitations/");

    const unknown = (await post(cooperativePage, coopPath, coopParams, {
      intent: "delete",
    })) as Response;
    expect(unknown.status).toBe(400);

    const off = (await post(cooperativePage, coopPath, coopParams, {
      intent: "deactivate",
    })) as Response;
    expect(off.headers.get("Location")).toBe(`${coopPath}?done=deactivated&closed=0`);
    const twice = (await post(cooperativePage, coopPath, coopParams, {
      intent: "deactivate",
    })) as Response;
    expect(twice.status).toBe(400);
    expect(await twice.json()).toEqual({
      statusError: "onboarding.cooperatives.alreadyDeactivated",
    });

    const loaded = await cooperativePage.loader({
      request: new Request(`http://localhost${coopPath}`, { headers: { Cookie: adminCookie } }),
      params: coopParams,
      context: { clientIp: "192.0.2.7" },
    });
    expect(loaded.cooperative.deactivatedAt).not.toBeNull();
    expect(loaded.cooperative.invitations).toHaveLength(1);
  });

  test("a cooperative of another union, or an unknown one, is a 404", async () => {
    const response = (await post(
      cooperativePage,
      "/unions/siem-reap-union/cooperatives/nope",
      { slug: "siem-reap-union", cooperativeSlug: "nope" },
      { intent: "deactivate" },
    )) as Response;
    expect(response.status).toBe(404);
  });
});
