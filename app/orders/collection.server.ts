// What each member farmer brought to the collection point for an order line (#18). Records are
// only ever added: a correction is a newer record for the same line and member, and the newest one
// counts (docs/decisions/024-collection-allocation.md).
import { can, type Actor as PermissionActor } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { type SubOrderStatus } from "~/db/generated/enums";
import { OrderError } from "./orders.server";
import { MILLI, parseQuantityMilli } from "./quantities";

/** Collection happens between the buyer's order and packing. */
const collecting: SubOrderStatus[] = ["PLACED", "CONFIRMED", "ACCEPTED"];

export type CollectionActor = PermissionActor & { id: number };

export type CollectionEntry = { farmerId: number; quantityMilli: number; grade: string | null };

function assertCan(actor: CollectionActor, cooperativeId: number) {
  if (!can(actor, "fulfil:orders:own", cooperativeId)) throw new OrderError("orders.forbidden");
}

async function loadLine(lineId: number, cooperativeId: number) {
  const line = await prisma.orderLine.findFirst({
    where: { id: lineId, subOrder: { cooperativeId } },
    select: {
      id: true,
      quantity: true,
      windowId: true,
      subOrder: {
        select: { id: true, status: true, order: { select: { buyer: { select: names } } } },
      },
      listing: {
        select: { grade: true, product: { select: { nameKm: true, nameEn: true, unit: true } } },
      },
      window: {
        select: {
          deliveryDate: true,
          pledges: {
            orderBy: { farmerId: "asc" },
            select: {
              quantity: true,
              farmer: { select: { id: true, name: true, village: true, deactivatedAt: true } },
            },
          },
        },
      },
    },
  });
  if (!line) throw new OrderError("orders.notFound");
  return line;
}
const names = { nameKm: true, nameEn: true } as const;

/** The newest record per member among `records` (given newest first). */
function newest<T extends { farmerId: number }>(records: readonly T[]) {
  const byFarmer = new Map<number, T>();
  for (const r of records) if (!byFarmer.has(r.farmerId)) byFarmer.set(r.farmerId, r);
  return byFarmer;
}

/**
 * The collection sheet of one order line: one row per member who pledged its window, with what
 * they pledged, what was collected from them for this line (newest record) and for the whole
 * window, and the shortfall or the excess over the pledge (allowed, shown as a warning).
 */
export async function collectionSheet(
  lineId: number,
  cooperativeId: number,
  actor: CollectionActor,
) {
  assertCan(actor, cooperativeId);
  const line = await loadLine(lineId, cooperativeId);
  const records = await prisma.collection.findMany({
    where: { windowId: line.windowId },
    orderBy: { id: "desc" },
    select: {
      id: true,
      orderLineId: true,
      farmerId: true,
      quantityMilli: true,
      grade: true,
      recordedAt: true,
      recordedBy: { select: { name: true } },
    },
  });
  const onLine = newest(records.filter((r) => r.orderLineId === lineId));
  const onWindow = new Map<number, number>();
  const lineIds = new Set(records.map((r) => r.orderLineId));
  for (const id of lineIds)
    for (const r of newest(records.filter((x) => x.orderLineId === id)).values())
      onWindow.set(r.farmerId, (onWindow.get(r.farmerId) ?? 0) + r.quantityMilli);
  const rows = line.window.pledges.map((p) => {
    const pledgedMilli = p.quantity * MILLI;
    const collectedWindowMilli = onWindow.get(p.farmer.id) ?? 0;
    const current = onLine.get(p.farmer.id) ?? null;
    return {
      farmer: p.farmer,
      pledgedMilli,
      current,
      /** Corrections made for this line (older records), for the audit trail. */
      history: records.filter((r) => r.orderLineId === lineId && r.farmerId === p.farmer.id),
      collectedWindowMilli,
      shortfallMilli: Math.max(0, pledgedMilli - collectedWindowMilli),
      overMilli: Math.max(0, collectedWindowMilli - pledgedMilli),
    };
  });
  const collectedMilli = [...onLine.values()].reduce((sum, r) => sum + r.quantityMilli, 0);
  return {
    line,
    rows,
    collectedMilli,
    open: collecting.includes(line.subOrder.status),
  };
}

export type CollectionSheet = Awaited<ReturnType<typeof collectionSheet>>;

export class CollectionInputError extends Error {
  constructor(public readonly problems: Record<string, string>) {
    super("orders.collectionInput");
    this.name = "CollectionInputError";
  }
}

/**
 * Reads the collection form: `q-<farmerId>` (Khmer or Latin digits) and `g-<farmerId>` (grade, may
 * be blank) for each pledger. A blank quantity means "not weighed yet" and is skipped. Problems are
 * keyed by farmer id so the page shows them beside the row and keeps what was typed.
 */
export function readCollectionForm(
  formData: FormData,
  farmerIds: readonly number[],
  unit: Parameters<typeof parseQuantityMilli>[1],
) {
  const entries: CollectionEntry[] = [];
  const problems: Record<string, string> = {};
  for (const farmerId of farmerIds) {
    const text = formData.get(`q-${farmerId}`);
    const gradeText = formData.get(`g-${farmerId}`);
    if (typeof text !== "string" || text.trim() === "") continue;
    const quantityMilli = text.length > 20 ? null : parseQuantityMilli(text, unit);
    const grade = typeof gradeText === "string" ? gradeText.trim() : "";
    if (quantityMilli === null) problems[String(farmerId)] = "orders.quantityFormat";
    else if (grade.length > 20) problems[String(farmerId)] = "orders.gradeTooLong";
    else entries.push({ farmerId, quantityMilli, grade: grade || null });
  }
  return { entries, problems };
}

/**
 * Records what each member brought for order line `lineId`, as new records; an entry equal to the
 * member's newest record adds nothing (a resubmitted sheet is not a correction). Only members who
 * pledged the line's window, and only while the sub-order is not packed yet.
 */
export async function recordCollection(
  lineId: number,
  cooperativeId: number,
  entries: readonly CollectionEntry[],
  actor: CollectionActor,
) {
  assertCan(actor, cooperativeId);
  return prisma.$transaction(async (tx) => {
    // Under the sub-order's lock, so packing never reads a half-recorded sheet.
    const [locked] = await tx.$queryRaw<{ id: number; status: SubOrderStatus }[]>`
      SELECT s."id", s."status"::text AS "status" FROM "SubOrder" s
        JOIN "OrderLine" l ON l."subOrderId" = s."id"
       WHERE l."id" = ${lineId} AND s."cooperativeId" = ${cooperativeId}
         FOR UPDATE OF s`;
    if (!locked) throw new OrderError("orders.notFound");
    if (!collecting.includes(locked.status)) throw new OrderError("orders.collectionClosed");
    const line = await tx.orderLine.findUniqueOrThrow({
      where: { id: lineId },
      select: {
        windowId: true,
        window: { select: { pledges: { select: { farmerId: true } } } },
        listing: { select: { product: { select: { unit: true } } } },
      },
    });
    const pledgers = new Set(line.window.pledges.map((p) => p.farmerId));
    const problems: Record<string, string> = {};
    for (const e of entries) {
      if (!pledgers.has(e.farmerId)) problems[String(e.farmerId)] = "orders.notPledger";
      else if (!Number.isSafeInteger(e.quantityMilli) || e.quantityMilli < 0)
        problems[String(e.farmerId)] = "orders.quantityFormat";
      else if (line.listing.product.unit !== "KG" && e.quantityMilli % MILLI !== 0)
        problems[String(e.farmerId)] = "orders.packedNotWhole";
    }
    if (Object.keys(problems).length) throw new CollectionInputError(problems);
    const current = newest(
      await tx.collection.findMany({
        where: { orderLineId: lineId },
        orderBy: { id: "desc" },
        select: { farmerId: true, quantityMilli: true, grade: true },
      }),
    );
    const changed = entries.filter((e) => {
      const now = current.get(e.farmerId);
      return !now || now.quantityMilli !== e.quantityMilli || now.grade !== e.grade;
    });
    await tx.collection.createMany({
      data: changed.map((e) => ({
        windowId: line.windowId,
        orderLineId: lineId,
        farmerId: e.farmerId,
        quantityMilli: e.quantityMilli,
        grade: e.grade,
        recordedById: actor.id,
      })),
    });
    return { recorded: changed.length };
  });
}

/** What was collected for each of `lineIds` (newest record per member, summed); absent = none. */
export async function collectedByLine(lineIds: readonly number[]) {
  const records = await prisma.collection.findMany({
    where: { orderLineId: { in: [...lineIds] } },
    orderBy: { id: "desc" },
    select: { orderLineId: true, farmerId: true, quantityMilli: true },
  });
  const totals = new Map<number, number>();
  for (const id of lineIds) {
    const mine = newest(records.filter((r) => r.orderLineId === id));
    if (mine.size > 0)
      totals.set(
        id,
        [...mine.values()].reduce((sum, r) => sum + r.quantityMilli, 0),
      );
  }
  return totals;
}

/**
 * The packed quantity proposed for each line: what was collected for it, or what was ordered when
 * nothing was. Only a proposal: packing checks it with the usual tolerance rules.
 */
export async function proposedPacking(lines: readonly { id: number; quantity: number }[]) {
  const collected = await collectedByLine(lines.map((l) => l.id));
  return Object.fromEntries(
    lines.map((l) => {
      const milli = collected.get(l.id);
      return [
        l.id,
        milli === undefined
          ? { milli: l.quantity * MILLI, fromCollection: false }
          : { milli, fromCollection: true },
      ];
    }),
  );
}
