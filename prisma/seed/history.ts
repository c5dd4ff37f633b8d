// Sixteen weeks of past orders for the demo, so the union dashboard has something to show: delivered
// sub-orders with their transitions and what each member brought (collection records), a few
// rejected or cancelled, and weekly national market prices. Only for cooperatives and buyers without
// demo logins, so the journeys of the demo accounts (and the tests that follow them) start from a
// clean slate. The orders' money (payment, payout, allocation, members paid) is not written here: it
// goes through the payment domain afterwards (./money-trail.ts), so the demo's money trail is the
// one the app itself would leave.
import { type Prisma } from "~/db/generated/client";
import { type SubOrderStatus } from "~/db/generated/enums";
import { addDays, cambodiaInstant, dateColumn, type IsoDate } from "~/calendar/dates";

type Db = Prisma.TransactionClient;

export const HISTORY_WEEKS = 16;
export const HISTORY_PURCHASER_EMAIL = "history-purchaser@phsar.test";


export async function seedOrderHistory(
  tx: Db,
  {
    today,
    random,
    cooperativeSlugs,
    buyerSlugs,
  }: { today: IsoDate; random: () => number; cooperativeSlugs: string[]; buyerSlugs: string[] },
) {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  const cooperatives = await tx.organization.findMany({
    where: { slug: { in: cooperativeSlugs } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      farmers: { select: { id: true }, orderBy: { id: "asc" } },
      listings: {
        orderBy: { id: "asc" },
        select: {
          id: true,
          priceMinor: true,
          product: { select: { id: true, unit: true, referencePriceKhr: true } },
        },
      },
    },
  });
  const buyers = await tx.organization.findMany({
    where: { slug: { in: buyerSlugs } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  // Past orders need a person who placed them: one purchaser for the buyers without demo logins.
  const purchaser = await tx.user.create({
    data: {
      name: "Sokha Chea",
      email: HISTORY_PURCHASER_EMAIL,
      memberships: {
        create: buyers.map((b) => ({ organizationId: b.id, role: "PURCHASER" as const })),
      },
    },
    select: { id: true },
  });

  const windows = new Map<string, number>();
  let orders = 0;
  for (let week = HISTORY_WEEKS; week >= 1; week--) {
    for (const coop of cooperatives) {
      for (let n = between(1, 3); n > 0; n--) {
        const date = addDays(today, -7 * week + between(0, 6));
        if (date >= today) continue;
        const roll = random();
        const status: SubOrderStatus =
          roll < 0.06 ? "REJECTED" : roll < 0.1 ? "CANCELLED" : week <= 1 ? "DELIVERED" : "SETTLED";
        const listings = [pick(coop.listings), ...(random() < 0.3 ? [pick(coop.listings)] : [])];
        const lines = [];
        for (const listing of [...new Map(listings.map((l) => [l.id, l])).values()]) {
          const key = `${listing.id}:${date}`;
          if (!windows.has(key)) {
            const window = await tx.deliveryWindow.create({
              data: {
                listingId: listing.id,
                deliveryDate: dateColumn(date),
                cutoffAt: cambodiaInstant(addDays(date, -1), "17:00"),
                capacity: 500,
              },
              select: { id: true },
            });
            windows.set(key, window.id);
          }
          const byWeight = listing.product.unit === "KG";
          const quantity = byWeight ? between(2, 12) * 5 : between(5, 30);
          // Prices move around the listing's price from order to order.
          const price = Math.max(
            100,
            Math.round((listing.priceMinor * (0.85 + random() * 0.25)) / 100) * 100,
          );
          const delivered = status === "DELIVERED" || status === "SETTLED";
          const deliveredMilli = !delivered
            ? null
            : byWeight
              ? Math.round((quantity * 1000 * (0.92 + random() * 0.12)) / 10) * 10
              : (quantity - (random() < 0.15 ? 1 : 0)) * 1000;
          lines.push({
            windowId: windows.get(key)!,
            listingId: listing.id,
            quantity,
            unitPriceMinor: price,
            amountMinor: quantity * price,
            packedQuantityMilli: deliveredMilli,
            deliveredQuantityMilli: deliveredMilli,
            finalAmountMinor:
              deliveredMilli === null ? null : Math.round((deliveredMilli * price) / 1000),
          });
        }
        const totalMinor = lines.reduce((s, l) => s + l.amountMinor, 0);
        const finalTotalMinor = lines.every((l) => l.finalAmountMinor !== null)
          ? lines.reduce((s, l) => s + l.finalAmountMinor!, 0)
          : null;
        const path: SubOrderStatus[] =
          status === "REJECTED"
            ? ["CONFIRMED", "REJECTED"]
            : status === "CANCELLED"
              ? ["CONFIRMED", "ACCEPTED", "CANCELLED"]
              : ["CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"];
        // About one delivery in eight arrives the morning after its delivery date.
        const late = random() < 0.12;
        const at = (to: SubOrderStatus) =>
          to === "DELIVERED"
            ? cambodiaInstant(late ? addDays(date, 1) : date, late ? "08:00" : "10:00")
            : cambodiaInstant(
                  addDays(date, to === "CONFIRMED" ? -3 : to === "PACKED" ? -1 : -2),
                  "09:00",
                );
        // The members who brought the goods, each a part of every line (what the clerk weighed in).
        const members = coop.farmers
          .slice(between(0, Math.max(0, coop.farmers.length - 4)))
          .slice(0, between(2, 4));
        const weights = members.map(() => 1 + random() * 3);
        const sumWeights = weights.reduce((s, w) => s + w, 0);

        orders++;
        const order = await tx.order.create({
          data: {
            buyerId: pick(buyers).id,
            placedById: purchaser.id,
            currency: "KHR",
            totalMinor,
            idempotencyKey: `demo-history-${orders}`,
            createdAt: cambodiaInstant(addDays(date, -4), "08:00"),
            subOrders: {
              create: {
                cooperativeId: coop.id,
                deliveryDate: dateColumn(date),
                // Settled only once paid out, by the payment domain (./money-trail.ts).
                status: status === "SETTLED" ? "DELIVERED" : status,
                totalMinor,
                finalTotalMinor,
                lines: { create: lines },
                transitions: {
                  create: path.map((to, i) => ({
                    from: i === 0 ? "PLACED" : path[i - 1]!,
                    to,
                    at: at(to),
                  })),
                },
              },
            },
          },
          select: {
            id: true,
            subOrders: {
              select: {
                id: true,
                lines: {
                  orderBy: { id: "asc" },
                  select: {
                    id: true,
                    windowId: true,
                    deliveredQuantityMilli: true,
                    listing: { select: { product: { select: { unit: true } } } },
                  },
                },
              },
            },
          },
        });
        const subOrder = order.subOrders[0]!;
        if (status === "DELIVERED" || status === "SETTLED") {
          await tx.collection.createMany({
            data: subOrder.lines.flatMap((line) => {
              const total = line.deliveredQuantityMilli!;
              // Bags are weighed to 10 g; chickens are counted whole.
              const step = line.listing.product.unit === "KG" ? 10 : 1000;
              const parts = members.map((m, i) => ({
                windowId: line.windowId,
                orderLineId: line.id,
                farmerId: m.id,
                quantityMilli: Math.floor((total * weights[i]!) / sumWeights / step) * step,
                recordedAt: at("PACKED"),
              }));
              if (parts[0])
                parts[0].quantityMilli += total - parts.reduce((sum, p) => sum + p.quantityMilli, 0);
              return parts.filter((p) => p.quantityMilli > 0);
            }),
          });
        }
      }
    }
  }

  // Weekly national market prices (Monday) of the products sold, around their reference price.
  const products = [
    ...new Map(
      cooperatives.flatMap((c) => c.listings.map((l) => [l.product.id, l.product])),
    ).values(),
  ];
  await tx.marketPrice.createMany({
    data: products.flatMap((product) =>
      Array.from({ length: HISTORY_WEEKS }, (_, i) => {
        const monday = addDays(today, -7 * (HISTORY_WEEKS - i));
        const reference = product.referencePriceKhr ?? 3000;
        return {
          date: dateColumn(monday),
          productId: product.id,
          priceKhr: Math.round((reference * (0.95 + random() * 0.25)) / 50) * 50,
        };
      }),
    ),
  });
  return { orders };
}
