import { prisma } from "~/db/db.server";
import { recordWindowReservationChange } from "~/search/sync.server";
import { type Currency, type SubOrderStatus } from "~/db/generated/enums";
import { canTransition, releasesReservation } from "./state-machine";

/** A refusal the buyer can act on; `key` is a translation key, `windowId` the line it concerns. */
export class OrderError extends Error {
  constructor(
    public readonly key: string,
    public readonly windowId?: number,
  ) {
    super(key);
    this.name = "OrderError";
  }
}

export type CartLine = { windowId: number; quantity: number };

/**
 * Places an order: prices are read from the listings now (nothing the browser sends about prices
 * is trusted), every line's quantity is reserved with one conditional UPDATE per window, and the
 * order, its sub-orders (one per cooperative) and lines are written in the same transaction. Any
 * refusal rolls everything back, so no reservation or order is left behind. A repeated
 * idempotency key returns the order it already made.
 */
export async function placeOrder(
  input: { buyerId: number; placedById: number; idempotencyKey: string; lines: CartLine[] },
  now = new Date(),
) {
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

  try {
    return await prisma.$transaction(
      async (tx) => {
        const windows = await tx.deliveryWindow.findMany({
          where: { id: { in: windowIds } },
          select: {
            id: true,
            cutoffAt: true,
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
          if (!Number.isInteger(line.quantity) || line.quantity <= 0)
            throw new OrderError("orders.quantity", line.windowId);
          if (line.quantity < window.listing.minOrderQuantity)
            throw new OrderError("orders.belowMinimum", line.windowId);
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

        const byCooperative = new Map<
          number,
          {
            windowId: number;
            listingId: number;
            quantity: number;
            unitPriceMinor: number;
            amountMinor: number;
          }[]
        >();
        for (const line of lines) {
          const window = byId.get(line.windowId)!;
          const group = byCooperative.get(window.listing.cooperativeId) ?? [];
          group.push({
            windowId: line.windowId,
            listingId: window.listing.id,
            quantity: line.quantity,
            unitPriceMinor: window.listing.priceMinor,
            amountMinor: window.listing.priceMinor * line.quantity,
          });
          byCooperative.set(window.listing.cooperativeId, group);
        }
        const total = [...byCooperative.values()].flat().reduce((sum, l) => sum + l.amountMinor, 0);
        if (!Number.isSafeInteger(total) || total > 2_147_483_647)
          throw new OrderError("orders.tooLarge");
        const order = await tx.order.create({
          data: {
            buyerId: input.buyerId,
            placedById: input.placedById,
            currency: currency!,
            totalMinor: total,
            idempotencyKey: input.idempotencyKey,
            subOrders: {
              create: [...byCooperative].map(([cooperativeId, subLines]) => ({
                cooperativeId,
                totalMinor: subLines.reduce((sum, l) => sum + l.amountMinor, 0),
                lines: { create: subLines },
              })),
            },
          },
          select: { id: true },
        });
        return { orderId: order.id, created: true };
      },
      { maxWait: 20_000, timeout: 20_000 },
    );
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

/**
 * Moves a sub-order from one state to the next, if the state machine allows it and nobody moved it
 * first (conditional update on the current state). Rejection and cancellation give the reserved
 * quantities back to their delivery windows in the same transaction.
 */
export async function transitionSubOrder(
  subOrderId: number,
  to: SubOrderStatus,
  actor: { userId: number | null; reason?: string },
) {
  await prisma.$transaction(async (tx) => {
    const subOrder = await tx.subOrder.findUnique({
      where: { id: subOrderId },
      select: { status: true, lines: { select: { windowId: true, quantity: true } } },
    });
    if (!subOrder) throw new OrderError("orders.notFound");
    if (!canTransition(subOrder.status, to)) throw new OrderError("orders.illegalTransition");
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
  });
}
