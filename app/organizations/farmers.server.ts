// A cooperative's member farmers and self-help groups: the register its lead and clerks keep.
// Every function checks its own permission, so the rule holds for any caller (route, job, import).
import { prisma } from "~/db/db.server";
import { Prisma } from "~/db/generated/client";
import { recordAudit } from "~/audit/audit.server";
import { communeChoiceSelect } from "./places.server";
import { can, type Actor, type Permission } from "~/auth/permissions";
import { cambodiaToday } from "~/calendar/dates";
import {
  FARMER_PAGE_SIZE,
  farmerSearchQuery,
  farmerSearchText,
  parseFarmerFields,
  parseName,
  type FarmerErrorKey,
  type FarmerFields,
} from "./farmer-rules";
import { DomainError } from "~/validation/errors";

export type FarmerActor = Actor & { id: number; ipAddress?: string };

export class FarmerError extends DomainError {
  constructor(
    public readonly key:
      | FarmerErrorKey
      | "farmers.errors.forbidden"
      | "farmers.errors.notFound"
      | "farmers.errors.groupNotFound"
      | "farmers.errors.groupExists"
      | "farmers.errors.groupSame",
    public readonly fields: Partial<Record<string, FarmerErrorKey>> = {},
  ) {
    super(key);
    this.name = "FarmerError";
  }
}

function assertCan(actor: FarmerActor, permission: Permission, cooperativeId: number) {
  if (!can(actor, permission, cooperativeId)) throw new FarmerError("farmers.errors.forbidden");
}

const farmerSelect = {
  id: true,
  name: true,
  nameLatin: true,
  gender: true,
  birthYear: true,
  phone: true,
  village: true,
  villageCode: true,
  communeCode: true,
  joinedOn: true,
  nationalId: true,
  memberNumber: true,
  deactivatedAt: true,
  selfHelpGroup: { select: { id: true, name: true } },
  commune: {
    select: {
      code: true,
      nameKm: true,
      nameEn: true,
      district: { select: { code: true, nameKm: true, nameEn: true } },
    },
  },
  villageRef: { select: { code: true, nameKm: true, nameEn: true } },
} as const;

export type FarmerListFilter = {
  query?: string;
  page?: number;
  selfHelpGroupId?: number;
  status?: "active" | "inactive" | "all";
};

/** One page of members, searched in Khmer or Latin (name, member number, phone), by name. */
export async function listFarmers(
  cooperativeId: number,
  actor: FarmerActor,
  { query = "", page = 1, selfHelpGroupId, status = "active" }: FarmerListFilter = {},
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const search = farmerSearchQuery(query);
  const where: Prisma.FarmerWhereInput = {
    cooperativeId,
    ...(search ? { searchText: { contains: search } } : {}),
    ...(selfHelpGroupId ? { selfHelpGroupId } : {}),
    ...(status === "active" ? { deactivatedAt: null } : {}),
    ...(status === "inactive" ? { deactivatedAt: { not: null } } : {}),
  };
  const total = await prisma.farmer.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / FARMER_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const farmers = await prisma.farmer.findMany({
    where,
    select: farmerSelect,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    skip: (current - 1) * FARMER_PAGE_SIZE,
    take: FARMER_PAGE_SIZE,
  });
  return { farmers, total, page: current, pageCount };
}

export async function getFarmer(cooperativeId: number, farmerId: number, actor: FarmerActor) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const farmer = await prisma.farmer.findFirst({
    where: { id: farmerId, cooperativeId },
    select: farmerSelect,
  });
  if (!farmer) throw new FarmerError("farmers.errors.notFound");
  return farmer;
}

/** The villages a member of a cooperative in this province may live in, by district and commune. */
export async function villageChoices(provinceCode: string) {
  const communes = await prisma.commune.findMany({
    where: { district: { provinceCode } },
    select: {
      ...communeChoiceSelect,
      villages: {
        select: { code: true, nameKm: true, nameEn: true },
        orderBy: { code: "asc" },
      },
    },
    orderBy: { code: "asc" },
  });
  return communes;
}

export type FarmerFormInput = FarmerFields & { villageCode: string; selfHelpGroupId: string };

type Resolved = {
  data: {
    name: string;
    nameLatin: string;
    gender: "FEMALE" | "MALE" | "UNDISCLOSED";
    birthYear: number;
    phone: string | null;
    nationalId: string | null;
    joinedOn: Date | null;
    memberNumber: string | null;
    village: string;
    villageCode: string;
    communeCode: string;
    selfHelpGroupId: number | null;
    searchText: string;
  };
};

/** Checks a form's fields and the village and group it names (in the cooperative's province). */
async function resolveForm(
  cooperative: { id: number; provinceCode: string },
  input: FarmerFormInput,
  now: Date,
): Promise<Resolved> {
  const today = cambodiaToday(now);
  const parsed = parseFarmerFields(input, {
    year: Number(today.slice(0, 4)),
    today,
    memberNumberRequired: false,
  });
  const fieldErrors: Partial<Record<string, FarmerErrorKey>> = parsed.ok ? {} : parsed.errors;
  const village = /^\d{8}$/.test(input.villageCode)
    ? await prisma.village.findFirst({
        where: {
          code: input.villageCode,
          commune: { district: { provinceCode: cooperative.provinceCode } },
        },
        select: { code: true, nameKm: true, communeCode: true },
      })
    : null;
  if (!village) fieldErrors.villageCode = "farmers.errors.village";
  let selfHelpGroupId: number | null = null;
  if (input.selfHelpGroupId) {
    const group = await prisma.selfHelpGroup.findFirst({
      where: { id: Number(input.selfHelpGroupId) || -1, cooperativeId: cooperative.id },
      select: { id: true },
    });
    if (!group) throw new FarmerError("farmers.errors.groupNotFound");
    selfHelpGroupId = group.id;
  }
  if (!parsed.ok || !village) throw new FarmerError(Object.values(fieldErrors)[0]!, fieldErrors);
  const value = parsed.value;
  return {
    data: {
      ...value,
      joinedOn: value.joinedOn ? new Date(`${value.joinedOn}T00:00:00Z`) : null,
      village: village.nameKm,
      villageCode: village.code,
      communeCode: village.communeCode,
      selfHelpGroupId,
      searchText: farmerSearchText(value),
    },
  };
}

async function cooperativeOf(cooperativeId: number) {
  const cooperative = await prisma.organization.findFirst({
    where: { id: cooperativeId, kind: "COOPERATIVE" },
    select: { id: true, provinceCode: true },
  });
  if (!cooperative) throw new FarmerError("farmers.errors.notFound");
  return cooperative;
}

function sameValue(a: unknown, b: unknown) {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

function isMemberNumberClash(error: unknown) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createFarmer(
  cooperativeId: number,
  input: FarmerFormInput,
  actor: FarmerActor,
  now = new Date(),
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const { data } = await resolveForm(await cooperativeOf(cooperativeId), input, now);
  try {
    return await prisma.$transaction(async (tx) => {
      const farmer = await tx.farmer.create({
        data: { ...data, cooperativeId },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "farmer.created",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "Farmer",
          targetId: farmer.id,
          details: { memberNumber: data.memberNumber },
          ipAddress: actor.ipAddress,
        },
        tx,
      );
      return farmer.id;
    });
  } catch (error) {
    if (isMemberNumberClash(error))
      throw new FarmerError("farmers.errors.memberNumberTaken", {
        memberNumber: "farmers.errors.memberNumberTaken",
      });
    throw error;
  }
}

export async function updateFarmer(
  cooperativeId: number,
  farmerId: number,
  input: FarmerFormInput,
  actor: FarmerActor,
  now = new Date(),
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const { data } = await resolveForm(await cooperativeOf(cooperativeId), input, now);
  try {
    await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Farmer" WHERE "id" = ${farmerId} FOR UPDATE`;
      const before = await tx.farmer.findFirst({
        where: { id: farmerId, cooperativeId },
        select: Object.fromEntries(Object.keys(data).map((key) => [key, true])),
      });
      if (!before) throw new FarmerError("farmers.errors.notFound");
      const changed = Object.keys(data).filter(
        (key) =>
          key !== "searchText" &&
          !sameValue(before[key as keyof typeof before], data[key as keyof typeof data]),
      );
      await tx.farmer.update({ where: { id: farmerId }, data, select: { id: true } });
      await recordAudit(
        {
          action: "farmer.updated",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "Farmer",
          targetId: farmerId,
          details: { changed },
          ipAddress: actor.ipAddress,
        },
        tx,
      );
    });
  } catch (error) {
    if (isMemberNumberClash(error))
      throw new FarmerError("farmers.errors.memberNumberTaken", {
        memberNumber: "farmers.errors.memberNumberTaken",
      });
    throw error;
  }
}

/**
 * Deactivates (or reactivates) a member. Only the lead may: a clerk records members but does not
 * remove them. Nothing is deleted, so pledges, allocations and credits keep pointing at the member.
 */
export async function setFarmerActive(
  cooperativeId: number,
  farmerId: number,
  active: boolean,
  actor: FarmerActor,
  now = new Date(),
) {
  assertCan(actor, "manage:farmers:own", cooperativeId);
  await prisma.$transaction(async (tx) => {
    const updated = await tx.farmer.updateMany({
      where: {
        id: farmerId,
        cooperativeId,
        deactivatedAt: active ? { not: null } : null,
      },
      data: { deactivatedAt: active ? null : now },
    });
    if (updated.count === 0) {
      const exists = await tx.farmer.count({ where: { id: farmerId, cooperativeId } });
      if (!exists) throw new FarmerError("farmers.errors.notFound");
      return; // already in that state: nothing to record
    }
    await recordAudit(
      {
        action: active ? "farmer.reactivated" : "farmer.deactivated",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "Farmer",
        targetId: farmerId,
        ipAddress: actor.ipAddress,
      },
      tx,
    );
  });
}

/** Self-help groups with their active members counted. */
export async function listSelfHelpGroups(cooperativeId: number, actor: FarmerActor) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const groups = await prisma.selfHelpGroup.findMany({
    where: { cooperativeId },
    select: {
      id: true,
      name: true,
      _count: { select: { farmers: { where: { deactivatedAt: null } } } },
    },
    orderBy: { name: "asc" },
  });
  return groups.map((g) => ({ id: g.id, name: g.name, members: g._count.farmers }));
}

function groupName(value: string) {
  const name = parseName(value);
  if (!name.ok) throw new FarmerError(name.error, { name: name.error });
  return name.value;
}

export async function createSelfHelpGroup(
  cooperativeId: number,
  nameInput: string,
  actor: FarmerActor,
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const name = groupName(nameInput);
  try {
    return await prisma.$transaction(async (tx) => {
      const group = await tx.selfHelpGroup.create({
        data: { cooperativeId, name },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "self_help_group.created",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "SelfHelpGroup",
          targetId: group.id,
          details: { name },
          ipAddress: actor.ipAddress,
        },
        tx,
      );
      return group.id;
    });
  } catch (error) {
    if (isMemberNumberClash(error)) throw new FarmerError("farmers.errors.groupExists");
    throw error;
  }
}

export async function renameSelfHelpGroup(
  cooperativeId: number,
  groupId: number,
  nameInput: string,
  actor: FarmerActor,
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const name = groupName(nameInput);
  try {
    await prisma.$transaction(async (tx) => {
      const group = await tx.selfHelpGroup.findFirst({
        where: { id: groupId, cooperativeId },
        select: { name: true },
      });
      if (!group) throw new FarmerError("farmers.errors.groupNotFound");
      await tx.selfHelpGroup.update({
        where: { id: groupId },
        data: { name },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "self_help_group.renamed",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "SelfHelpGroup",
          targetId: groupId,
          details: { from: group.name, to: name },
          ipAddress: actor.ipAddress,
        },
        tx,
      );
    });
  } catch (error) {
    if (isMemberNumberClash(error)) throw new FarmerError("farmers.errors.groupExists");
    throw error;
  }
}

/** Moves every member of one group into another and removes the emptied group (the lead only). */
export async function mergeSelfHelpGroups(
  cooperativeId: number,
  fromId: number,
  intoId: number,
  actor: FarmerActor,
) {
  assertCan(actor, "manage:farmers:own", cooperativeId);
  if (fromId === intoId) throw new FarmerError("farmers.errors.groupSame");
  return prisma.$transaction(async (tx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock or lose members.
    const groups = await tx.$queryRaw<{ id: number; name: string }[]>`
      SELECT "id", "name" FROM "SelfHelpGroup"
      WHERE "cooperativeId" = ${cooperativeId} AND "id" IN (${fromId}, ${intoId})
      ORDER BY "id" FOR UPDATE`;
    if (groups.length !== 2) throw new FarmerError("farmers.errors.groupNotFound");
    const moved = await tx.farmer.updateMany({
      where: { cooperativeId, selfHelpGroupId: fromId },
      data: { selfHelpGroupId: intoId },
    });
    await tx.selfHelpGroup.delete({ where: { id: fromId }, select: { id: true } });
    await recordAudit(
      {
        action: "self_help_group.merged",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "SelfHelpGroup",
        targetId: intoId,
        details: {
          from: groups.find((g) => g.id === fromId)!.name,
          into: groups.find((g) => g.id === intoId)!.name,
          moved: moved.count,
        },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    return moved.count;
  });
}
