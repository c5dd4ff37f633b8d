// Standing orders for the orders tests: a first order placed through placeOrder (as checkout does),
// made a standing order, with a window for week 1 on the same listing.
import { randomUUID } from "node:crypto";
import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import { placeOrder } from "~/orders/orders.server";
import { createStandingOrder } from "~/checkout/standing.server";
import { addDays, dateColumn, dateOnly } from "~/calendar/dates";
import { buildWindow } from "./builders";

const DAY = 86_400_000;

/** The instant `days` from now: week 1 of a standing order built here is due from `at(3)`. */
export const at = (days: number) => new Date(Date.now() + days * DAY);

export async function buildStandingOrder({
  buyerId,
  userId,
  cooperativeId,
  paymentMethod = "CASH_ON_DELIVERY",
  priceMinor = 2_000,
  quantity = 5,
  weeks = 3,
  week1Window = true,
  payLater = false,
}: {
  buyerId: number;
  userId: number;
  cooperativeId: number;
  paymentMethod?: PaymentMethod;
  priceMinor?: number;
  quantity?: number;
  weeks?: number;
  /** Whether the listing has a delivery date in week 1 (without one, week 1 goes all unfilled). */
  week1Window?: boolean;
  /** Put on the buyer's account each week. */
  payLater?: boolean;
}) {
  const first = await buildWindow({ cooperativeId, pledges: [50], days: 3, priceMinor });
  const week1 = week1Window
    ? await prisma.deliveryWindow.create({
        data: {
          listingId: first.listingId,
          deliveryDate: dateColumn(addDays(dateOnly(first.deliveryDate), 7)),
          cutoffAt: new Date(first.cutoffAt.getTime() + 7 * DAY),
          capacity: 50,
        },
        select: { id: true },
      })
    : null;
  let standingOrderId = 0;
  const { orderId } = await placeOrder({
    buyerId,
    placedById: userId,
    idempotencyKey: randomUUID(),
    paymentMethod,
    lines: [{ windowId: first.id, quantity, expectedUnitPriceMinor: priceMinor }],
    async onPlaced(tx, id) {
      standingOrderId = await createStandingOrder(tx, {
        firstOrderId: id,
        buyerId,
        createdById: userId,
        weeks,
        payLater,
      });
    },
  });
  return { standingOrderId, firstOrderId: orderId, listingId: first.listingId, week1: week1?.id };
}

/** The order placed for week `week` of the standing order, if any. */
export function weekOrders(standingOrderId: number, week: number) {
  return prisma.order.findMany({
    where: { standingOrderId, standingWeek: week },
    select: { id: true, totalMinor: true, currency: true },
  });
}
