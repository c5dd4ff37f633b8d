import pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { type Actor } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { placeOrder } from "~/orders/orders.server";
import { indexListingsInPostgres } from "~/search/postgres.server";
import { parseSearchParams } from "~/search/query";
import { searchListings } from "~/search/search.server";
import { createListing, SupplyError } from "~/supply/listings.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow, userByEmail } from "../../tests/builders";
import { getCooperative } from "./cooperatives.server";
import { acceptInvitation, findOpenInvitation } from "./members.server";
import {
  createCooperative,
  createUnion,
  deactivateCooperative,
  getManagedCooperative,
  getManagedUnion,
  inviteCooperativeLead,
  inviteUnionStaff,
  listUnions,
  OnboardingError,
  type OnboardingActor,
  reactivateCooperative,
  updateCooperative,
} from "./unions.server";

const ip = "198.51.100.4";
let admin: OnboardingActor;
let sequence = 0;

/** A user with exactly these memberships (a factory, not a demo login). */
async function person(memberships: Actor["memberships"] = [], isAdmin = false) {
  const n = ++sequence;
  const user = await prisma.user.create({
    data: {
      name: `Person ${n}`,
      email: `person-${n}@unions.test`,
      isAdmin,
      memberships: { create: memberships },
    },
    select: { id: true },
  });
  return { id: user.id, isAdmin, memberships, ipAddress: ip } satisfies OnboardingActor;
}

async function unionWithStaff(name: string) {
  const union = await createUnion(
    { nameKm: `សហភាព ${name}`, nameEn: name, provinceCode: "17" },
    admin,
  );
  const staff = await person([{ organizationId: union.id, role: "MONITOR" }]);
  return { union, staff };
}

const coopInput = (
  n: string,
  overrides: Partial<Parameters<typeof createCooperative>[1]> = {},
) => ({
  nameKm: `សហគមន៍ ${n}`,
  nameEn: `Cooperative ${n}`,
  districtCode: "1701",
  registrationNumber: `REG-${n}`,
  registeredOn: "2019-05-14" as const,
  ...overrides,
});

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
    return "done";
  } catch (error) {
    if (error instanceof OnboardingError || error instanceof SupplyError) return error.key;
    throw error;
  }
}

beforeAll(async () => {
  await seedDemoData(prisma);
  admin = await person([], true);
});

describe("unions", () => {
  test("an admin creates a union (audited); nobody else can, and a bad province is refused", async () => {
    const union = await createUnion(
      { nameKm: "សហភាពកំពង់ធំ", nameEn: "Kampong Thom Union", provinceCode: "06" },
      admin,
    );
    expect(union.slug).toBe("kampong-thom-union");
    const row = await prisma.organization.findUniqueOrThrow({
      where: { id: union.id },
      select: { kind: true, nameKm: true, provinceCode: true },
    });
    expect(row).toEqual({ kind: "UNION", nameKm: "សហភាពកំពង់ធំ", provinceCode: "06" });
    expect(
      await prisma.auditEvent.count({
        where: { action: "union.created", organizationId: union.id, actorUserId: admin.id },
      }),
    ).toBe(1);

    const staff = await person([{ organizationId: union.id, role: "MONITOR" }]);
    expect(
      await refusal(() => createUnion({ nameKm: "ក", nameEn: "X", provinceCode: "06" }, staff)),
    ).toBe("forbidden");
    expect(
      await refusal(() => createUnion({ nameKm: "ក", nameEn: "Y", provinceCode: "99" }, admin)),
    ).toBe("validation.province");
    expect(await prisma.organization.count({ where: { nameEn: { in: ["X", "Y"] } } })).toBe(0);
  });

  test("staff see only their union; an admin invites staff, whose link makes a MONITOR", async () => {
    const { union, staff } = await unionWithStaff("Siem Reap Union A");
    const other = await unionWithStaff("Siem Reap Union B");
    expect((await listUnions(staff)).map((u) => u.id)).toEqual([union.id]);
    expect((await listUnions(admin)).map((u) => u.id)).toEqual(
      expect.arrayContaining([union.id, other.union.id]),
    );
    expect(await refusal(() => listUnions({ ...staff, memberships: [] }))).toBe("forbidden");
    expect(await refusal(() => getManagedUnion(other.union.slug, staff))).toBe("forbidden");

    expect(await refusal(() => inviteUnionStaff(union.id, staff))).toBe("forbidden");
    const token = await inviteUnionStaff(union.id, admin);
    const newcomer = await person();
    await acceptInvitation(token, { userId: newcomer.id, ipAddress: ip });
    expect(
      await prisma.membership.findFirst({
        where: { userId: newcomer.id, organizationId: union.id },
        select: { role: true },
      }),
    ).toEqual({ role: "MONITOR" });
  });
});

describe("cooperatives", () => {
  test("union staff create one: province from the district, the union's fee applies, audited", async () => {
    const { union, staff } = await unionWithStaff("Create Union");
    const coop = await createCooperative(union.id, coopInput("Create-1"), staff);
    const row = await prisma.organization.findUniqueOrThrow({
      where: { id: coop.id },
      select: {
        kind: true,
        provinceCode: true,
        districtCode: true,
        unionId: true,
        registrationNumber: true,
        registeredOn: true,
        deactivatedAt: true,
        paymentProfile: { select: { unionId: true } },
      },
    });
    expect(row).toEqual({
      kind: "COOPERATIVE",
      provinceCode: "17",
      districtCode: "1701",
      unionId: union.id,
      registrationNumber: "REG-Create-1",
      registeredOn: new Date("2019-05-14T00:00:00Z"),
      deactivatedAt: null,
      paymentProfile: { unionId: union.id },
    });
    const event = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "cooperative.created", organizationId: coop.id },
      select: { actorUserId: true, details: true },
    });
    expect(event).toMatchObject({
      actorUserId: staff.id,
      details: { registrationNumber: "REG-Create-1" },
    });
    expect((await getManagedUnion(union.slug, staff)).cooperatives.map((c) => c.id)).toEqual([
      coop.id,
    ]);
  });

  test("a commune of the district is kept (and shown on the page); one of another district is refused, nothing written", async () => {
    const { union, staff } = await unionWithStaff("Commune Union");
    const coop = await createCooperative(
      union.id,
      coopInput("Commune-1", { communeCode: "170101" }),
      staff,
    );
    expect(
      await prisma.organization.findUniqueOrThrow({
        where: { id: coop.id },
        select: { districtCode: true, communeCode: true },
      }),
    ).toEqual({ districtCode: "1701", communeCode: "170101" });
    expect((await getCooperative(coop.slug))?.commune).toEqual({
      code: "170101",
      nameKm: "ចារឈូក",
      nameEn: "Char Chhuk",
    });

    // 010201 is a commune of district 0102 (Banteay Meanchey), not of 1701.
    expect(
      await refusal(() =>
        createCooperative(union.id, coopInput("Commune-2", { communeCode: "010201" }), staff),
      ),
    ).toBe("onboarding.cooperatives.communeNotInDistrict");
    expect(
      await refusal(() =>
        createCooperative(union.id, coopInput("Commune-3", { communeCode: "999999" }), staff),
      ),
    ).toBe("onboarding.cooperatives.communeNotInDistrict");
    expect(
      await prisma.organization.count({
        where: { nameEn: { in: ["Cooperative Commune-2", "Cooperative Commune-3"] } },
      }),
    ).toBe(0);

    expect(
      await refusal(() =>
        updateCooperative(coop.id, coopInput("Commune-1", { communeCode: "010201" }), staff),
      ),
    ).toBe("onboarding.cooperatives.communeNotInDistrict");
    expect(
      await prisma.organization.findUniqueOrThrow({
        where: { id: coop.id },
        select: { communeCode: true },
      }),
    ).toEqual({ communeCode: "170101" });
    await updateCooperative(coop.id, coopInput("Commune-1", { communeCode: "170102" }), staff);
    const event = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "cooperative.updated", organizationId: coop.id },
      select: { details: true },
    });
    expect(event.details).toEqual({ communeCode: { from: "170101", to: "170102" } });
  });

  test("only the union's staff or an admin: another union's staff and a lead are refused", async () => {
    const { union } = await unionWithStaff("Guarded Union");
    const outsider = (await unionWithStaff("Outsider Union")).staff;
    const coop = await createCooperative(union.id, coopInput("Guarded-1"), admin);
    const lead = await person([{ organizationId: coop.id, role: "LEAD" }]);
    for (const actor of [outsider, lead]) {
      expect(
        await refusal(() => createCooperative(union.id, coopInput(`G-${actor.id}`), actor)),
      ).toBe("forbidden");
      expect(await refusal(() => updateCooperative(coop.id, coopInput("Guarded-1"), actor))).toBe(
        "forbidden",
      );
      expect(
        await refusal(() =>
          inviteCooperativeLead(coop.id, { kind: "email", email: "x@unions.test" }, actor),
        ),
      ).toBe("forbidden");
      expect(await refusal(() => deactivateCooperative(coop.id, actor))).toBe("forbidden");
      expect(await refusal(() => getManagedCooperative(union.slug, coop.slug, actor))).toBe(
        "forbidden",
      );
    }
    expect(
      await prisma.organization.count({ where: { nameEn: { startsWith: "Cooperative G-" } } }),
    ).toBe(0);
    expect(await prisma.invitation.count({ where: { organizationId: coop.id } })).toBe(0);
  });

  test("bad input names the field and writes nothing", async () => {
    const { union, staff } = await unionWithStaff("Strict Union");
    await createCooperative(union.id, coopInput("Strict-1"), staff);
    const before = await prisma.organization.count();
    const events = await prisma.auditEvent.count();
    const cases = [
      [coopInput("Strict-2", { districtCode: "9999" }), "onboarding.cooperatives.unknownDistrict"],
      [
        coopInput("Strict-3", { registeredOn: "2099-01-01" }),
        "onboarding.cooperatives.registeredInFuture",
      ],
      [
        coopInput("Strict-4", { registrationNumber: "REG-Strict-1" }),
        "onboarding.cooperatives.registrationTaken",
      ],
    ] as const;
    for (const [input, key] of cases)
      expect(await refusal(() => createCooperative(union.id, input, staff))).toBe(key);
    expect(await prisma.organization.count()).toBe(before);
    expect(await prisma.auditEvent.count()).toBe(events);
    // The same number in another province is another registration.
    await createCooperative(
      union.id,
      coopInput("Strict-5", { registrationNumber: "REG-Strict-1", districtCode: "0401" }),
      staff,
    );
  });

  test("the same registration number saved twice at once: one cooperative, one clear refusal", async () => {
    const { union, staff } = await unionWithStaff("Race Union");
    const results = await Promise.all(
      ["Race-A", "Race-B"].map((n) =>
        refusal(() =>
          createCooperative(union.id, coopInput(n, { registrationNumber: "REG-RACE" }), staff),
        ),
      ),
    );
    expect(results.sort()).toEqual(["done", "onboarding.cooperatives.registrationTaken"]);
    expect(await prisma.organization.count({ where: { registrationNumber: "REG-RACE" } })).toBe(1);
  });

  test("a number saved by another transaction after our check: the unique index answers, clearly", async () => {
    const { union, staff } = await unionWithStaff("Late Union");
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(
        `INSERT INTO "Organization" ("slug", "kind", "nameKm", "nameEn", "provinceCode", "registrationNumber", "updatedAt")
         VALUES ('late-holder', 'COOPERATIVE', 'ក', 'Late holder', '17', 'REG-LATE', now())`,
      );
      // Our check cannot see the uncommitted row; our insert waits on the unique index.
      const creating = refusal(() =>
        createCooperative(union.id, coopInput("Late-1", { registrationNumber: "REG-LATE" }), staff),
      );
      await expect
        .poll(async () => {
          const { rows } = await holder.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          return rows[0].n;
        })
        .toBe(1);
      await holder.query("COMMIT");
      expect(await creating).toBe("onboarding.cooperatives.registrationTaken");
    } finally {
      await holder.end();
    }
    expect(await prisma.organization.count({ where: { registrationNumber: "REG-LATE" } })).toBe(1);
  });

  test("a change is saved and audited with what changed", async () => {
    const { union, staff } = await unionWithStaff("Change Union");
    const coop = await createCooperative(union.id, coopInput("Change-1"), staff);
    await updateCooperative(
      coop.id,
      coopInput("Change-1", { nameEn: "Renamed Cooperative", districtCode: "0401" }),
      staff,
    );
    const row = await prisma.organization.findUniqueOrThrow({
      where: { id: coop.id },
      select: { nameEn: true, provinceCode: true },
    });
    expect(row).toEqual({ nameEn: "Renamed Cooperative", provinceCode: "04" });
    const event = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "cooperative.updated", organizationId: coop.id },
      select: { details: true },
    });
    expect(event.details).toEqual({
      nameEn: { from: "Cooperative Change-1", to: "Renamed Cooperative" },
      districtCode: { from: "1701", to: "0401" },
    });
  });

  test("the lead is invited by phone: the link names them, and accepting makes them LEAD", async () => {
    const { union, staff } = await unionWithStaff("Invite Union");
    const coop = await createCooperative(union.id, coopInput("Invite-1"), staff);
    const token = await inviteCooperativeLead(
      coop.id,
      { kind: "phone", phone: "+85512777888" },
      staff,
    );
    const page = await getManagedCooperative(union.slug, coop.slug, staff);
    expect(page.invitations).toEqual([
      expect.objectContaining({ role: "LEAD", inviteePhone: "+85512777888", inviteeEmail: null }),
    ]);
    expect(await findOpenInvitation(token)).toMatchObject({ role: "LEAD" });
    expect(
      await prisma.auditEvent.findFirst({
        where: { action: "membership.invited", organizationId: coop.id },
        select: { actorUserId: true, details: true },
      }),
    ).toEqual({ actorUserId: staff.id, details: { role: "LEAD", invitee: "+85512777888" } });
    const lead = await person();
    await acceptInvitation(token, { userId: lead.id, ipAddress: ip });
    expect((await getManagedCooperative(union.slug, coop.slug, staff)).leads).toHaveLength(1);
  });

  test("the invitation is sent: the link goes to the invitee's email, or waits as an SMS, with the invitation", async () => {
    const { union, staff } = await unionWithStaff("Send Union");
    const coop = await createCooperative(union.id, coopInput("Send-1"), staff);
    const before = await prisma.outboxMessage.count();
    const token = await inviteCooperativeLead(
      coop.id,
      { kind: "email", email: "lead@send.test" },
      staff,
    );
    const invitation = await prisma.invitation.findFirstOrThrow({
      where: { organizationId: coop.id, inviteeEmail: "lead@send.test" },
      select: { id: true },
    });
    const email = await prisma.outboxMessage.findFirstOrThrow({
      where: { eventKey: `invitation:${invitation.id}` },
      select: { channel: true, address: true, kind: true, subject: true, text: true, links: true },
    });
    expect(email).toMatchObject({
      channel: "EMAIL",
      address: "lead@send.test",
      kind: "invitation",
      links: { accept: expect.stringMatching(new RegExp(`/invitations/${token}$`)) },
    });
    expect(email.subject).toBe("អ្នកត្រូវបានអញ្ជើញមកផ្សារ · You are invited to Phsar");
    expect(email.text).toContain("Cooperative Send-1");
    expect(email.text).toContain("join Cooperative Send-1 on Phsar as Cooperative lead.");
    expect(await findOpenInvitation(token)).toMatchObject({ role: "LEAD" });

    await inviteCooperativeLead(coop.id, { kind: "phone", phone: "+85512999000" }, staff);
    const sms = await prisma.outboxMessage.findFirstOrThrow({
      where: { kind: "invitation", address: "+85512999000" },
      select: { channel: true, links: true },
    });
    expect(sms.channel).toBe("SMS");
    expect(await prisma.outboxMessage.count()).toBe(before + 2);

    // A staff invitation names no one: it is a link to pass on, and nothing is sent.
    await inviteUnionStaff(union.id, await person([], true));
    expect(await prisma.outboxMessage.count()).toBe(before + 2);
  });
});

describe("deactivation", () => {
  async function sellingCooperative(name: string) {
    const { union, staff } = await unionWithStaff(`${name} Union`);
    const coop = await createCooperative(union.id, coopInput(name), staff);
    await prisma.farmer.createMany({
      data: [1, 2].map((n) => ({
        cooperativeId: coop.id,
        name: `Farmer ${n}`,
        gender: "FEMALE" as const,
        birthYear: 1980,
        village: "Village",
      })),
    });
    const window = await buildWindow({ cooperativeId: coop.id, pledges: [40, 30] });
    const paused = await buildWindow({ cooperativeId: coop.id, pledges: [10] });
    await prisma.listing.update({ where: { id: paused.listingId }, data: { status: "PAUSED" } });
    // The builder writes listings directly: give them their search rows as supply would.
    await indexListingsInPostgres(prisma, [window.listingId, paused.listingId]);
    return { union, staff, coop, window, pausedListingId: paused.listingId };
  }

  const visibleListings = async (cooperativeId: number) => {
    const params = parseSearchParams(new URLSearchParams({ cooperative: String(cooperativeId) }));
    if (!params.ok) throw new Error("bad params");
    return (await searchListings(params.value)).total;
  };

  test("closes its listings, search drops them, and what it sold stays", async () => {
    const { staff, coop, window, pausedListingId } = await sellingCooperative("Closing");
    const buyer = await userByEmail("buyer@phsar.test");
    const { orderId } = await placeOrder({
      buyerId: buyer.memberships[0]!.organizationId,
      placedById: buyer.id,
      idempotencyKey: `deactivation-${coop.id}`,
      lines: [{ windowId: window.id, quantity: 20 }],
    });
    const sold = () =>
      prisma.subOrder.findMany({
        where: { orderId },
        select: { id: true, status: true, totalMinor: true, lines: { select: { quantity: true } } },
      });
    const soldBefore = await sold();
    expect(await visibleListings(coop.id)).toBe(1);
    const outboxBefore = await prisma.searchOutbox.count({
      where: { listingId: { in: [window.listingId, pausedListingId] } },
    });

    expect(await deactivateCooperative(coop.id, staff)).toEqual({ closedListings: 2 });

    const listings = await prisma.listing.findMany({
      where: { cooperativeId: coop.id },
      select: { status: true },
    });
    expect(listings.map((l) => l.status)).toEqual(["CLOSED", "CLOSED"]);
    expect(await visibleListings(coop.id)).toBe(0);
    expect(
      await prisma.searchOutbox.count({
        where: { listingId: { in: [window.listingId, pausedListingId] } },
      }),
    ).toBe(outboxBefore + 2);
    expect(await sold()).toEqual(soldBefore);
    expect(
      await prisma.deliveryWindow.findUniqueOrThrow({
        where: { id: window.id },
        select: { reserved: true, capacity: true },
      }),
    ).toEqual({ reserved: 20, capacity: 70 });
    expect(await prisma.farmer.count({ where: { cooperativeId: coop.id } })).toBe(2);
    const event = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "cooperative.deactivated", organizationId: coop.id },
      select: { actorUserId: true, details: true },
    });
    expect(event.actorUserId).toBe(staff.id);
    expect(event.details).toEqual({
      closedListings: [
        { id: window.listingId, status: "PUBLISHED" },
        { id: pausedListingId, status: "PAUSED" },
      ],
    });

    expect(await refusal(() => deactivateCooperative(coop.id, staff))).toBe(
      "onboarding.cooperatives.alreadyDeactivated",
    );
    const product = await prisma.product.findFirstOrThrow({ select: { id: true } });
    const listingInput = {
      productId: product.id,
      variety: null,
      grade: "A" as const,
      certification: "NONE" as const,
      priceMinor: 2_000,
      currency: "KHR" as const,
      minOrderQuantity: 1,
      descriptionKm: "",
      descriptionEn: "",
      deliveryAreas: [{ provinceCode: "17", districtCode: null }],
    };
    const lead = await person([{ organizationId: coop.id, role: "LEAD" }]);
    expect(await refusal(() => createListing(coop.id, listingInput, lead))).toBe(
      "onboarding.cooperatives.inactive",
    );

    await reactivateCooperative(coop.id, staff);
    expect(
      await prisma.organization.findUniqueOrThrow({
        where: { id: coop.id },
        select: { deactivatedAt: true },
      }),
    ).toEqual({ deactivatedAt: null });
    expect(await visibleListings(coop.id)).toBe(0); // closing is final
    expect(
      await prisma.auditEvent.count({
        where: { action: "cooperative.reactivated", organizationId: coop.id },
      }),
    ).toBe(1);
    await createListing(coop.id, listingInput, lead);
  });

  test("a listing created during a deactivation waits for it, then is refused", async () => {
    const { coop } = await sellingCooperative("Waiting");
    const lead = await person([{ organizationId: coop.id, role: "LEAD" }]);
    const product = await prisma.product.findFirstOrThrow({ select: { id: true } });
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      // What deactivateCooperative holds until it commits: the cooperative's row, updated.
      await holder.query("BEGIN");
      await holder.query(`UPDATE "Organization" SET "deactivatedAt" = now() WHERE "id" = $1`, [
        coop.id,
      ]);
      const creating = refusal(() =>
        createListing(
          coop.id,
          {
            productId: product.id,
            variety: null,
            grade: "A",
            certification: "NONE",
            priceMinor: 2_000,
            currency: "KHR",
            minOrderQuantity: 1,
            descriptionKm: "",
            descriptionEn: "",
            deliveryAreas: [{ provinceCode: "17", districtCode: null }],
          },
          lead,
        ),
      );
      await expect
        .poll(async () => {
          const { rows } = await holder.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          return rows[0].n;
        })
        .toBe(1);
      await holder.query("COMMIT");
      expect(await creating).toBe("onboarding.cooperatives.inactive");
    } finally {
      await holder.end();
    }
    expect(
      await prisma.listing.count({ where: { cooperativeId: coop.id, status: { not: "CLOSED" } } }),
    ).toBe(2);
  });

  test("deactivating while listings are being created leaves no open listing behind", async () => {
    const { staff, coop } = await sellingCooperative("Racing");
    const lead = await person([{ organizationId: coop.id, role: "LEAD" }]);
    const product = await prisma.product.findFirstOrThrow({ select: { id: true } });
    const create = () =>
      refusal(() =>
        createListing(
          coop.id,
          {
            productId: product.id,
            variety: null,
            grade: "B",
            certification: "NONE",
            priceMinor: 2_000,
            currency: "KHR",
            minOrderQuantity: 1,
            descriptionKm: "",
            descriptionEn: "",
            deliveryAreas: [{ provinceCode: "17", districtCode: null }],
          },
          lead,
        ),
      );
    const results = await Promise.all([
      create(),
      create(),
      deactivateCooperative(coop.id, staff),
      create(),
    ]);
    expect(results[2]).toMatchObject({ closedListings: expect.any(Number) });
    expect(
      await prisma.listing.count({ where: { cooperativeId: coop.id, status: { not: "CLOSED" } } }),
    ).toBe(0);
  });
});
