// Standing orders (issue #25, cases 5, 6, 7): weeks keep the agreed price and currency (a change
// pauses and asks the buyer), start their payment as checkout does, and a stop is seen inside the
// week's transaction.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { grantCreditTerms } from "~/payments/credit.server";
import { addDays, dateColumn, dateOnly } from "~/calendar/dates";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { holdLocks } from "../../tests/lock-fixtures";
import { at, buildStandingOrder, weekOrders } from "../../tests/standing-fixtures";
import { seedDemoData } from "../../prisma/seed";
import { placeOrder } from "~/orders/orders.server";
import {
  agreeToStandingPrices,
  createStandingOrder,
  runStandingOrders,
  stopStandingOrder,
} from "./standing.server";

let buyerId: number;
let userId: number;
let cooperativeId: number;
const DAY = 86_400_000;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  userId = buyer.id;
  cooperativeId = (await cooperativeIds())[0]!;
});

const base = () => ({ buyerId, userId, cooperativeId });

const standingState = (id: number) =>
  prisma.standingOrder.findUniqueOrThrow({
    where: { id },
    select: { active: true, pausedAt: true, pauseDetails: true },
  });

const holdStanding = (id: number) =>
  holdLocks([{ sql: `SELECT "id" FROM "StandingOrder" WHERE "id" = $1 FOR UPDATE`, values: [id] }]);

describe("case 7: stopping while the job runs", () => {
  test("queued behind the standing order's lock, a stop made meanwhile is seen: nothing placed", async () => {
    const s = await buildStandingOrder(base());
    const lock = await holdStanding(s.standingOrderId);
    const run = runStandingOrders(at(3));
    try {
      await lock.waitForQueue(1);
      await lock.query(`UPDATE "StandingOrder" SET "active" = false WHERE "id" = $1`, [
        s.standingOrderId,
      ]);
    } finally {
      await lock.release();
    }
    await run;
    expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(0);
    expect(
      await prisma.deliveryWindow.findUniqueOrThrow({
        where: { id: s.week1! },
        select: { reserved: true },
      }),
    ).toEqual({ reserved: 0 });
  });

  test("in real parallel with the job: every stop holds, and a week is placed whole or not at all", async () => {
    const built = [];
    for (let i = 0; i < 4; i++) built.push(await buildStandingOrder(base()));
    const results = await Promise.allSettled([
      runStandingOrders(at(3)),
      ...built.map((s) => stopStandingOrder(s.standingOrderId, buyerId)),
    ]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    for (const s of built) {
      expect((await standingState(s.standingOrderId)).active).toBe(false);
      const orders = await weekOrders(s.standingOrderId, 1);
      const runs = await prisma.standingOrderRun.count({
        where: { standingOrderId: s.standingOrderId, week: 1 },
      });
      expect(runs).toBe(orders.length);
    }
    // Once stopped, later runs place nothing.
    await runStandingOrders(at(3));
    for (const s of built)
      expect(
        await prisma.standingOrderRun.count({ where: { standingOrderId: s.standingOrderId } }),
      ).toBeLessThanOrEqual(2);
  });
});

describe("case 5: the agreed price and currency", () => {
  test("a price change pauses the week and asks the buyer; once agreed, the week is placed at it", async () => {
    const s = await buildStandingOrder({ ...base(), priceMinor: 2_000, quantity: 5 });
    await prisma.listing.update({ where: { id: s.listingId }, data: { priceMinor: 2_600 } });
    expect(await runStandingOrders(at(3))).toBe(0);
    expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(0);
    const state = await standingState(s.standingOrderId);
    expect(state.pausedAt).not.toBeNull();
    expect(state.pauseDetails).toMatchObject([
      {
        listingId: s.listingId,
        reason: "orders.priceChanged",
        agreedPriceMinor: 2_000,
        priceMinor: 2_600,
      },
    ]);
    expect(
      await prisma.notification.count({
        where: { organizationId: buyerId, kind: "STANDING_ORDER_PAUSED" },
      }),
    ).toBeGreaterThan(0);
    expect(await runStandingOrders(at(3))).toBe(0); // still waiting for the buyer
    await agreeToStandingPrices(s.standingOrderId, buyerId);
    expect(await runStandingOrders(at(3))).toBe(1);
    expect(await weekOrders(s.standingOrderId, 1)).toMatchObject([{ totalMinor: 13_000 }]);
  });

  test("a price changed while the week waits for its lock is caught inside the transaction", async () => {
    const s = await buildStandingOrder({ ...base(), priceMinor: 2_000 });
    const lock = await holdStanding(s.standingOrderId);
    const run = runStandingOrders(at(3));
    try {
      await lock.waitForQueue(1);
      await lock.query(`UPDATE "Listing" SET "priceMinor" = 2600 WHERE "id" = $1`, [s.listingId]);
    } finally {
      await lock.release();
    }
    await run;
    expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(0);
    expect((await standingState(s.standingOrderId)).pauseDetails).toMatchObject([
      { listingId: s.listingId, reason: "orders.priceChanged", priceMinor: 2_600 },
    ]);
  });

  test("a listing switched to dollars pauses the week and is the line blamed; no dollar order", async () => {
    // Two lines; the one switched to dollars has the lower window id in week 1.
    const riel = await buildWindow({ cooperativeId, pledges: [50], days: 3 });
    const dollar = await buildWindow({ cooperativeId, pledges: [50], days: 3 });
    for (const w of [dollar, riel])
      await prisma.deliveryWindow.create({
        data: {
          listingId: w.listingId,
          deliveryDate: dateColumn(addDays(dateOnly(w.deliveryDate), 7)),
          cutoffAt: new Date(w.cutoffAt.getTime() + 7 * DAY),
          capacity: 50,
        },
        select: { id: true },
      });
    let standingOrderId = 0;
    await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      lines: [
        { windowId: riel.id, quantity: 2 },
        { windowId: dollar.id, quantity: 3 },
      ],
      async onPlaced(tx, orderId) {
        standingOrderId = await createStandingOrder(tx, {
          firstOrderId: orderId,
          buyerId,
          createdById: userId,
          weeks: 3,
        });
      },
    });
    await prisma.listing.update({
      where: { id: dollar.listingId },
      data: { currency: "USD", priceMinor: 50 },
    });
    await runStandingOrders(at(3));
    expect(await weekOrders(standingOrderId, 1)).toEqual([]);
    expect((await standingState(standingOrderId)).pauseDetails).toMatchObject([
      { listingId: dollar.listingId, reason: "orders.currencyChanged", currency: "USD" },
    ]);
    // Agreeing would make one order in two currencies: only stopping is left.
    await expect(agreeToStandingPrices(standingOrderId, buyerId)).rejects.toMatchObject({
      key: "orders.mixedCurrencies",
    });
  });
});

describe("case 6: each week's payment is started as checkout starts it", () => {
  async function paymentsOfWeek1(standingOrderId: number) {
    const [order] = await weekOrders(standingOrderId, 1);
    expect(order).toBeDefined();
    return prisma.payment.findMany({
      where: { orderId: order!.id },
      select: { method: true, status: true, amountMinor: true, dueAt: true, reference: true },
    });
  }

  test("bank transfer: a pending payment with its reference", async () => {
    const s = await buildStandingOrder({ ...base(), paymentMethod: "BANK_TRANSFER" });
    await runStandingOrders(at(3));
    expect(await paymentsOfWeek1(s.standingOrderId)).toMatchObject([
      { method: "BANK_TRANSFER", status: "PENDING", amountMinor: 10_000 },
    ]);
  });

  test("KHQR: a pending payment to the cooperative's Bakong account", async () => {
    await prisma.paymentProfile.upsert({
      where: { organizationId: cooperativeId },
      create: { organizationId: cooperativeId, bakongAccountId: "coop@aclb" },
      update: { bakongAccountId: "coop@aclb" },
    });
    const s = await buildStandingOrder({ ...base(), paymentMethod: "KHQR" });
    await runStandingOrders(at(3));
    expect(await paymentsOfWeek1(s.standingOrderId)).toMatchObject([
      { method: "KHQR", status: "PENDING", amountMinor: 10_000 },
    ]);
  });

  test("on account: put on the buyer's account, so the week is confirmed, not cancelled later", async () => {
    const admin = await prisma.user.findUniqueOrThrow({
      where: { email: "admin@phsar.test" },
      select: {
        id: true,
        isAdmin: true,
        memberships: { select: { organizationId: true, role: true } },
      },
    });
    await grantCreditTerms(
      buyerId,
      { currency: "KHR", creditLimitMinor: 1_000_000, termDays: 14 },
      admin,
    );
    const s = await buildStandingOrder({
      ...base(),
      paymentMethod: "BANK_TRANSFER",
      payLater: true,
    });
    await runStandingOrders(at(3));
    const [payment] = await paymentsOfWeek1(s.standingOrderId);
    expect(payment!.dueAt).not.toBeNull();
    const [order] = await weekOrders(s.standingOrderId, 1);
    const subs = await prisma.subOrder.findMany({
      where: { orderId: order!.id },
      select: { status: true },
    });
    expect(subs).toEqual([{ status: "CONFIRMED" }]);
  });
});
