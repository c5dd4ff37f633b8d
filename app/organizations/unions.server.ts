// Unions and their cooperatives (issue #17, docs/decisions/017): an admin creates a union and
// invites its staff; the union's staff (MONITOR members) or an admin create cooperatives, invite
// their leads and deactivate them. Every rule and permission check lives here, so it holds whoever
// calls (a route, a job, a script).
import { recordAudit } from "~/audit/audit.server";
import { slugify } from "~/auth/accounts.server";
import { type Identifier } from "~/auth/identifier";
import { type Actor, can } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";
import { recordListingChange } from "~/search/sync.server";
import { cambodiaToday, dateColumn, type IsoDate } from "~/calendar/dates";
import { isCommuneOfDistrict } from "./cooperatives.server";
import { createInvitation, listOpenInvitations } from "./members.server";
import { DomainError } from "~/validation/errors";

export type OnboardingActor = Actor & { id: number; ipAddress: string };

/** A refusal: `key` is a translation key (or "forbidden"/"notFound"), `field` the form field. */
export class OnboardingError extends DomainError {
  constructor(key: string, field?: string) {
    super(key, field);
    this.name = "OnboardingError";
  }
}

type Tx = Prisma.TransactionClient;

const forbidden = () => new OnboardingError("forbidden");
const notFound = () => new OnboardingError("notFound");

function assertAdmin(actor: OnboardingActor) {
  if (!actor.isAdmin) throw forbidden();
}

/** Union staff manage their own union's cooperatives; an admin manages every union. */
function assertManagesUnion(actor: OnboardingActor, unionId: number | null) {
  if (unionId === null ? !actor.isAdmin : !can(actor, "manage:cooperatives:own", unionId))
    throw forbidden();
}

function audit(
  tx: Tx,
  actor: OnboardingActor,
  entry: Omit<Parameters<typeof recordAudit>[0], "actorUserId" | "ipAddress">,
) {
  return recordAudit({ ...entry, actorUserId: actor.id, ipAddress: actor.ipAddress }, tx);
}

async function uniqueSlug(tx: Tx, name: string) {
  const base = slugify(name);
  const taken = new Set(
    (
      await tx.organization.findMany({
        where: { slug: { startsWith: base } },
        select: { slug: true },
      })
    ).map((o) => o.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

// ---------------------------------------------------------------------------------------------
// Unions

export type UnionInput = { nameKm: string; nameEn: string; provinceCode: string };

/** The unions the actor may open: every union for an admin, their own for union staff. */
export async function listUnions(actor: OnboardingActor) {
  const own = actor.memberships.map((m) => m.organizationId);
  const unions = await prisma.organization.findMany({
    where: { kind: "UNION", ...(actor.isAdmin ? {} : { id: { in: own } }) },
    select: {
      id: true,
      slug: true,
      nameKm: true,
      nameEn: true,
      province: { select: { code: true, nameKm: true, nameEn: true } },
      _count: { select: { unionCooperatives: true } },
    },
    orderBy: { nameEn: "asc" },
  });
  if (!actor.isAdmin && unions.length === 0) throw forbidden();
  return unions.map(({ _count, ...union }) => ({
    ...union,
    cooperatives: _count.unionCooperatives,
  }));
}

/** Only platform admins create unions. */
export function assertMayCreateUnion(actor: OnboardingActor) {
  assertAdmin(actor);
}

export async function createUnion(input: UnionInput, actor: OnboardingActor) {
  assertMayCreateUnion(actor);
  return prisma.$transaction(async (tx) => {
    const province = await tx.province.findUnique({
      where: { code: input.provinceCode },
      select: { code: true },
    });
    if (!province) throw new OnboardingError("validation.province", "provinceCode");
    const union = await tx.organization.create({
      data: { kind: "UNION", slug: await uniqueSlug(tx, input.nameEn), ...input },
      select: { id: true, slug: true },
    });
    await audit(tx, actor, {
      action: "union.created",
      organizationId: union.id,
      targetType: "Organization",
      targetId: union.id,
      details: input,
    });
    return union;
  });
}

/** A union's page: its cooperatives, staff and (for an admin) open staff invitations. */
export async function getManagedUnion(slug: string, actor: OnboardingActor) {
  const union = await prisma.organization.findFirst({
    where: { slug, kind: "UNION" },
    select: {
      id: true,
      slug: true,
      nameKm: true,
      nameEn: true,
      province: { select: { code: true, nameKm: true, nameEn: true } },
    },
  });
  if (!union) throw notFound();
  assertManagesUnion(actor, union.id);
  const [cooperatives, staff, invitations] = await Promise.all([
    prisma.organization.findMany({
      where: { unionId: union.id, kind: "COOPERATIVE" },
      select: {
        id: true,
        slug: true,
        nameKm: true,
        nameEn: true,
        registrationNumber: true,
        deactivatedAt: true,
        province: { select: { code: true, nameKm: true, nameEn: true } },
        district: { select: { code: true, nameKm: true, nameEn: true } },
      },
      orderBy: [{ provinceCode: "asc" }, { nameEn: "asc" }],
    }),
    prisma.membership.findMany({
      where: { organizationId: union.id },
      select: { id: true, role: true, user: { select: { name: true, email: true, phone: true } } },
      orderBy: { id: "asc" },
    }),
    actor.isAdmin ? listOpenInvitations(union.id) : [],
  ]);
  return { ...union, cooperatives, staff, invitations, canInviteStaff: actor.isAdmin };
}

/** A staff invitation link for the union (admins only). Returns the token; only its hash is kept. */
export async function inviteUnionStaff(unionId: number, actor: OnboardingActor) {
  assertAdmin(actor);
  const union = await prisma.organization.findFirst({
    where: { id: unionId, kind: "UNION" },
    select: { id: true, kind: true },
  });
  if (!union) throw notFound();
  return createInvitation(union, "MONITOR", { userId: actor.id, ipAddress: actor.ipAddress });
}

// ---------------------------------------------------------------------------------------------
// Cooperatives

export type CooperativeInput = {
  nameKm: string;
  nameEn: string;
  /** The province is the district's (its code's first two digits, checked against the table). */
  districtCode: string;
  /** Optional; must be one of the district's communes. */
  communeCode?: string | null;
  registrationNumber: string;
  registeredOn: IsoDate;
};

async function checkCooperativeInput(
  tx: Tx,
  input: CooperativeInput,
  now: Date,
  cooperativeId?: number,
) {
  const district = await tx.district.findUnique({
    where: { code: input.districtCode },
    select: { provinceCode: true },
  });
  if (!district)
    throw new OnboardingError("onboarding.cooperatives.unknownDistrict", "districtCode");
  if (input.communeCode && !(await isCommuneOfDistrict(tx, input.communeCode, input.districtCode)))
    throw new OnboardingError("onboarding.cooperatives.communeNotInDistrict", "communeCode");
  if (input.registeredOn > cambodiaToday(now))
    throw new OnboardingError("onboarding.cooperatives.registeredInFuture", "registeredOn");
  const sameNumber = await tx.organization.findFirst({
    where: {
      provinceCode: district.provinceCode,
      registrationNumber: input.registrationNumber,
      ...(cooperativeId ? { id: { not: cooperativeId } } : {}),
    },
    select: { id: true },
  });
  if (sameNumber) throw registrationTaken();
  return district.provinceCode;
}

// Two saves of the same number at once: the unique index decides (the other unique, the slug, is
// picked by reading the taken ones, and a clash there is as rare as two identical names at once).
function isRegistrationTaken(error: unknown) {
  const { code, meta } = error as { code?: string; meta?: unknown };
  return code === "P2002" && JSON.stringify(meta ?? {}).includes("registrationNumber");
}

const registrationTaken = () =>
  new OnboardingError("onboarding.cooperatives.registrationTaken", "registrationNumber");

/**
 * Creates a cooperative of the union, with the union's fee applying to its sales (its payment
 * profile names the union), all or nothing.
 */
export async function createCooperative(
  unionId: number,
  input: CooperativeInput,
  actor: OnboardingActor,
  now = new Date(),
) {
  assertManagesUnion(actor, unionId);
  try {
    return await prisma.$transaction(async (tx) => {
      const union = await tx.organization.findFirst({
        where: { id: unionId, kind: "UNION" },
        select: { id: true },
      });
      if (!union) throw notFound();
      const provinceCode = await checkCooperativeInput(tx, input, now);
      const cooperative = await tx.organization.create({
        data: {
          kind: "COOPERATIVE",
          slug: await uniqueSlug(tx, input.nameEn),
          nameKm: input.nameKm,
          nameEn: input.nameEn,
          provinceCode,
          districtCode: input.districtCode,
          communeCode: input.communeCode ?? null,
          registrationNumber: input.registrationNumber,
          registeredOn: dateColumn(input.registeredOn),
          unionId,
          paymentProfile: { create: { unionId } },
        },
        select: { id: true, slug: true },
      });
      await audit(tx, actor, {
        action: "cooperative.created",
        organizationId: cooperative.id,
        targetType: "Organization",
        targetId: cooperative.id,
        details: { ...input, unionId },
      });
      return cooperative;
    });
  } catch (error) {
    if (isRegistrationTaken(error)) throw registrationTaken();
    throw error;
  }
}

/** One cooperative of the union, for its staff's page (leads, open invitations, status). */
export async function getManagedCooperative(
  unionSlug: string,
  cooperativeSlug: string,
  actor: OnboardingActor,
) {
  const cooperative = await prisma.organization.findFirst({
    where: { slug: cooperativeSlug, kind: "COOPERATIVE", union: { slug: unionSlug } },
    select: {
      id: true,
      slug: true,
      nameKm: true,
      nameEn: true,
      districtCode: true,
      communeCode: true,
      registrationNumber: true,
      registeredOn: true,
      deactivatedAt: true,
      unionId: true,
      union: { select: { slug: true, nameKm: true, nameEn: true } },
      province: { select: { code: true, nameKm: true, nameEn: true } },
      district: { select: { code: true, nameKm: true, nameEn: true } },
    },
  });
  // Another union's cooperative is refused, not hidden: the public cooperative pages list them anyway.
  if (!cooperative) {
    const union = await prisma.organization.findFirst({
      where: { slug: unionSlug, kind: "UNION" },
      select: { id: true },
    });
    if (!union) throw notFound();
    assertManagesUnion(actor, union.id);
    throw notFound();
  }
  assertManagesUnion(actor, cooperative.unionId);
  const [leads, invitations, openListings] = await Promise.all([
    prisma.membership.findMany({
      where: { organizationId: cooperative.id, role: "LEAD" },
      select: { id: true, user: { select: { name: true, email: true, phone: true } } },
      orderBy: { id: "asc" },
    }),
    prisma.invitation.findMany({
      where: { organizationId: cooperative.id, acceptedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true, role: true, expiresAt: true, inviteeEmail: true, inviteePhone: true },
      orderBy: { id: "desc" },
    }),
    prisma.listing.count({ where: { cooperativeId: cooperative.id, status: { not: "CLOSED" } } }),
  ]);
  return { ...cooperative, leads, invitations, openListings };
}

/** Changes a cooperative's names, place or registration; records what changed. */
export async function updateCooperative(
  cooperativeId: number,
  input: CooperativeInput,
  actor: OnboardingActor,
  now = new Date(),
) {
  try {
    await prisma.$transaction(async (tx) => {
      const before = await tx.organization.findFirst({
        where: { id: cooperativeId, kind: "COOPERATIVE" },
        select: {
          unionId: true,
          nameKm: true,
          nameEn: true,
          districtCode: true,
          communeCode: true,
          registrationNumber: true,
          registeredOn: true,
        },
      });
      if (!before) throw notFound();
      assertManagesUnion(actor, before.unionId);
      const provinceCode = await checkCooperativeInput(tx, input, now, cooperativeId);
      await tx.organization.update({
        where: { id: cooperativeId },
        data: {
          ...input,
          communeCode: input.communeCode ?? null,
          provinceCode,
          registeredOn: dateColumn(input.registeredOn),
        },
        select: { id: true },
      });
      const previous: Record<keyof CooperativeInput, string | null | undefined> = {
        ...before,
        registeredOn: before.registeredOn?.toISOString().slice(0, 10) ?? null,
      };
      const changed = Object.fromEntries(
        (Object.keys(input) as (keyof CooperativeInput)[])
          .filter((key) => (previous[key] ?? null) !== (input[key] ?? null))
          .map((key) => [key, { from: previous[key], to: input[key] }]),
      );
      await audit(tx, actor, {
        action: "cooperative.updated",
        organizationId: cooperativeId,
        targetType: "Organization",
        targetId: cooperativeId,
        details: changed,
      });
      // The cooperative's names are part of its listings' search text.
      const listings = await tx.listing.findMany({
        where: { cooperativeId },
        select: { id: true },
      });
      await recordListingChange(
        tx,
        listings.map((l) => l.id),
      );
    });
  } catch (error) {
    if (isRegistrationTaken(error)) throw registrationTaken();
    throw error;
  }
}

/**
 * A single-use link that makes whoever accepts it the cooperative's lead. The email or phone it is
 * for is kept with it, so the union sees whom it invited (and notifications can send it later).
 */
export async function inviteCooperativeLead(
  cooperativeId: number,
  invitee: Identifier,
  actor: OnboardingActor,
) {
  const cooperative = await prisma.organization.findFirst({
    where: { id: cooperativeId, kind: "COOPERATIVE" },
    select: { id: true, kind: true, unionId: true, deactivatedAt: true },
  });
  if (!cooperative) throw notFound();
  assertManagesUnion(actor, cooperative.unionId);
  return createInvitation(
    cooperative,
    "LEAD",
    { userId: actor.id, ipAddress: actor.ipAddress },
    invitee,
  );
}

/** Locks the cooperative's row (and checks it may be managed), for deactivation and reactivation. */
async function lockCooperative(tx: Tx, cooperativeId: number, actor: OnboardingActor) {
  const [row] = await tx.$queryRaw<{ unionId: number | null; deactivatedAt: Date | null }[]>`
    SELECT "unionId", "deactivatedAt" FROM "Organization"
     WHERE "id" = ${cooperativeId} AND "kind" = 'COOPERATIVE' FOR UPDATE`;
  if (!row) throw notFound();
  assertManagesUnion(actor, row.unionId);
  return row;
}

/**
 * Deactivates a cooperative: every listing not yet closed is closed (search drops them, in
 * PostgreSQL at once and in Meilisearch through the outbox). Orders, payments, members and pledges
 * stay as they are: what it sold is still delivered, paid and settled. Creating a listing takes
 * the cooperative's row FOR SHARE (supply/listings.server.ts), so none slips in while this runs.
 */
export async function deactivateCooperative(
  cooperativeId: number,
  actor: OnboardingActor,
  now = new Date(),
) {
  return prisma.$transaction(async (tx) => {
    const row = await lockCooperative(tx, cooperativeId, actor);
    if (row.deactivatedAt) throw new OnboardingError("onboarding.cooperatives.alreadyDeactivated");
    const open = await tx.$queryRaw<{ id: number; status: string }[]>`
      SELECT "id", "status"::text AS "status" FROM "Listing"
       WHERE "cooperativeId" = ${cooperativeId} AND "status" <> 'CLOSED'
       ORDER BY "id" FOR UPDATE`;
    const ids = open.map((l) => l.id);
    if (ids.length)
      await tx.listing.updateMany({ where: { id: { in: ids } }, data: { status: "CLOSED" } });
    await tx.organization.update({
      where: { id: cooperativeId },
      data: { deactivatedAt: now },
      select: { id: true },
    });
    await audit(tx, actor, {
      action: "cooperative.deactivated",
      organizationId: cooperativeId,
      targetType: "Organization",
      targetId: cooperativeId,
      details: { closedListings: open },
    });
    await recordListingChange(tx, ids);
    return { closedListings: ids.length };
  });
}

/** Makes a deactivated cooperative active again; its closed listings stay closed (closing is final). */
export async function reactivateCooperative(cooperativeId: number, actor: OnboardingActor) {
  await prisma.$transaction(async (tx) => {
    const row = await lockCooperative(tx, cooperativeId, actor);
    if (!row.deactivatedAt) throw new OnboardingError("onboarding.cooperatives.notDeactivated");
    await tx.organization.update({
      where: { id: cooperativeId },
      data: { deactivatedAt: null },
      select: { id: true },
    });
    await audit(tx, actor, {
      action: "cooperative.reactivated",
      organizationId: cooperativeId,
      targetType: "Organization",
      targetId: cooperativeId,
      details: { deactivatedAt: row.deactivatedAt.toISOString() },
    });
  });
}

/** Every district, with its province, for the cooperative form's one select (no JavaScript needed). */
export async function districtChoices() {
  return prisma.province.findMany({
    select: {
      code: true,
      nameKm: true,
      nameEn: true,
      districts: {
        select: { code: true, nameKm: true, nameEn: true },
        orderBy: { nameEn: "asc" },
      },
    },
    orderBy: { nameEn: "asc" },
  });
}
