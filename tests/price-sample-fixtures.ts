// Builders for the weighted price figures and their sample sizes (app/monitoring/weighted-prices.server.test.ts):
// a product, cooperatives and delivered sales at chosen prices and weights, nothing else.
import { prisma } from "~/db/db.server";
import {
  type Certification,
  type Grade,
  type SubOrderStatus,
  type Unit,
} from "~/db/generated/enums";
import { dateColumn, type IsoDate } from "~/calendar/dates";

let serial = 0;
const next = () => `ps-${++serial}-${Math.random().toString(36).slice(2, 8)}`;

export async function buildProduct(nameEn: string, unit: Unit = "KG") {
  return (
    await prisma.product.create({
      data: { slug: next(), category: "POULTRY", nameKm: `${nameEn} ខ្មែរ`, nameEn, unit },
      select: { id: true },
    })
  ).id;
}

export async function buildCooperative(nameEn: string, provinceCode = "08") {
  return (
    await prisma.organization.create({
      data: { slug: next(), kind: "COOPERATIVE", provinceCode, nameEn, nameKm: `${nameEn} ខ្មែរ` },
      select: { id: true },
    })
  ).id;
}

export type Sale = {
  cooperativeId: number;
  productId: number;
  /** Scheduled delivery date. */
  date: IsoDate;
  /** Riel per unit. */
  price: number;
  /** Units ordered. */
  quantity: number;
  /** Delivered, in grams (or heads × 1000); unset: as ordered. */
  deliveredMilli?: number;
  grade?: Grade;
  certification?: Certification;
  status?: SubOrderStatus;
  /** When DELIVERED was recorded (UTC); unset: midnight UTC of `date`. */
  deliveredAt?: string;
};

/** One order with one sub-order of one line per sale, delivered unless a status says otherwise. */
export async function buildSales(sales: Sale[]) {
  const buyer = await prisma.organization.create({
    data: { slug: next(), kind: "BUYER", provinceCode: "12", nameEn: "Buyer", nameKm: "អ្នកទិញ" },
    select: { id: true },
  });
  const user = await prisma.user.create({
    data: { name: "Buyer", email: `${next()}@phsar.test` },
    select: { id: true },
  });
  for (const sale of sales) {
    const status = sale.status ?? "DELIVERED";
    const listing = await prisma.listing.create({
      data: {
        cooperativeId: sale.cooperativeId,
        productId: sale.productId,
        grade: sale.grade ?? "A",
        certification: sale.certification ?? "NONE",
        priceMinor: sale.price,
        currency: "KHR",
        status: "PUBLISHED",
      },
      select: { id: true },
    });
    const window = await prisma.deliveryWindow.create({
      data: {
        listingId: listing.id,
        deliveryDate: dateColumn(sale.date),
        cutoffAt: new Date(`${sale.date}T00:00:00Z`),
        capacity: 10_000,
      },
      select: { id: true },
    });
    const total = sale.price * sale.quantity;
    const order = await prisma.order.create({
      data: {
        buyerId: buyer.id,
        placedById: user.id,
        currency: "KHR",
        totalMinor: total,
        idempotencyKey: next(),
      },
      select: { id: true },
    });
    const subOrder = await prisma.subOrder.create({
      data: {
        orderId: order.id,
        cooperativeId: sale.cooperativeId,
        deliveryDate: dateColumn(sale.date),
        status,
        totalMinor: total,
      },
      select: { id: true },
    });
    await prisma.orderLine.create({
      data: {
        subOrderId: subOrder.id,
        windowId: window.id,
        listingId: listing.id,
        quantity: sale.quantity,
        unitPriceMinor: sale.price,
        amountMinor: total,
        deliveredQuantityMilli: sale.deliveredMilli ?? sale.quantity * 1000,
      },
    });
    const path: SubOrderStatus[] =
      status === "DELIVERED" || status === "SETTLED"
        ? [
            "CONFIRMED",
            "ACCEPTED",
            "PACKED",
            "DELIVERED",
            ...(status === "SETTLED" ? ["SETTLED" as const] : []),
          ]
        : ["CONFIRMED", status];
    let from: SubOrderStatus = "PLACED";
    for (const to of path) {
      await prisma.subOrderTransition.create({
        data: {
          subOrderId: subOrder.id,
          from,
          to,
          at: new Date(
            to === "DELIVERED" && sale.deliveredAt ? sale.deliveredAt : `${sale.date}T00:00:00Z`,
          ),
        },
      });
      from = to;
    }
  }
}
