import { notifyOrganizations, wakeOutbox } from "~/messages/outbox.server";
import { recordAudit } from "~/audit/audit.server";
import { can, type CommandActor } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import {
  type Currency,
  type NotificationKind,
  type PaymentMethod,
  type SubOrderStatus,
} from "~/db/generated/enums";
import { env } from "~/env.server";
import { withJobLock } from "~/jobs/run-lock.server";
import { recordWindowReservationChange } from "~/search/sync.server";
import { addDays, cambodiaToday, dateColumn, dateOnly, type IsoDate } from "~/calendar/dates";
import {
  amountForMilli,
  checkDelivered,
  checkPacked,
  MILLI,
  WEIGHT_TOLERANCES,
} from "./quantities";
import { money } from "./money-port.server";
import { mayMove, type Party, releasesReservation } from "./state-machine";
import { DomainError } from "~/validation/errors";

/** A refusal the user can act on; `key` is a translation key, `windowId` the line it concerns. */
export class OrderError extends DomainError {
  constructor(
    key: string,
    public readonly windowId?: number,
  ) {
    super(key);
    this.name = "OrderError";
  }
}

export type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * A line as the buyer asks for it. `expectedUnitPriceMinor` is the price the buyer was shown (or
 * agreed to), `expectedCurrency` its currency.
 */
export type CartLine = {
  windowId: number;
  quantity: number;
  expectedUnitPriceMinor?: number;
  expectedCurrency?: Currency;
};

export type PlaceOrderInput = {
  buyerId: number;
  placedById: number;
  idempotencyKey: string;
  lines: CartLine[];
  paymentMethod?: PaymentMethod;
  weightTolerancePct?: number;
  standing?: { standingOrderId: number; week: number };
  /**
   * Runs first inside the order's transaction, before any window is touched: takes the locks the
   * order depends on and consumes what it is made from (the cart's rows), or refuses.
   */
  claim?: (tx: Tx) => Promise<void>;
  /** Runs inside the order's transaction once the order is written. */
  onPlaced?: (tx: Tx, orderId: number) => Promise<void>;
};

const MAX_INT = 2_147_483_647;

/**
 * Places an order: prices are read from the listings now (a price the browser sends is only
 * compared, never used), every line's quantity is reserved with one conditional UPDATE per window,
 * and the order, its sub-orders (one per cooperative and delivery date) and lines are written in the
 * same transaction. Any refusal rolls everything back, so no reservation or order is left behind. A
 * repeated idempotency key returns the order it already made.
 */
export async function placeOrder(input: PlaceOrderInput, now = new Date()) {
  const existing = await prisma.order.findUnique({
    where: { idempotencyKey: input.idempotencyKey },
    select: { id: true, buyerId: true },
  });
  if (existing) {
    if (existing.buyerId !== input.buyerId) throw new OrderError("orders.duplicateKey");
    return { orderId: existing.id, created: false };
  }
  if (input.lines.length === 0) throw new OrderError("orders.emptyCart");
  const windowIds = input.lines.map((l) => l.windowId);
  if (new Set(windowIds).size !== windowIds.length) throw new OrderError("orders.duplicateLine");
  const paymentMethod = input.paymentMethod ?? "CASH_ON_DELIVERY";
  const weightTolerancePct = input.weightTolerancePct ?? 0;
  if (!(WEIGHT_TOLERANCES as readonly number[]).includes(weightTolerancePct))
    throw new OrderError("orders.toleranceInvalid");

  // The Telegram copies of the new-order notices, sent once the order is committed.
  let toWake: number[] = [];
  try {
    const placed = await prisma.$transaction(
      async (tx) => {
        await input.claim?.(tx);
        const windows = await tx.deliveryWindow.findMany({
          where: { id: { in: windowIds } },
          select: {
            id: true,
            cutoffAt: true,
            deliveryDate: true,
            listing: {
              select: {
                id: true,
                status: true,
                priceMinor: true,
                currency: true,
                minOrderQuantity: true,
                cooperativeId: true,
              },
            },
          },
        });
        const byId = new Map(windows.map((w) => [w.id, w]));
        let currency: Currency | null = null;
        // Lock windows in id order so two carts touching the same windows cannot deadlock.
        const lines = [...input.lines].sort((a, b) => a.windowId - b.windowId);
        for (const line of lines) {
          const window = byId.get(line.windowId);
          if (!window) throw new OrderError("orders.unknownWindow", line.windowId);
          if (window.listing.status !== "PUBLISHED")
            throw new OrderError("orders.notAvailable", line.windowId);
          if (window.cutoffAt <= now) throw new OrderError("orders.afterCutoff", line.windowId);
          if (!Number.isInteger(line.quantity) || line.quantity <= 0 || line.quantity > MAX_INT)
            throw new OrderError("orders.quantity", line.windowId);
          if (line.quantity < window.listing.minOrderQuantity)
            throw new OrderError("orders.belowMinimum", line.windowId);
          // The line whose own currency changed is named, before any mix of currencies is.
          if (
            line.expectedCurrency !== undefined &&
            line.expectedCurrency !== window.listing.currency
          )
            throw new OrderError("orders.currencyChanged", line.windowId);
          if (
            line.expectedUnitPriceMinor !== undefined &&
            line.expectedUnitPriceMinor !== window.listing.priceMinor
          )
            throw new OrderError("orders.priceChanged", line.windowId);
          currency ??= window.listing.currency;
          if (window.listing.currency !== currency)
            throw new OrderError("orders.mixedCurrencies", line.windowId);
          const reserved = await tx.$executeRaw`
            UPDATE "DeliveryWindow" SET "reserved" = "reserved" + ${line.quantity}
             WHERE "id" = ${line.windowId} AND "reserved" + ${line.quantity} <= "capacity"`;
          if (reserved !== 1) throw new OrderError("orders.notEnoughRemaining", line.windowId);
        }
        await recordWindowReservationChange(
          tx,
          lines.map((line) => line.windowId),
        );

        type SubLine = {
          windowId: number;
          listingId: number;
          quantity: number;
          unitPriceMinor: number;
          amountMinor: number;
        };
        const groups = new Map<
          string,
          { cooperativeId: number; deliveryDate: Date; lines: SubLine[] }
        >();
        for (const line of lines) {
          const window = byId.get(line.windowId)!;
          const key = `${window.listing.cooperativeId}:${dateOnly(window.deliveryDate)}`;
          const group = groups.get(key) ?? {
            cooperativeId: window.listing.cooperativeId,
            deliveryDate: window.deliveryDate,
            lines: [],
          };
          group.lines.push({
            windowId: line.windowId,
            listingId: window.listing.id,
            quantity: line.quantity,
            unitPriceMinor: window.listing.priceMinor,
            amountMinor: window.listing.priceMinor * line.quantity,
          });
          groups.set(key, group);
        }
        const total = [...groups.values()]
          .flatMap((g) => g.lines)
          .reduce((sum, l) => sum + l.amountMinor, 0);
        if (!Number.isSafeInteger(total) || total > MAX_INT)
          throw new OrderError("orders.tooLarge");

        const earliestCutoff = Math.min(...windows.map((w) => w.cutoffAt.getTime()));
        const paymentDueAt =
          paymentMethod === "CASH_ON_DELIVERY"
            ? null
            : new Date(
                Math.min(now.getTime() + env.ORDER_PAYMENT_HOURS * 3_600_000, earliestCutoff),
              );
        const order = await tx.order.create({
          data: {
            buyerId: input.buyerId,
            placedById: input.placedById,
            currency: currency!,
            totalMinor: total,
            paymentMethod,
            paymentDueAt,
            weightTolerancePct,
            idempotencyKey: input.idempotencyKey,
            standingOrderId: input.standing?.standingOrderId,
            standingWeek: input.standing?.week,
            subOrders: {
              create: [...groups.values()].map((group) => ({
                cooperativeId: group.cooperativeId,
                deliveryDate: group.deliveryDate,
                totalMinor: group.lines.reduce((sum, l) => sum + l.amountMinor, 0),
                lines: { create: group.lines },
              })),
            },
          },
          select: { id: true, subOrders: { select: { id: true, cooperativeId: true } } },
        });
        toWake = await notifyOrganizations(
          tx,
          order.subOrders.map((s) => ({
            organizationId: s.cooperativeId,
            kind: "ORDER_PLACED" as const,
            subOrderId: s.id,
            orderId: order.id,
          })),
        );
        // Cash on delivery needs nothing before the cooperative decides: payment counts as secured.
        if (paymentMethod === "CASH_ON_DELIVERY") {
          for (const subOrder of order.subOrders) {
            await moveSubOrder(tx, subOrder.id, "CONFIRMED", "SYSTEM", {
              userId: input.placedById,
              reason: "orders.reason.cashOnDelivery",
            });
          }
        }
        await input.onPlaced?.(tx, order.id);
        return { orderId: order.id, created: true };
      },
      { maxWait: 20_000, timeout: 20_000 },
    );
    await wakeOutbox(toWake);
    return placed;
  } catch (error) {
    // Two submissions of the same checkout at once: the unique key lets one through.
    if ((error as { code?: string }).code === "P2002") {
      const order = await prisma.order.findUnique({
        where: { idempotencyKey: input.idempotencyKey },
        select: { id: true },
      });
      if (order) return { orderId: order.id, created: false };
    }
    throw error;
  }
}

// Telegram copies of the notices a transaction wrote, by transaction: woken after its commit, so a
// message is never sent for a change that rolled back. A transaction that is not ours (a caller's)
// has no list and leaves its messages to the outbox sweep.
const wakeAfterCommit = new WeakMap<Tx, number[]>();

async function transactionWaking<T>(
  fn: (tx: Tx) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
) {
  let ids: number[] = [];
  const result = await prisma.$transaction(async (tx) => {
    ids = [];
    wakeAfterCommit.set(tx, ids);
    return fn(tx);
  }, options);
  await wakeOutbox(ids);
  return result;
}

export type Actor = { userId: number | null; reason?: string; ipAddress?: string };

const notifyOnMove: Partial<
  Record<SubOrderStatus, { kind: NotificationKind; to: "buyer" | "cooperative" }>
> = {
  ACCEPTED: { kind: "ORDER_ACCEPTED", to: "buyer" },
  REJECTED: { kind: "ORDER_REJECTED", to: "buyer" },
  PACKED: { kind: "ORDER_PACKED", to: "buyer" },
  DELIVERED: { kind: "ORDER_DELIVERED", to: "cooperative" },
};

/**
 * The one way a sub-order changes state: the state machine must allow `party` the move, the row must
 * still be in the state we read (conditional update, so two people clicking at once move it once),
 * reservations are released where the machine says so, and the step is recorded with who and why.
 */
async function moveSubOrder(
  tx: Tx,
  subOrderId: number,
  to: SubOrderStatus,
  party: Party,
  actor: Actor,
  now = new Date(),
) {
  const subOrder = await tx.subOrder.findUnique({
    where: { id: subOrderId },
    select: {
      status: true,
      cooperativeId: true,
      orderId: true,
      order: { select: { buyerId: true } },
      lines: { select: { windowId: true, quantity: true, window: { select: { cutoffAt: true } } } },
    },
  });
  if (!subOrder) throw new OrderError("orders.notFound");
  const cutoff = Math.min(...subOrder.lines.map((l) => l.window.cutoffAt.getTime()));
  if (!mayMove(party, subOrder.status, to, { beforeCutoff: now.getTime() < cutoff })) {
    const onlyTooLate = mayMove(party, subOrder.status, to, { beforeCutoff: true });
    throw new OrderError(onlyTooLate ? "orders.cancelAfterCutoff" : "orders.illegalTransition");
  }
  const moved = await tx.subOrder.updateMany({
    where: { id: subOrderId, status: subOrder.status },
    data: { status: to },
  });
  if (moved.count !== 1) throw new OrderError("orders.illegalTransition");
  if (releasesReservation.has(to)) {
    for (const line of [...subOrder.lines].sort((a, b) => a.windowId - b.windowId)) {
      await tx.$executeRaw`UPDATE "DeliveryWindow" SET "reserved" = "reserved" - ${line.quantity} WHERE "id" = ${line.windowId}`;
    }
    await recordWindowReservationChange(
      tx,
      subOrder.lines.map((line) => line.windowId),
    );
  }
  await tx.subOrderTransition.create({
    data: {
      subOrderId,
      from: subOrder.status,
      to,
      actorUserId: actor.userId,
      reason: actor.reason,
    },
    select: { id: true },
  });
  const notify =
    to === "CANCELLED"
      ? { kind: "ORDER_CANCELLED" as const, to: party === "BUYER" ? "cooperative" : "buyer" }
      : notifyOnMove[to];
  if (notify) {
    // A delivery is news for both sides: the buyer's record of it, and the cooperative's sign to settle.
    const recipients =
      to === "DELIVERED"
        ? [subOrder.order.buyerId, subOrder.cooperativeId]
        : [notify.to === "buyer" ? subOrder.order.buyerId : subOrder.cooperativeId];
    const ids = await notifyOrganizations(
      tx,
      recipients.map((organizationId) => ({
        organizationId,
        kind: notify.kind,
        subOrderId,
        orderId: subOrder.orderId,
      })),
    );
    wakeAfterCommit.get(tx)?.push(...ids);
  }
  await recordAudit(
    {
      action: "order.transition",
      actorUserId: actor.userId,
      organizationId: party === "BUYER" ? subOrder.order.buyerId : subOrder.cooperativeId,
      targetType: "SubOrder",
      targetId: subOrderId,
      details: { from: subOrder.status, to, party, reason: actor.reason ?? null },
      ipAddress: actor.ipAddress,
    },
    tx,
  );
}

/**
 * Moves a sub-order on behalf of `party` (default: Phsar itself, e.g. when a payment is secured),
 * in its own transaction.
 */
export async function transitionSubOrder(
  subOrderId: number,
  to: SubOrderStatus,
  actor: Actor & { party?: Party },
  now = new Date(),
) {
  await transactionWaking((tx) =>
    moveSubOrder(tx, subOrderId, to, actor.party ?? "SYSTEM", actor, now),
  );
}

/** Ownership is part of the lookup: a cooperative reaches only its own sub-orders, a buyer its own. */
async function requireSubOrder(
  tx: Tx,
  subOrderId: number,
  owner: { cooperativeId: number } | { buyerId: number },
) {
  const subOrder = await tx.subOrder.findFirst({
    where:
      "cooperativeId" in owner
        ? { id: subOrderId, cooperativeId: owner.cooperativeId }
        : { id: subOrderId, order: { buyerId: owner.buyerId } },
    select: {
      id: true,
      orderId: true,
      status: true,
      order: { select: { weightTolerancePct: true } },
      lines: {
        select: {
          id: true,
          windowId: true,
          quantity: true,
          unitPriceMinor: true,
          packedQuantityMilli: true,
          listing: { select: { product: { select: { unit: true } } } },
        },
      },
    },
  });
  if (!subOrder) throw new OrderError("orders.notFound");
  return subOrder;
}

// Checked here, not only in the route, so no caller can accept or reject for a cooperative it does
// not lead; before the lookup, so an outsider learns nothing about the sub-order.
function assertMayDecide(actor: CommandActor, cooperativeId: number) {
  if (!can(actor, "decide:orders:own", cooperativeId)) throw new OrderError("orders.forbidden");
}

export async function acceptSubOrder(
  subOrderId: number,
  cooperativeId: number,
  actor: CommandActor,
) {
  assertMayDecide(actor, cooperativeId);
  const by = { userId: actor.id, ipAddress: actor.ipAddress };
  return transactionWaking(async (tx) => {
    await requireSubOrder(tx, subOrderId, { cooperativeId });
    await moveSubOrder(tx, subOrderId, "ACCEPTED", "COOPERATIVE", by);
  });
}

export async function rejectSubOrder(
  subOrderId: number,
  cooperativeId: number,
  actor: CommandActor & { reason?: string },
) {
  assertMayDecide(actor, cooperativeId);
  const by = { userId: actor.id, ipAddress: actor.ipAddress, reason: actor.reason };
  await transactionWaking(async (tx) => {
    await requireSubOrder(tx, subOrderId, { cooperativeId });
    await moveSubOrder(tx, subOrderId, "REJECTED", "COOPERATIVE", by);
  });
  await money().followAmountDue(subOrderId);
}

export async function cancelSubOrder(
  subOrderId: number,
  buyerId: number,
  actor: Actor,
  now = new Date(),
) {
  await transactionWaking(async (tx) => {
    await requireSubOrder(tx, subOrderId, { buyerId });
    await moveSubOrder(tx, subOrderId, "CANCELLED", "BUYER", actor, now);
  });
  await money().followAmountDue(subOrderId);
}

/** A quantity for one line, in thousandths of the unit. */
export type LineQuantity = { lineId: number; milli: number };

/** Problems keyed by order line id, so the form shows each beside its line. */
export class LineQuantityError extends OrderError {
  constructor(public readonly problems: Record<number, string>) {
    super("orders.lineProblems");
    this.name = "LineQuantityError";
  }
}

function quantitiesByLine(lines: { id: number }[], given: LineQuantity[]): Map<number, number> {
  const byLine = new Map(given.map((g) => [g.lineId, g.milli]));
  const problems: Record<number, string> = {};
  for (const line of lines) {
    const milli = byLine.get(line.id);
    if (milli === undefined || !Number.isInteger(milli) || milli < 0 || milli > MAX_INT)
      problems[line.id] = "orders.quantity";
  }
  if (given.some((g) => !lines.some((l) => l.id === g.lineId)))
    throw new OrderError("orders.notFound");
  if (Object.keys(problems).length) throw new LineQuantityError(problems);
  return byLine as Map<number, number>;
}

/**
 * The cooperative records what it packed for each line. Goods sold by weight are re-priced for the
 * weight packed, within the tolerance the buyer accepted; counted goods may be short, never over.
 */
export async function packSubOrder(
  subOrderId: number,
  cooperativeId: number,
  packed: LineQuantity[],
  actor: Actor,
) {
  await transactionWaking(async (tx) => {
    // The sub-order before its windows, as a cancellation takes them, so the two never deadlock.
    await tx.$queryRaw`SELECT "id" FROM "SubOrder" WHERE "id" = ${subOrderId} FOR UPDATE`;
    const subOrder = await requireSubOrder(tx, subOrderId, { cooperativeId });
    const byLine = quantitiesByLine(subOrder.lines, packed);
    const problems: Record<number, string> = {};
    for (const line of subOrder.lines) {
      const problem = checkPacked(
        byLine.get(line.id)!,
        { quantity: line.quantity, unit: line.listing.product.unit },
        subOrder.order.weightTolerancePct,
      );
      if (problem) problems[line.id] = problem;
    }
    if (Object.keys(problems).length) throw new LineQuantityError(problems);
    Object.assign(problems, await overPledged(tx, subOrderId, subOrder.lines, byLine));
    if (Object.keys(problems).length) throw new LineQuantityError(problems);
    await moveSubOrder(tx, subOrderId, "PACKED", "COOPERATIVE", actor);
    const total = await writeFinalAmounts(
      tx,
      subOrderId,
      subOrder.lines,
      byLine,
      "packedQuantityMilli",
    );
    // Paid in advance (or put on the buyer's account): the sale is recorded at what was paid and
    // the buyer cannot be asked for more here, so extra weight may not cost more than that.
    const sold = await money().saleGrossMinor(tx, {
      id: subOrderId,
      orderId: subOrder.orderId,
      cooperativeId,
    });
    if (sold !== null && total > sold) throw new OrderError("orders.packedOverPaid");
  });
  await money().followAmountDue(subOrderId);
}

/**
 * Weight packed above what was ordered comes out of the members' pledges: under the window's lock,
 * what this sub-order packs plus what the window's other live orders packed (or, not yet packed,
 * ordered) may not pass the pledged capacity. Packing less than ordered is always allowed.
 */
async function overPledged(
  tx: Tx,
  subOrderId: number,
  lines: { id: number; windowId: number; quantity: number }[],
  byLine: Map<number, number>,
) {
  const problems: Record<number, string> = {};
  const over = lines.filter((line) => byLine.get(line.id)! > line.quantity * MILLI);
  for (const windowId of [...new Set(over.map((line) => line.windowId))].sort((a, b) => a - b)) {
    const [window] = await tx.$queryRaw<{ capacity: number }[]>`
      SELECT "capacity" FROM "DeliveryWindow" WHERE "id" = ${windowId} FOR UPDATE`;
    const [others] = await tx.$queryRaw<{ milli: bigint | null }[]>`
      SELECT SUM(COALESCE(l."packedQuantityMilli"::bigint, l."quantity"::bigint * ${MILLI}))::bigint AS "milli"
        FROM "OrderLine" l JOIN "SubOrder" s ON s."id" = l."subOrderId"
       WHERE l."windowId" = ${windowId} AND s."id" <> ${subOrderId}
         AND s."status" NOT IN ('CANCELLED', 'REJECTED')`;
    const mine = lines
      .filter((line) => line.windowId === windowId)
      .reduce((sum, line) => sum + byLine.get(line.id)!, 0);
    if (Number(others?.milli ?? 0) + mine > (window?.capacity ?? 0) * MILLI) {
      for (const line of over.filter((l) => l.windowId === windowId))
        problems[line.id] = "orders.packedOverPledged";
    }
  }
  return problems;
}

async function writeFinalAmounts(
  tx: Tx,
  subOrderId: number,
  lines: { id: number; unitPriceMinor: number }[],
  byLine: Map<number, number>,
  column: "packedQuantityMilli" | "deliveredQuantityMilli",
) {
  let total = 0;
  for (const line of lines) {
    const milli = byLine.get(line.id)!;
    const finalAmountMinor = amountForMilli(line.unitPriceMinor, milli);
    total += finalAmountMinor;
    await tx.orderLine.update({
      where: { id: line.id },
      data: { [column]: milli, finalAmountMinor },
      select: { id: true },
    });
  }
  if (total > MAX_INT) throw new OrderError("orders.tooLarge");
  await tx.subOrder.update({
    where: { id: subOrderId },
    data: { finalTotalMinor: total },
    select: { id: true },
  });
  return total;
}

/**
 * The buyer confirms delivery and records what arrived per line (at most what was packed); the
 * amount owed follows what arrived.
 */
export async function confirmDelivery(
  subOrderId: number,
  buyerId: number,
  delivered: LineQuantity[],
  actor: Actor,
) {
  await transactionWaking(async (tx) => {
    const subOrder = await requireSubOrder(tx, subOrderId, { buyerId });
    if (subOrder.status !== "PACKED") throw new OrderError("orders.illegalTransition");
    const byLine = quantitiesByLine(subOrder.lines, delivered);
    const problems: Record<number, string> = {};
    for (const line of subOrder.lines) {
      const problem = checkDelivered(byLine.get(line.id)!, {
        packedMilli: line.packedQuantityMilli ?? line.quantity * MILLI,
        unit: line.listing.product.unit,
      });
      if (problem) problems[line.id] = problem;
    }
    if (Object.keys(problems).length) throw new LineQuantityError(problems);
    await moveSubOrder(tx, subOrderId, "DELIVERED", "BUYER", actor);
    await writeFinalAmounts(tx, subOrderId, subOrder.lines, byLine, "deliveredQuantityMilli");
  });
  await money().followAmountDue(subOrderId);
}

/** Payment is secured for an order: its waiting sub-orders go to their cooperatives to decide. */
export function secureOrderPayment(orderId: number, actor: Actor) {
  return moveWaitingSubOrders(orderId, "CONFIRMED", actor);
}

/** Payment failed: the waiting sub-orders are cancelled and their reservations released. */
export function failOrderPayment(orderId: number, actor: Actor) {
  return moveWaitingSubOrders(orderId, "CANCELLED", actor);
}

async function moveWaitingSubOrders(orderId: number, to: SubOrderStatus, actor: Actor) {
  const moved = await transactionWaking(async (tx) => {
    // Locked in id order (as the money paths lock them) and re-checked after the wait: a payment
    // landing at the same moment as the expiry moves each sub-order once, never both ways.
    const waiting = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "SubOrder" WHERE "orderId" = ${orderId} AND "status" = 'PLACED'
      ORDER BY "id" FOR UPDATE`;
    for (const subOrder of waiting) await moveSubOrder(tx, subOrder.id, to, "SYSTEM", actor);
    return waiting;
  });
  // A cancelled sub-order's waiting payment is closed, so no one records money for it.
  for (const subOrder of moved) await money().followAmountDue(subOrder.id);
  return moved.length;
}

/**
 * Orders that needed payment first and are still unpaid after their due time are cancelled. One run
 * at a time (job lock); a run that finds another one going does nothing.
 */
export async function expireUnpaidOrders(now = new Date()) {
  return (await withJobLock("orders-expire-unpaid", () => expireUnpaidNow(now))) ?? 0;
}

async function expireUnpaidNow(now: Date) {
  const due = await prisma.order.findMany({
    where: { paymentDueAt: { lte: now }, subOrders: { some: { status: "PLACED" } } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  let cancelled = 0;
  // One order that cannot be expired is logged and retried next run; the others still go.
  for (const order of due) {
    try {
      cancelled += await failOrderPayment(order.id, {
        userId: null,
        reason: "orders.reason.unpaidExpired",
      });
    } catch (error) {
      console.warn(`Order ${order.id} not expired: ${String(error)}`);
    }
  }
  return cancelled;
}

/**
 * A packed sub-order the buyer has not confirmed within `days` after its delivery date counts as
 * delivered in full (what was packed). One run at a time (job lock); a sub-order that cannot be
 * confirmed (the buyer confirmed it at that moment, a failure) is logged and the rest go on.
 */
export async function autoConfirmDeliveries(
  now = new Date(),
  days = env.DELIVERY_AUTO_CONFIRM_DAYS,
) {
  return (await withJobLock("orders-auto-confirm", () => autoConfirmNow(now, days))) ?? 0;
}

async function autoConfirmNow(now: Date, days: number) {
  const lastDate: IsoDate = addDays(cambodiaToday(now), -days);
  const due = await prisma.subOrder.findMany({
    where: { status: "PACKED", deliveryDate: { lt: dateColumn(lastDate) } },
    select: {
      id: true,
      order: { select: { buyerId: true } },
      lines: { select: { id: true, packedQuantityMilli: true, quantity: true } },
    },
    orderBy: { id: "asc" },
  });
  let confirmed = 0;
  for (const subOrder of due) {
    try {
      await transactionWaking(async (tx) => {
        await moveSubOrder(tx, subOrder.id, "DELIVERED", "SYSTEM", {
          userId: null,
          reason: "orders.reason.autoConfirmed",
        });
        const lines = await tx.orderLine.findMany({
          where: { subOrderId: subOrder.id },
          select: { id: true, unitPriceMinor: true },
        });
        const byLine = new Map(
          subOrder.lines.map((l) => [l.id, l.packedQuantityMilli ?? l.quantity * MILLI]),
        );
        await writeFinalAmounts(tx, subOrder.id, lines, byLine, "deliveredQuantityMilli");
      });
      confirmed++;
    } catch (error) {
      console.warn(`Sub-order ${subOrder.id} not auto-confirmed: ${String(error)}`);
      continue;
    }
    // The delivery stands; a follow-up that fails is redone by payments-follow-amounts.
    await money()
      .followAmountDue(subOrder.id)
      .catch((error: unknown) =>
        console.warn(`Sub-order ${subOrder.id} amount not followed: ${String(error)}`),
      );
  }
  return confirmed;
}
