// Data builders for tests: insert through Prisma exactly what a test needs, on top of the demo data.
import { prisma } from "~/db/db.server";
import { randomUUID } from "node:crypto";
import { type CommandActor } from "~/auth/permissions";
import { type MembershipRole, type Unit } from "~/db/generated/enums";
import {
  addDays,
  cambodiaInstant,
  cambodiaToday,
  dateColumn,
  type IsoDate,
} from "~/calendar/dates";

export async function userByEmail(email: string) {
  return prisma.user.findUniqueOrThrow({
    where: { email },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
}

/** A seeded user as the domain's commands take it (`requireUser`'s shape: permissions and id). */
export async function actorByEmail(email: string) {
  return prisma.user.findUniqueOrThrow({
    where: { email },
    select: {
      id: true,
      isAdmin: true,
      memberships: { select: { organizationId: true, role: true } },
    },
  });
}

/** A new user with exactly these memberships, as the domain's commands take it. */
export async function buildActor(
  memberships: { organizationId: number; role: MembershipRole }[],
  isAdmin = false,
): Promise<CommandActor> {
  const user = await prisma.user.create({
    data: {
      name: "Test person",
      email: `person-${randomUUID()}@builders.test`,
      isAdmin,
      memberships: { create: memberships },
    },
    select: { id: true },
  });
  return { id: user.id, isAdmin, memberships, ipAddress: "192.0.2.200" };
}

/**
 * A published listing of the cooperative with one delivery window `days` from today (cutoff the day
 * before at 17:00), pledged by the cooperative's first farmers as given.
 */
export async function buildWindow({
  cooperativeId,
  unit = "KG",
  priceMinor = 2_000,
  pledges = [50],
  minOrderQuantity = 1,
  days = 5,
  deliveryDate,
}: {
  cooperativeId: number;
  unit?: Unit;
  priceMinor?: number;
  pledges?: number[];
  minOrderQuantity?: number;
  days?: number;
  deliveryDate?: IsoDate;
}) {
  const product = await prisma.product.findFirstOrThrow({
    where: { unit },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const farmers = await prisma.farmer.findMany({
    where: { cooperativeId },
    select: { id: true },
    orderBy: { id: "asc" },
    take: pledges.length,
  });
  const date = deliveryDate ?? addDays(cambodiaToday(new Date()), days);
  const listing = await prisma.listing.create({
    data: {
      cooperativeId,
      productId: product.id,
      grade: "A",
      priceMinor,
      currency: "KHR",
      minOrderQuantity,
      status: "PUBLISHED",
    },
    select: { id: true },
  });
  const window = await prisma.deliveryWindow.create({
    data: {
      listingId: listing.id,
      deliveryDate: dateColumn(date),
      cutoffAt: cambodiaInstant(addDays(date, -1), "17:00"),
      capacity: pledges.reduce((sum, q) => sum + q, 0),
      pledges: { create: pledges.map((quantity, i) => ({ farmerId: farmers[i]!.id, quantity })) },
    },
    select: { id: true, cutoffAt: true, deliveryDate: true },
  });
  return { ...window, listingId: listing.id, farmerIds: farmers.map((f) => f.id) };
}

export async function cooperativeIds() {
  const rows = await prisma.organization.findMany({
    where: { kind: "COOPERATIVE" },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.id);
}
