import { prisma } from "~/db/db.server";
import { withJobLock } from "~/jobs/run-lock.server";
import { addDays, cambodiaToday, dateColumn, dateOnly, type IsoDate } from "~/supply/rules";
import { OrderError, placeOrder, type Tx } from "./orders.server";

/** Week k of a standing order is placed once its delivery date is this close. */
export const STANDING_LEAD_DAYS = 7;

type Unfilled = { listingId: number; deliveryDate: IsoDate; quantity: number; reason: string };

/** Makes the order just placed the first week of a standing order that repeats it weekly. */
export async function createStandingOrder(
  tx: Tx,
  input: { firstOrderId: number; buyerId: number; createdById: number; weeks: number },
) {
  if (!Number.isInteger(input.weeks) || input.weeks < 2 || input.weeks > 52)
    throw new OrderError("orders.repeatWeeksInvalid");
  const order = await tx.order.findUniqueOrThrow({
    where: { id: input.firstOrderId },
    select: {
      paymentMethod: true,
      weightTolerancePct: true,
      subOrders: {
        select: {
          lines: {
            select: { listingId: true, quantity: true, window: { select: { deliveryDate: true } } },
          },
        },
      },
    },
  });
  const standing = await tx.standingOrder.create({
    data: {
      buyerId: input.buyerId,
      createdById: input.createdById,
      weeks: input.weeks,
      paymentMethod: order.paymentMethod,
      weightTolerancePct: order.weightTolerancePct,
      lines: {
        create: order.subOrders.flatMap((s) =>
          s.lines.map((l) => ({
            listingId: l.listingId,
            quantity: l.quantity,
            firstDeliveryDate: l.window.deliveryDate,
          })),
        ),
      },
      runs: { create: { week: 0, orderId: input.firstOrderId, unfilled: [] } },
    },
    select: { id: true },
  });
  await tx.order.update({
    where: { id: input.firstOrderId },
    data: { standingOrderId: standing.id, standingWeek: 0 },
    select: { id: true },
  });
  return standing.id;
}

/**
 * Places every week of every active standing order that has come due and has not run yet. Each
 * week's order goes against that week's windows; lines it cannot fill are reported with the reason.
 * Safe to run again at any time: a week runs once (unique run per week, idempotency key per week),
 * one run at a time (job lock), and a standing order that fails is logged while the others go on.
 */
export async function runStandingOrders(now = new Date()) {
  return (await withJobLock("orders-standing", () => runDueWeeks(now))) ?? 0;
}

async function runDueWeeks(now: Date) {
  const today = cambodiaToday(now);
  const standing = await prisma.standingOrder.findMany({
    where: { active: true },
    select: {
      id: true,
      buyerId: true,
      createdById: true,
      weeks: true,
      paymentMethod: true,
      weightTolerancePct: true,
      lines: { select: { listingId: true, quantity: true, firstDeliveryDate: true } },
      runs: { select: { week: true } },
    },
    orderBy: { id: "asc" },
  });
  let placed = 0;
  for (const so of standing) {
    try {
      placed += await runDueWeeksOf(so, today, now);
    } catch (error) {
      console.warn(`Standing order ${so.id} not run: ${String(error)}`);
    }
  }
  return placed;
}

async function runDueWeeksOf(
  so: StandingForRun & { runs: { week: number }[] },
  today: IsoDate,
  now: Date,
) {
  let placed = 0;
  const done = new Set(so.runs.map((r) => r.week));
  const firstDate = so.lines.map((l) => dateOnly(l.firstDeliveryDate)).sort()[0] as
    IsoDate | undefined;
  if (!firstDate) return 0;
  for (let week = 1; week < so.weeks; week++) {
    if (done.has(week)) continue;
    if (addDays(firstDate, 7 * week) > addDays(today, STANDING_LEAD_DAYS)) break;
    await runWeek(so, week, now);
    placed++;
  }
  const runs = await prisma.standingOrderRun.count({ where: { standingOrderId: so.id } });
  if (runs >= so.weeks)
    await prisma.standingOrder.update({
      where: { id: so.id },
      data: { active: false },
      select: { id: true },
    });
  return placed;
}

type StandingForRun = {
  id: number;
  buyerId: number;
  createdById: number;
  weeks: number;
  paymentMethod: "CASH_ON_DELIVERY" | "BANK_TRANSFER" | "KHQR" | "CARD";
  weightTolerancePct: number;
  lines: { listingId: number; quantity: number; firstDeliveryDate: Date }[];
};

async function runWeek(so: StandingForRun, week: number, now: Date) {
  const unfilled: Unfilled[] = [];
  const wanted = await Promise.all(
    so.lines.map(async (line) => {
      const deliveryDate = addDays(dateOnly(line.firstDeliveryDate), 7 * week);
      const window = await prisma.deliveryWindow.findUnique({
        where: {
          listingId_deliveryDate: {
            listingId: line.listingId,
            deliveryDate: dateColumn(deliveryDate),
          },
        },
        select: { id: true },
      });
      return { ...line, deliveryDate, windowId: window?.id };
    }),
  );
  let lines = wanted.filter((w) => {
    if (w.windowId) return true;
    unfilled.push({
      listingId: w.listingId,
      deliveryDate: w.deliveryDate,
      quantity: w.quantity,
      reason: "orders.noWindowThatWeek",
    });
    return false;
  });
  // A line that cannot be filled is reported and the rest is tried again, until what is left goes through.
  while (lines.length > 0) {
    try {
      await placeOrder(
        {
          buyerId: so.buyerId,
          placedById: so.createdById,
          idempotencyKey: `standing:${so.id}:week:${week}`,
          paymentMethod: so.paymentMethod,
          weightTolerancePct: so.weightTolerancePct,
          standing: { standingOrderId: so.id, week },
          lines: lines.map((l) => ({ windowId: l.windowId!, quantity: l.quantity })),
          async onPlaced(tx, orderId) {
            await tx.standingOrderRun.create({
              data: { standingOrderId: so.id, week, orderId, unfilled },
              select: { id: true },
            });
            await tx.notification.create({
              data: { organizationId: so.buyerId, kind: "STANDING_ORDER_PLACED", orderId },
              select: { id: true },
            });
          },
        },
        now,
      );
      return;
    } catch (error) {
      if (!(error instanceof OrderError) || error.windowId === undefined) throw error;
      const failed = lines.find((l) => l.windowId === error.windowId)!;
      unfilled.push({
        listingId: failed.listingId,
        deliveryDate: failed.deliveryDate,
        quantity: failed.quantity,
        reason: error.key,
      });
      lines = lines.filter((l) => l !== failed);
    }
  }
  await prisma.standingOrderRun.create({
    data: { standingOrderId: so.id, week, unfilled },
    select: { id: true },
  });
}

export async function stopStandingOrder(standingOrderId: number, buyerId: number) {
  const { count } = await prisma.standingOrder.updateMany({
    where: { id: standingOrderId, buyerId },
    data: { active: false },
  });
  if (count !== 1) throw new OrderError("orders.notFound");
}

export function listStandingOrders(buyerId: number) {
  return prisma.standingOrder.findMany({
    where: { buyerId },
    select: {
      id: true,
      weeks: true,
      active: true,
      createdAt: true,
      lines: {
        select: {
          quantity: true,
          firstDeliveryDate: true,
          listing: {
            select: {
              id: true,
              product: { select: { nameKm: true, nameEn: true, unit: true } },
              cooperative: { select: { nameKm: true, nameEn: true } },
            },
          },
        },
      },
      runs: {
        select: { week: true, orderId: true, unfilled: true, ranAt: true },
        orderBy: { week: "asc" },
      },
    },
    orderBy: { createdAt: "desc" },
  });
}
