import { prisma } from "~/db/db.server";
import { type SubOrderStatus } from "~/db/generated/enums";
import { dateColumn, type IsoDate } from "~/calendar/dates";
import { shareByPledges } from "./pick-list";

const name = { select: { nameKm: true, nameEn: true } } as const;

/** A buyer or cooperative as the order pages and the delivery note show it. */
const party = {
  select: {
    id: true,
    slug: true,
    nameKm: true,
    nameEn: true,
    phone: true,
    province: name,
    district: name,
  },
} as const;

const lineSelect = {
  id: true,
  quantity: true,
  unitPriceMinor: true,
  amountMinor: true,
  packedQuantityMilli: true,
  deliveredQuantityMilli: true,
  finalAmountMinor: true,
  window: { select: { deliveryDate: true, cutoffAt: true } },
  listing: {
    select: {
      id: true,
      grade: true,
      product: { select: { nameKm: true, nameEn: true, unit: true } },
    },
  },
} as const;

const subOrderDetail = {
  id: true,
  status: true,
  deliveryDate: true,
  totalMinor: true,
  finalTotalMinor: true,
  createdAt: true,
  cooperative: party,
  lines: { select: lineSelect, orderBy: { id: "asc" } },
  transitions: {
    select: { from: true, to: true, reason: true, at: true, actor: { select: { name: true } } },
    orderBy: { id: "asc" },
  },
} as const;

const orderHeader = {
  id: true,
  currency: true,
  totalMinor: true,
  paymentMethod: true,
  paymentDueAt: true,
  weightTolerancePct: true,
  standingOrderId: true,
  standingWeek: true,
  createdAt: true,
  placedBy: { select: { name: true } },
  buyer: party,
} as const;

/** The earliest order cutoff of a sub-order's lines: the buyer may cancel until then. */
export function cutoffOf(lines: { window: { cutoffAt: Date } }[]) {
  return new Date(Math.min(...lines.map((l) => l.window.cutoffAt.getTime())));
}

export function listBuyerOrders(buyerId: number, { take = 50 } = {}) {
  return prisma.order.findMany({
    where: { buyerId },
    select: {
      id: true,
      currency: true,
      totalMinor: true,
      paymentMethod: true,
      createdAt: true,
      standingOrderId: true,
      subOrders: {
        select: {
          id: true,
          status: true,
          deliveryDate: true,
          totalMinor: true,
          finalTotalMinor: true,
          cooperative: name,
        },
        orderBy: [{ deliveryDate: "asc" }, { id: "asc" }],
      },
    },
    orderBy: { createdAt: "desc" },
    take,
  });
}

export function getBuyerOrder(orderId: number, buyerId: number) {
  return prisma.order.findFirst({
    where: { id: orderId, buyerId },
    select: {
      ...orderHeader,
      subOrders: { select: subOrderDetail, orderBy: [{ deliveryDate: "asc" }, { id: "asc" }] },
    },
  });
}

export function listCooperativeSubOrders(
  cooperativeId: number,
  statuses: SubOrderStatus[] | undefined,
  { take = 100 } = {},
) {
  return prisma.subOrder.findMany({
    where: { cooperativeId, status: statuses ? { in: statuses } : undefined },
    select: {
      id: true,
      status: true,
      deliveryDate: true,
      totalMinor: true,
      finalTotalMinor: true,
      createdAt: true,
      order: { select: { id: true, currency: true, paymentMethod: true, buyer: name } },
      _count: { select: { lines: true } },
    },
    orderBy: [{ deliveryDate: "asc" }, { id: "asc" }],
    take,
  });
}

/** A sub-order as its cooperative sees it (also the delivery note). */
export function getCooperativeSubOrder(subOrderId: number, cooperativeId: number) {
  return prisma.subOrder.findFirst({
    where: { id: subOrderId, cooperativeId },
    select: { ...subOrderDetail, order: { select: orderHeader } },
  });
}

/** Statuses whose goods a cooperative must prepare for the delivery date. */
const toPrepare: SubOrderStatus[] = ["CONFIRMED", "ACCEPTED", "PACKED"];

/**
 * The pick list for one delivery date: per product, what was ordered and for whom; per member
 * farmer, what to bring, shared from each window's orders in proportion to the pledges.
 */
export async function pickList(cooperativeId: number, date: IsoDate) {
  const windows = await prisma.deliveryWindow.findMany({
    where: { deliveryDate: dateColumn(date), listing: { cooperativeId } },
    select: {
      id: true,
      listing: {
        select: {
          id: true,
          grade: true,
          product: { select: { nameKm: true, nameEn: true, unit: true } },
        },
      },
      pledges: {
        select: { quantity: true, farmer: { select: { id: true, name: true, village: true } } },
        orderBy: { farmerId: "asc" },
      },
      orderLines: {
        where: { subOrder: { status: { in: toPrepare } } },
        select: {
          id: true,
          quantity: true,
          subOrder: { select: { id: true, status: true, order: { select: { buyer: name } } } },
        },
      },
    },
    orderBy: { id: "asc" },
  });
  const products = windows
    .map((w) => ({
      windowId: w.id,
      listing: w.listing,
      ordered: w.orderLines.reduce((sum, l) => sum + l.quantity, 0),
      buyers: w.orderLines.map((l) => ({
        subOrderId: l.subOrder.id,
        lineId: l.id,
        status: l.subOrder.status,
        buyer: l.subOrder.order.buyer,
        quantity: l.quantity,
      })),
    }))
    .filter((p) => p.ordered > 0);

  const farmers = new Map<
    number,
    {
      farmer: { id: number; name: string; village: string };
      items: { listing: (typeof windows)[number]["listing"]; quantity: number }[];
    }
  >();
  for (const window of windows) {
    const ordered = window.orderLines.reduce((sum, l) => sum + l.quantity, 0);
    if (ordered === 0) continue;
    const shares = shareByPledges(
      ordered,
      window.pledges.map((p) => ({ farmerId: p.farmer.id, pledged: p.quantity })),
    );
    for (const share of shares) {
      if (share.quantity === 0) continue;
      const farmer = window.pledges.find((p) => p.farmer.id === share.farmerId)!.farmer;
      const entry = farmers.get(farmer.id) ?? { farmer, items: [] };
      entry.items.push({ listing: window.listing, quantity: share.quantity });
      farmers.set(farmer.id, entry);
    }
  }
  return {
    products,
    farmers: [...farmers.values()].sort(
      (a, b) =>
        a.farmer.village.localeCompare(b.farmer.village) ||
        a.farmer.name.localeCompare(b.farmer.name),
    ),
  };
}

/** Delivery dates with something to prepare, soonest first (for the pick list's date picker). */
export async function deliveryDatesToPrepare(cooperativeId: number) {
  const rows = await prisma.subOrder.groupBy({
    by: ["deliveryDate"],
    where: { cooperativeId, status: { in: toPrepare } },
    orderBy: { deliveryDate: "asc" },
    _count: { _all: true },
  });
  return rows.map((r) => ({ deliveryDate: r.deliveryDate, subOrders: r._count._all }));
}

