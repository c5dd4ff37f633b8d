import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import { buyerStatement, payLater } from "~/payments/credit.server";
import { paywayProvider, providerForMethod } from "~/payments/providers.server";
import { PaymentError, type PaymentActor } from "~/payments/settlement.server";
import { remainingOf } from "~/supply/rules";
import { failOrderPayment, OrderError, placeOrder } from "~/orders/orders.server";
import { createStandingOrder } from "./standing.server";
import { cardsTake } from "~/money/currency";
import { MAX_REPEAT_WEEKS, WEIGHT_TOLERANCES } from "~/orders/quantities";

/** Adds a delivery window to the person's cart, or sets its quantity if it is already there. */
export async function putInCart(
  userId: number,
  windowId: number,
  quantity: number,
  now = new Date(),
) {
  if (!Number.isInteger(quantity) || quantity <= 0)
    throw new OrderError("orders.quantity", windowId);
  const window = await prisma.deliveryWindow.findFirst({
    where: { id: windowId, cutoffAt: { gt: now }, listing: { status: "PUBLISHED" } },
    select: {
      id: true,
      capacity: true,
      reserved: true,
      listing: { select: { minOrderQuantity: true } },
    },
  });
  if (!window) throw new OrderError("orders.notAvailable", windowId);
  if (quantity < window.listing.minOrderQuantity)
    throw new OrderError("orders.belowMinimum", windowId);
  if (quantity > remainingOf(window)) throw new OrderError("orders.notEnoughRemaining", windowId);
  await prisma.cartItem.upsert({
    where: { userId_windowId: { userId, windowId } },
    create: { userId, windowId, quantity },
    update: { quantity },
    select: { id: true },
  });
}

export async function removeFromCart(userId: number, windowId: number) {
  await prisma.cartItem.deleteMany({ where: { userId, windowId } });
}

export async function cartCount(userId: number) {
  return prisma.cartItem.count({ where: { userId } });
}

/**
 * The cart with today's prices and what remains, grouped as the order will be: one group per
 * cooperative and delivery date. Lines that can no longer be ordered say why.
 */
export async function getCart(userId: number, now = new Date()) {
  const items = await prisma.cartItem.findMany({
    where: { userId },
    select: {
      quantity: true,
      window: {
        select: {
          id: true,
          deliveryDate: true,
          cutoffAt: true,
          capacity: true,
          reserved: true,
          listing: {
            select: {
              id: true,
              status: true,
              priceMinor: true,
              currency: true,
              minOrderQuantity: true,
              grade: true,
              product: { select: { nameKm: true, nameEn: true, unit: true } },
              cooperative: { select: { id: true, slug: true, nameKm: true, nameEn: true } },
            },
          },
        },
      },
    },
    orderBy: [{ window: { deliveryDate: "asc" } }, { addedAt: "asc" }],
  });
  // Through PayWay one code pays the whole order into the platform's account: always possible.
  const khqrAvailable =
    paywayProvider() !== null ||
    (await cooperativesTakeKhqr(items.map((item) => item.window.listing.cooperative.id)));
  const lines = items.map(({ quantity, window }) => {
    const remaining = remainingOf(window);
    const problem =
      window.listing.status !== "PUBLISHED"
        ? "orders.notAvailable"
        : window.cutoffAt <= now
          ? "orders.afterCutoff"
          : quantity < window.listing.minOrderQuantity
            ? "orders.belowMinimum"
            : quantity > remaining
              ? "orders.notEnoughRemaining"
              : null;
    return {
      windowId: window.id,
      quantity,
      remaining,
      deliveryDate: window.deliveryDate,
      cutoffAt: window.cutoffAt,
      listing: window.listing,
      amountMinor: window.listing.priceMinor * quantity,
      problem,
    };
  });
  const currencies = new Set(lines.map((l) => l.listing.currency));
  const totals = [...currencies].map((currency) => ({
    currency,
    totalMinor: lines
      .filter((l) => l.listing.currency === currency)
      .reduce((sum, l) => sum + l.amountMinor, 0),
  }));
  return {
    lines,
    totals,
    mixedCurrencies: currencies.size > 1,
    hasByWeight: lines.some((l) => l.listing.product.unit === "KG"),
    /**
     * KHQR: through PayWay when configured; else it pays each cooperative's own Bakong account,
     * offered only when every one has one.
     */
    khqrAvailable,
  };
}

/** Whether every one of these cooperatives can be paid by KHQR (has a Bakong account). */
async function cooperativesTakeKhqr(cooperativeIds: number[]) {
  const ids = [...new Set(cooperativeIds)];
  if (ids.length === 0) return false;
  const withAccount = await prisma.paymentProfile.count({
    where: { organizationId: { in: ids }, bakongAccountId: { not: null } },
  });
  return withAccount === ids.length;
}

export type CheckoutInput = {
  userId: number;
  /** The signed-in person, who starts paying the order. */
  payer: PaymentActor;
  buyerId: number;
  idempotencyKey: string;
  paymentMethod: PaymentMethod;
  weightTolerancePct: number;
  /** The prices the buyer saw, per window: a change since (or a tampered form) refuses the checkout. */
  expectedPrices: Map<number, number>;
  /** Repeat weekly for this many weeks (1 = just once). */
  repeatWeeks: number;
  /** On the buyer's account (pay-later terms): confirmed now, paid within the term. */
  payLater?: boolean;
};

/** The choices on the checkout form, checked here whoever calls (the form offers only these). */
function assertCheckoutOptions(input: CheckoutInput) {
  if (!(WEIGHT_TOLERANCES as readonly number[]).includes(input.weightTolerancePct))
    throw new OrderError("orders.toleranceInvalid");
  if (
    !Number.isInteger(input.repeatWeeks) ||
    input.repeatWeeks < 1 ||
    input.repeatWeeks > MAX_REPEAT_WEEKS
  )
    throw new OrderError("orders.repeatWeeksInvalid");
}

/**
 * Turns the cart into one order (and, when asked, a standing order repeating it weekly), then starts
 * paying it: each sub-order gets its payment and reference (and its KHQR code). The cart is emptied
 * in the same transaction as the order, so a failure leaves both the cart and the windows as they
 * were. Starting the payment again (a double submit) returns the same payments.
 */
export async function checkout(input: CheckoutInput, now = new Date()) {
  assertCheckoutOptions(input);
  if (input.payLater) return checkoutOnAccount(input, now);
  // Refused before anything is placed: a way of paying this Phsar cannot take.
  const provider = providerForMethod(input.paymentMethod);
  const placed = await placeFromCart(input, now);
  await provider.startPayment(placed.orderId, input.paymentMethod, input.payer);
  return placed;
}

/**
 * Pay later: the cart must fit in what the buyer's terms still allow before anything is placed; the
 * order is then put on the buyer's account (which confirms it). Should the account refuse it after
 * all (another order used the limit a moment earlier), the order is cancelled and its quantities
 * released, so nothing half-made remains.
 */
async function checkoutOnAccount(input: CheckoutInput, now: Date) {
  const cart = await getCart(input.userId, now);
  const currency = cart.totals[0]?.currency;
  if (!currency || cart.mixedCurrencies) throw new OrderError("orders.mixedCurrencies");
  const statement = await buyerStatement(input.buyerId, currency, now);
  if (statement.termDays === null) throw new OrderError("payments.noCreditTerms");
  if (cart.totals[0]!.totalMinor > statement.availableMinor)
    throw new OrderError("payments.overCreditLimit");
  // Bank transfer within the term: the order waits for payment until the account takes it.
  const placed = await placeFromCart({ ...input, paymentMethod: "BANK_TRANSFER" }, now);
  try {
    await payLater(placed.orderId, input.payer, now);
  } catch (error) {
    if (!(error instanceof PaymentError)) throw error;
    await failOrderPayment(placed.orderId, { userId: input.userId, reason: error.key });
    throw new OrderError(error.key);
  }
  return placed;
}

async function placeFromCart(input: CheckoutInput, now: Date) {
  try {
    return await placeCartOrder(input, now);
  } catch (error) {
    // A double-submitted checkout that queued behind the first: that one consumed the cart.
    if (error instanceof OrderError && error.key === "orders.cartChanged") {
      const existing = await existingOrder(input);
      if (existing) return existing;
    }
    throw error;
  }
}

async function existingOrder(input: CheckoutInput) {
  const existing = await prisma.order.findUnique({
    where: { idempotencyKey: input.idempotencyKey },
    select: { id: true, buyerId: true },
  });
  return existing && existing.buyerId === input.buyerId
    ? { orderId: existing.id, created: false }
    : null;
}

async function placeCartOrder(input: CheckoutInput, now: Date) {
  // Read without a lock for the checks that need no writes; the order's transaction then locks the
  // cart and refuses if it is no longer exactly this.
  const items = await prisma.cartItem.findMany({
    where: { userId: input.userId },
    select: {
      windowId: true,
      quantity: true,
      window: { select: { listing: { select: { cooperativeId: true, currency: true } } } },
    },
  });
  if (items.length === 0) {
    // A double-submitted checkout: the first one emptied the cart and made the order.
    const existing = await existingOrder(input);
    if (existing) return existing;
    throw new OrderError("orders.emptyCart");
  }
  for (const item of items) {
    if (!input.expectedPrices.has(item.windowId))
      throw new OrderError("orders.priceChanged", item.windowId);
  }
  // Refused before anything is written: cards are for dollars only.
  if (
    input.paymentMethod === "CARD" &&
    items.some((item) => !cardsTake(item.window.listing.currency))
  )
    throw new OrderError("payments.stripeUsdOnly");
  // Refused before anything is written: a KHQR code needs the cooperative's Bakong account
  // (through PayWay one code pays the platform's account instead).
  if (
    input.paymentMethod === "KHQR" &&
    !paywayProvider() &&
    !(await cooperativesTakeKhqr(items.map((item) => item.window.listing.cooperativeId)))
  )
    throw new OrderError("orders.khqrNotAvailable");
  const ordered = new Map(items.map((item) => [item.windowId, item.quantity]));
  return placeOrder(
    {
      buyerId: input.buyerId,
      placedById: input.userId,
      idempotencyKey: input.idempotencyKey,
      paymentMethod: input.paymentMethod,
      weightTolerancePct: input.weightTolerancePct,
      lines: items.map((item) => ({
        windowId: item.windowId,
        quantity: item.quantity,
        expectedUnitPriceMinor: input.expectedPrices.get(item.windowId),
      })),
      // The cart is consumed under its rows' locks: a checkout from another device waits here and
      // then finds it empty (or changed), and the order holds exactly the rows it deleted.
      async claim(tx) {
        const rows = await tx.$queryRaw<{ id: number; windowId: number; quantity: number }[]>`
          SELECT "id", "windowId", "quantity" FROM "CartItem"
           WHERE "userId" = ${input.userId} ORDER BY "id" FOR UPDATE`;
        if (
          rows.length !== ordered.size ||
          rows.some((row) => ordered.get(row.windowId) !== row.quantity)
        )
          throw new OrderError("orders.cartChanged");
        const deleted = await tx.cartItem.deleteMany({
          where: { id: { in: rows.map((row) => row.id) } },
        });
        if (deleted.count !== rows.length) throw new OrderError("orders.cartChanged");
      },
      async onPlaced(tx, orderId) {
        if (input.repeatWeeks > 1) {
          await createStandingOrder(tx, {
            firstOrderId: orderId,
            buyerId: input.buyerId,
            createdById: input.userId,
            weeks: input.repeatWeeks,
            payLater: input.payLater,
          });
        }
      },
    },
    now,
  );
}

/** The buyer's pay-later terms in this currency, if it has any: what it may still put on account. */
export async function accountFor(buyerId: number, currency: "KHR" | "USD" | undefined) {
  if (!currency) return null;
  const statement = await buyerStatement(buyerId, currency);
  return statement.termDays === null
    ? null
    : { availableMinor: statement.availableMinor, termDays: statement.termDays, currency };
}
