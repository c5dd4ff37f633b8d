// A small, hand-built history for the monitoring tests: two cooperatives, two products, three ISO
// weeks of March 2026 (W10, an empty W11, W12). Every expected figure in
// app/monitoring/stats.server.test.ts is worked out by hand from the comments here.
import { prisma } from "~/db/db.server";
import { type Currency, type SubOrderStatus } from "~/db/generated/enums";
import { dateColumn, type IsoDate } from "~/calendar/dates";

type Line = {
  listing: "aKale" | "aChicken" | "bKale";
  quantity: number;
  price: number;
  deliveredMilli?: number;
};
type Sub = {
  coop: "A" | "B";
  date: IsoDate;
  status: SubOrderStatus;
  currency?: Currency;
  lines: Line[];
  /** Statuses reached in order, and when DELIVERED happened (UTC). */
  path: SubOrderStatus[];
  deliveredAt?: string;
  allocations?: { farmer: "F1" | "F2" | "F3" | "F4" | "F5"; share: number }[];
};

/**
 * Coop A (Kandal, 08): farmers F1 woman b.1995 (young), F2 man b.1980, F3 woman b.1970, F4 man
 * b.1991 (35 in 2026: not young), F5 woman b.1992 (young). Coop B (Kampong Cham, 03), no farmers used.
 */
export const monitoringHistory: Sub[] = [
  // W10 (2026-03-02 … 03-08)
  {
    coop: "A",
    date: "2026-03-03",
    status: "SETTLED",
    lines: [
      { listing: "aKale", quantity: 10, price: 2000, deliveredMilli: 9500 },
      { listing: "aChicken", quantity: 5, price: 20000, deliveredMilli: 5000 },
    ],
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED", "SETTLED"],
    deliveredAt: "2026-03-03T10:00:00Z", // 17:00 in Phnom Penh, on the day: on time
    allocations: [
      { farmer: "F1", share: 50000 },
      { farmer: "F2", share: 30000 },
      { farmer: "F3", share: 20000 },
      { farmer: "F4", share: 10000 },
      { farmer: "F5", share: 5000 },
    ],
  },
  {
    coop: "A",
    date: "2026-03-05",
    status: "DELIVERED",
    lines: [{ listing: "aKale", quantity: 20, price: 1800, deliveredMilli: 20000 }],
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"],
    deliveredAt: "2026-03-05T18:00:00Z", // 01:00 on the 6th in Phnom Penh: late (on time in UTC)
  },
  {
    coop: "B",
    date: "2026-03-04",
    status: "DELIVERED",
    lines: [{ listing: "bKale", quantity: 10, price: 2500, deliveredMilli: 10000 }],
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"],
    deliveredAt: "2026-03-03T20:00:00Z",
  },
  {
    coop: "B",
    date: "2026-03-06",
    status: "DELIVERED",
    lines: [{ listing: "bKale", quantity: 10, price: 3100, deliveredMilli: 8000 }],
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"],
    deliveredAt: "2026-03-06T01:00:00Z",
  },
  // W11: nothing. W12 (2026-03-16 … 03-22)
  {
    coop: "A",
    date: "2026-03-17",
    status: "REJECTED",
    lines: [{ listing: "aKale", quantity: 15, price: 2000 }],
    path: ["CONFIRMED", "REJECTED"],
  },
  {
    coop: "A",
    date: "2026-03-18",
    status: "CANCELLED",
    lines: [{ listing: "aChicken", quantity: 4, price: 20000 }],
    path: ["CONFIRMED", "ACCEPTED", "CANCELLED"],
  },
  {
    coop: "B",
    date: "2026-03-19",
    status: "ACCEPTED",
    lines: [{ listing: "bKale", quantity: 6, price: 3000 }],
    path: ["CONFIRMED", "ACCEPTED"],
  },
  {
    coop: "A",
    date: "2026-03-20",
    status: "SETTLED",
    currency: "USD",
    lines: [{ listing: "aKale", quantity: 10, price: 50, deliveredMilli: 10000 }], // 50 cents = 2050 riel
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED", "SETTLED"],
    deliveredAt: "2026-03-21T02:00:00Z", // late
    allocations: [
      { farmer: "F1", share: 300 }, // 12300 riel
      { farmer: "F2", share: 200 }, // 8200 riel
    ],
  },
  // Outside the range (February): must not count.
  {
    coop: "B",
    date: "2026-02-20",
    status: "DELIVERED",
    lines: [{ listing: "bKale", quantity: 100, price: 1000, deliveredMilli: 100000 }],
    path: ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"],
    deliveredAt: "2026-02-20T01:00:00Z",
  },
];

export async function buildMonitoringHistory() {
  const kale = await prisma.product.create({
    data: {
      slug: "m-kale",
      category: "VEGETABLE",
      nameKm: "ខាត់ណា",
      nameEn: "Kale",
      unit: "KG",
      referencePriceKhr: 4000,
    },
    select: { id: true },
  });
  const chicken = await prisma.product.create({
    data: {
      slug: "m-chicken",
      category: "POULTRY",
      nameKm: "មាន់",
      nameEn: "Chicken",
      unit: "HEAD",
    },
    select: { id: true },
  });
  const org = (slug: string, kind: "COOPERATIVE" | "BUYER", provinceCode: string, nameEn: string) =>
    prisma.organization.create({
      data: { slug, kind, provinceCode, nameEn, nameKm: `${nameEn} ខ្មែរ` },
      select: { id: true },
    });
  const coopA = await org("m-coop-a", "COOPERATIVE", "08", "Coop A");
  const coopB = await org("m-coop-b", "COOPERATIVE", "03", "Coop B");
  const buyer = await org("m-buyer", "BUYER", "12", "Buyer");
  const user = await prisma.user.create({
    data: { name: "Buyer", email: "m-buyer@phsar.test" },
    select: { id: true },
  });
  const farmers: Record<string, number> = {};
  for (const [name, gender, birthYear] of [
    ["F1", "FEMALE", 1995],
    ["F2", "MALE", 1980],
    ["F3", "FEMALE", 1970],
    ["F4", "MALE", 1991],
    ["F5", "FEMALE", 1992],
  ] as const) {
    farmers[name] = (
      await prisma.farmer.create({
        data: { cooperativeId: coopA.id, name, gender, birthYear, village: "Prek" },
        select: { id: true },
      })
    ).id;
  }
  const listing = async (cooperativeId: number, productId: number, priceMinor: number) =>
    (
      await prisma.listing.create({
        data: {
          cooperativeId,
          productId,
          grade: "A",
          priceMinor,
          currency: "KHR",
          status: "PUBLISHED",
        },
        select: { id: true },
      })
    ).id;
  const listings = {
    aKale: await listing(coopA.id, kale.id, 2100),
    aChicken: await listing(coopA.id, chicken.id, 20000),
    bKale: await listing(coopB.id, kale.id, 3000),
  };
  // Posted prices: A's kale was 2000 until 01:00 on 9 March in Phnom Penh (after W10 ended), then 2100.
  await prisma.priceChange.createMany({
    data: [
      {
        listingId: listings.aKale,
        priceMinor: 2000,
        currency: "KHR",
        changedAt: new Date("2026-02-01T00:00:00Z"),
      },
      {
        listingId: listings.aKale,
        priceMinor: 2100,
        currency: "KHR",
        changedAt: new Date("2026-03-08T18:00:00Z"),
      },
      {
        listingId: listings.aChicken,
        priceMinor: 20000,
        currency: "KHR",
        changedAt: new Date("2026-02-01T00:00:00Z"),
      },
      {
        listingId: listings.bKale,
        priceMinor: 3000,
        currency: "KHR",
        changedAt: new Date("2026-02-01T00:00:00Z"),
      },
    ],
  });
  // Official market prices of kale: W10 national 3000 and 3200 (mean 3100), Kandal 2600; W12 national 2500.
  await prisma.marketPrice.createMany({
    data: [
      { date: dateColumn("2026-03-03"), productId: kale.id, priceKhr: 3000 },
      { date: dateColumn("2026-03-04"), productId: kale.id, priceKhr: 3200 },
      { date: dateColumn("2026-03-05"), productId: kale.id, provinceCode: "08", priceKhr: 2600 },
      { date: dateColumn("2026-03-18"), productId: kale.id, priceKhr: 2500 },
    ],
  });

  const windows = new Map<string, number>();
  for (const [i, sub] of monitoringHistory.entries()) {
    const cooperativeId = sub.coop === "A" ? coopA.id : coopB.id;
    const currency = sub.currency ?? "KHR";
    const total = sub.lines.reduce((s, l) => s + l.quantity * l.price, 0);
    const order = await prisma.order.create({
      data: {
        buyerId: buyer.id,
        placedById: user.id,
        currency,
        totalMinor: total,
        idempotencyKey: `m-${i}`,
      },
      select: { id: true },
    });
    const subOrder = await prisma.subOrder.create({
      data: {
        orderId: order.id,
        cooperativeId,
        deliveryDate: dateColumn(sub.date),
        status: sub.status,
        totalMinor: total,
      },
      select: { id: true },
    });
    for (const line of sub.lines) {
      const listingId = listings[line.listing];
      const key = `${listingId}:${sub.date}`;
      if (!windows.has(key)) {
        const w = await prisma.deliveryWindow.create({
          data: {
            listingId,
            deliveryDate: dateColumn(sub.date),
            cutoffAt: new Date(`${sub.date}T00:00:00Z`),
            capacity: 1000,
          },
          select: { id: true },
        });
        windows.set(key, w.id);
      }
      await prisma.orderLine.create({
        data: {
          subOrderId: subOrder.id,
          windowId: windows.get(key)!,
          listingId,
          quantity: line.quantity,
          unitPriceMinor: line.price,
          amountMinor: line.quantity * line.price,
          deliveredQuantityMilli: line.deliveredMilli ?? null,
        },
      });
    }
    let from: SubOrderStatus = "PLACED";
    for (const to of sub.path) {
      await prisma.subOrderTransition.create({
        data: {
          subOrderId: subOrder.id,
          from,
          to,
          at: new Date(to === "DELIVERED" ? sub.deliveredAt! : `${sub.date}T00:00:00Z`),
        },
      });
      from = to;
    }
    for (const a of sub.allocations ?? [])
      await prisma.memberAllocation.create({
        data: {
          subOrderId: subOrder.id,
          farmerId: farmers[a.farmer]!,
          currency,
          shareMinor: a.share,
          repaymentMinor: 0,
          payableMinor: a.share,
        },
      });
  }
  return { kale: kale.id, chicken: chicken.id, coopA: coopA.id, coopB: coopB.id };
}
