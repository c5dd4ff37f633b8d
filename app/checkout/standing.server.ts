import { notifyOrganizations } from "~/messages/outbox.server";
import { MAX_REPEAT_WEEKS } from "~/orders/quantities";
import { prisma } from "~/db/db.server";
import { Prisma } from "~/db/generated/client";
import { type Currency, type PaymentMethod } from "~/db/generated/enums";
import { withJobLock } from "~/jobs/run-lock.server";
import { payLater } from "~/payments/credit.server";
import { providerForMethod } from "~/payments/providers.server";
import { PaymentError, type PaymentActor } from "~/payments/settlement.server";
import { addDays, cambodiaToday, dateColumn, dateOnly, type IsoDate } from "~/calendar/dates";
import { failOrderPayment, OrderError, placeOrder, type Tx } from "~/orders/orders.server";

/** Week k of a standing order is placed once its delivery date is this close. */
export const STANDING_LEAD_DAYS = 7;

type Unfilled = { listingId: number; deliveryDate: IsoDate; quantity: number; reason: string };

/** Makes the order just placed the first week of a standing order that repeats it weekly. */
export async function createStandingOrder(
  tx: Tx,
  input: {
    firstOrderId: number;
    buyerId: number;
    createdById: number;
    weeks: number;
    /** The first order was put on the buyer's account: so is every week. */
    payLater?: boolean;
  },
) {
  if (!Number.isInteger(input.weeks) || input.weeks < 2 || input.weeks > MAX_REPEAT_WEEKS)
    throw new OrderError("orders.repeatWeeksInvalid");
  const order = await tx.order.findUniqueOrThrow({
    where: { id: input.firstOrderId },
    select: {
      paymentMethod: true,
      weightTolerancePct: true,
      currency: true,
      subOrders: {
        select: {
          lines: {
            select: {
              listingId: true,
              quantity: true,
              unitPriceMinor: true,
              window: { select: { deliveryDate: true } },
            },
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
      payLater: input.payLater ?? false,
      weightTolerancePct: order.weightTolerancePct,
      lines: {
        create: order.subOrders.flatMap((s) =>
          s.lines.map((l) => ({
            listingId: l.listingId,
            quantity: l.quantity,
            firstDeliveryDate: l.window.deliveryDate,
            unitPriceMinor: l.unitPriceMinor,
            currency: order.currency,
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
    // A paused standing order waits for its buyer to agree to the new prices.
    where: { active: true, pausedAt: null },
    select: {
      id: true,
      buyerId: true,
      createdById: true,
      weeks: true,
      paymentMethod: true,
      payLater: true,
      weightTolerancePct: true,
      lines: {
        select: {
          listingId: true,
          quantity: true,
          firstDeliveryDate: true,
          unitPriceMinor: true,
          currency: true,
        },
      },
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
    // Stopped or paused meanwhile: the later weeks wait too.
    if ((await runWeek(so, week, now)) !== "ran") break;
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
  paymentMethod: PaymentMethod;
  payLater: boolean;
  weightTolerancePct: number;
  lines: {
    listingId: number;
    quantity: number;
    firstDeliveryDate: Date;
    unitPriceMinor: number | null;
    currency: Currency | null;
  }[];
};

/** A line whose listing no longer has the agreed price or currency: the buyer is asked. */
type PriceChange = {
  listingId: number;
  deliveryDate: IsoDate;
  reason: "orders.priceChanged" | "orders.currencyChanged";
  agreedPriceMinor: number | null;
  agreedCurrency: Currency | null;
  priceMinor: number;
  currency: Currency;
};

/** Thrown inside a week's transaction: the standing order was stopped or paused meanwhile. */
class StandingNotActive extends Error {}

/**
 * The standing order's row, locked for the week's transaction: stopping it (an UPDATE of that row)
 * waits for a week being placed, and a week waits for a stop, then sees it.
 */
async function lockActive(tx: Tx, standingOrderId: number) {
  const rows = await tx.$queryRaw<{ active: boolean; pausedAt: Date | null }[]>`
    SELECT "active", "pausedAt" FROM "StandingOrder" WHERE "id" = ${standingOrderId} FOR UPDATE`;
  if (!rows[0]?.active || rows[0].pausedAt) throw new StandingNotActive();
}

/**
 * Places one week: at the agreed prices and currency (a change pauses the standing order and asks
 * the buyer, placing nothing), inside a transaction that re-checks the standing order under its
 * lock, then starts its payment as checkout does. "ran" once the week is recorded.
 */
async function runWeek(
  so: StandingForRun,
  week: number,
  now: Date,
): Promise<"ran" | "paused" | "stopped"> {
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
        select: { id: true, listing: { select: { priceMinor: true, currency: true } } },
      });
      return { ...line, deliveryDate, windowId: window?.id, listing: window?.listing };
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
  const changes = lines.flatMap((l) => {
    const change = priceChange(l, l.listing!);
    return change ? [change] : [];
  });
  if (changes.length) return pause(so, changes, now);

  // A line that cannot be filled is reported and the rest is tried again, until what is left goes through.
  while (lines.length > 0) {
    try {
      const { orderId, created } = await placeOrder(
        {
          buyerId: so.buyerId,
          placedById: so.createdById,
          idempotencyKey: `standing:${so.id}:week:${week}`,
          paymentMethod: so.paymentMethod,
          weightTolerancePct: so.weightTolerancePct,
          standing: { standingOrderId: so.id, week },
          lines: lines.map((l) => ({
            windowId: l.windowId!,
            quantity: l.quantity,
            // Both compared inside the order's transaction: a change since the read above refuses.
            expectedUnitPriceMinor: l.unitPriceMinor!,
            expectedCurrency: l.currency!,
          })),
          claim: (tx) => lockActive(tx, so.id),
          async onPlaced(tx, orderId) {
            await tx.standingOrderRun.create({
              data: { standingOrderId: so.id, week, orderId, unfilled },
              select: { id: true },
            });
            await notifyOrganizations(tx, [
              { organizationId: so.buyerId, kind: "STANDING_ORDER_PLACED", orderId },
            ]);
          },
        },
        now,
      );
      if (created) await startWeekPayment(so, orderId, now);
      return "ran";
    } catch (error) {
      if (error instanceof StandingNotActive) return "stopped";
      if (!(error instanceof OrderError) || error.windowId === undefined) throw error;
      const failed = lines.find((l) => l.windowId === error.windowId)!;
      if (error.key === "orders.priceChanged" || error.key === "orders.currencyChanged") {
        // Changed between the read above and the order's transaction: read it again and ask.
        const listing = await prisma.listing.findUniqueOrThrow({
          where: { id: failed.listingId },
          select: { priceMinor: true, currency: true },
        });
        const change = priceChange(failed, listing);
        if (change) return pause(so, [change], now);
        continue;
      }
      unfilled.push({
        listingId: failed.listingId,
        deliveryDate: failed.deliveryDate,
        quantity: failed.quantity,
        reason: error.key,
      });
      lines = lines.filter((l) => l !== failed);
    }
  }
  try {
    await prisma.$transaction(async (tx) => {
      await lockActive(tx, so.id);
      await tx.standingOrderRun.create({
        data: { standingOrderId: so.id, week, unfilled },
        select: { id: true },
      });
    });
  } catch (error) {
    if (error instanceof StandingNotActive) return "stopped";
    throw error;
  }
  return "ran";
}

function priceChange(
  line: StandingForRun["lines"][number] & { deliveryDate: IsoDate },
  listing: { priceMinor: number; currency: Currency },
): PriceChange | null {
  const reason =
    line.currency !== listing.currency
      ? "orders.currencyChanged"
      : line.unitPriceMinor !== listing.priceMinor
        ? "orders.priceChanged"
        : null;
  if (!reason) return null;
  return {
    listingId: line.listingId,
    deliveryDate: line.deliveryDate,
    reason,
    agreedPriceMinor: line.unitPriceMinor,
    agreedCurrency: line.currency,
    priceMinor: listing.priceMinor,
    currency: listing.currency,
  };
}

/** Pauses the standing order (if still active) and tells the buyer what changed. */
async function pause(so: StandingForRun, changes: PriceChange[], now: Date) {
  try {
    await prisma.$transaction(async (tx) => {
      await lockActive(tx, so.id);
      await tx.standingOrder.update({
        where: { id: so.id },
        data: { pausedAt: now, pauseDetails: changes },
        select: { id: true },
      });
      await notifyOrganizations(tx, [
        { organizationId: so.buyerId, kind: "STANDING_ORDER_PAUSED" },
      ]);
    });
  } catch (error) {
    if (error instanceof StandingNotActive) return "stopped" as const;
    throw error;
  }
  return "paused" as const;
}

/**
 * Starts the week's payment as checkout does, by the person who set the standing order up: bank
 * transfer and KHQR get their payments and references, pay-later puts it on the buyer's account
 * (refused: the week is cancelled, as checkout cancels it). Card weeks are paid from the order's
 * page, which starts the card payment when the buyer opens it.
 */
async function startWeekPayment(so: StandingForRun, orderId: number, now: Date) {
  if (so.paymentMethod === "CARD") return;
  const payer: PaymentActor = await prisma.user.findUniqueOrThrow({
    where: { id: so.createdById },
    select: {
      id: true,
      isAdmin: true,
      memberships: { select: { organizationId: true, role: true } },
    },
  });
  try {
    if (so.payLater) await payLater(orderId, payer, now);
    else await providerForMethod(so.paymentMethod).startPayment(orderId, so.paymentMethod, payer);
  } catch (error) {
    if (!(error instanceof PaymentError)) throw error;
    // Nothing can be paid: cancelled now rather than at its payment deadline, and the buyer told.
    await failOrderPayment(orderId, { userId: null, reason: error.key });
  }
}

/**
 * The buyer agrees to the prices and currencies the listings have now: the paused standing order
 * takes them as agreed and runs again (the waiting week included, if its dates are still open).
 */
export async function agreeToStandingPrices(standingOrderId: number, buyerId: number) {
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "StandingOrder"
       WHERE "id" = ${standingOrderId} AND "buyerId" = ${buyerId} AND "active" FOR UPDATE`;
    if (!rows[0]) throw new OrderError("orders.notFound");
    const lines = await tx.standingOrderLine.findMany({
      where: { standingOrderId },
      select: { id: true, listing: { select: { priceMinor: true, currency: true } } },
    });
    // One order is in one currency: a standing order whose listings now differ can only be stopped.
    if (new Set(lines.map((l) => l.listing.currency)).size > 1)
      throw new OrderError("orders.mixedCurrencies");
    for (const line of lines)
      await tx.standingOrderLine.update({
        where: { id: line.id },
        data: { unitPriceMinor: line.listing.priceMinor, currency: line.listing.currency },
        select: { id: true },
      });
    await tx.standingOrder.update({
      where: { id: standingOrderId },
      data: { pausedAt: null, pauseDetails: Prisma.DbNull },
      select: { id: true },
    });
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
      pausedAt: true,
      pauseDetails: true,
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
