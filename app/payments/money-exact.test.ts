// The ways the books went wrong (issue #16), manual provider and pay-later, riel at a 3 % union
// fee: each as it was reproduced, racing calls both in real parallel and queued behind a held lock.
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";

vi.hoisted(() => {
  process.env.PLATFORM_FEE_BPS = "300";
});

import { prisma } from "~/db/db.server";
import {
  acceptSubOrder,
  confirmDelivery,
  packSubOrder,
  placeOrder,
  rejectSubOrder,
} from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow } from "../../tests/builders";
import { expectMoneyExact, holdSubOrderLocks } from "../../tests/money-fixtures";
import { paymentActor as actor } from "../../tests/payments-fixtures";
import { followAllAmountsDue, followAmountDue } from "./adjustments.server";
import { grantCreditTerms, payLater } from "./credit.server";
import { buyerOwes, cooperativeBalance } from "./ledger.server";
import { manualProvider, markReceived } from "./manual.server";
import { type PaymentActor } from "./settlement.server";

let buyer: PaymentActor;
let admin: PaymentActor;
let buyerId: number;
let cooperativeId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  cooperativeId = (await actor("lead@phsar.test")).memberships[0]!.organizationId;
  await grantCreditTerms(
    buyerId,
    { currency: "KHR", creditLimitMinor: 10_000_000, termDays: 30 },
    admin,
  );
});

/** An order of `kg` per line, one line per (price, delivery day), all from one cooperative. */
async function order(lines: { priceMinor: number; kg: number; days: number }[]) {
  const windows = [];
  for (const line of lines)
    windows.push({
      windowId: (
        await buildWindow({
          cooperativeId,
          priceMinor: line.priceMinor,
          pledges: [line.kg * 2],
          days: line.days,
        })
      ).id,
      quantity: line.kg,
    });
  const { orderId } = await placeOrder({
    buyerId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: "BANK_TRANSFER",
    weightTolerancePct: 10,
    lines: windows,
  });
  return prisma.subOrder.findMany({
    where: { orderId },
    orderBy: { deliveryDate: "asc" },
    select: { id: true, orderId: true, totalMinor: true },
  });
}

/** The buyer pays each sub-order to the cooperative and the lead records it. */
async function pay(orderId: number) {
  await manualProvider.startPayment(orderId, "BANK_TRANSFER", buyer);
  const payments = await prisma.payment.findMany({
    where: { orderId, status: "PENDING" },
    orderBy: { id: "asc" },
    select: { id: true, amountMinor: true },
  });
  for (const p of payments) await markReceived(p.id, { amountMinor: p.amountMinor }, admin);
}

const linesOf = (subOrderId: number) =>
  prisma.orderLine.findMany({
    where: { subOrderId },
    orderBy: { id: "asc" },
    select: { id: true, quantity: true },
  });

async function pack(subOrderId: number, kg?: number) {
  await acceptSubOrder(subOrderId, cooperativeId, admin);
  const lines = await linesOf(subOrderId);
  await packSubOrder(
    subOrderId,
    cooperativeId,
    lines.map((l) => ({ lineId: l.id, milli: (kg ?? l.quantity) * 1000 })),
    { userId: admin.id },
  );
}

async function confirm(subOrderId: number, kg?: number) {
  const lines = await linesOf(subOrderId);
  await confirmDelivery(
    subOrderId,
    buyerId,
    lines.map((l) => ({ lineId: l.id, milli: (kg ?? l.quantity) * 1000 })),
    { userId: buyer.id },
  );
}

const refundsOf = (subOrderId: number) =>
  prisma.refund.findMany({
    where: { subOrderId, status: { not: "FAILED" } },
    select: { amountMinor: true, netMinor: true },
  });
const sum = (rows: { amountMinor: number }[]) => rows.reduce((s, r) => s + r.amountMinor, 0);
const transfersOf = (subOrderId: number) =>
  prisma.transfer.findMany({ where: { subOrderId }, select: { amountMinor: true } });

/** Retries a payout refused only because the delivery is not recorded yet: it lands right after. */
async function payoutAsSoonAsDelivered(subOrderId: number) {
  for (;;) {
    try {
      return await manualProvider.releaseSubOrder(subOrderId, admin);
    } catch (error) {
      if ((error as { key?: string }).key !== "payments.notDelivered") throw error;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

describe("case 1: two delivery dates from one cooperative in one order", () => {
  test("each sub-order has its own sale and payout; the buyer owes nothing", async () => {
    const owedBefore = await buyerOwes(buyerId, "KHR");
    const coopBefore = await cooperativeBalance(cooperativeId, "KHR");
    const [first, second] = await order([
      { priceMinor: 5_000, kg: 10, days: 5 },
      { priceMinor: 2_000, kg: 10, days: 6 },
    ]);
    expect([first!.totalMinor, second!.totalMinor]).toEqual([50_000, 20_000]);
    await pay(first!.orderId);
    expect(await buyerOwes(buyerId, "KHR")).toBe(owedBefore);
    const sales = await prisma.ledgerTransaction.findMany({
      where: { orderId: first!.orderId, kind: "SALE" },
      select: { subOrderId: true, idempotencyKey: true },
    });
    expect(sales.map((s) => s.subOrderId).sort()).toEqual([first!.id, second!.id].sort());
    expect(sales.every((s) => s.idempotencyKey.startsWith(`sub-order:${s.subOrderId}:`))).toBe(
      true,
    );

    for (const s of [first!, second!]) {
      await pack(s.id);
      await confirm(s.id);
    }
    const a = await manualProvider.releaseSubOrder(first!.id, admin);
    const b = await manualProvider.releaseSubOrder(second!.id, admin);
    expect([a.amountMinor, b.amountMinor]).toEqual([48_500, 19_400]);
    expect(a.transferId).not.toBe(b.transferId);
    // Paid out 67,900 of the 70,000 it holds: it keeps the 2,100 fee for the union.
    const coop = await cooperativeBalance(cooperativeId, "KHR");
    expect(coop.paidMinor - coopBefore.paidMinor).toBe(67_900);
    expect(coop.owedMinor).toBe(coopBefore.owedMinor);
    await expect(followAllAmountsDue()).resolves.toBeTypeOf("number");
  });
});

describe("case 2: pay-later follows delivery", () => {
  test("a rejected order on account leaves the buyer owing nothing", async () => {
    const before = await buyerOwes(buyerId, "KHR");
    const [s] = await order([{ priceMinor: 3_000, kg: 10, days: 5 }]);
    await payLater(s!.orderId, buyer);
    expect(await buyerOwes(buyerId, "KHR")).toBe(before + 30_000);
    await rejectSubOrder(s!.id, cooperativeId, admin);
    expect(await buyerOwes(buyerId, "KHR")).toBe(before);
    const payment = await prisma.payment.findFirstOrThrow({
      where: { subOrderId: s!.id },
      select: { status: true },
    });
    expect(payment.status).toBe("FAILED");
  });

  test("packed short at 6 kg of 10: the buyer owes and pays 18,000, and nothing is refunded", async () => {
    const before = await buyerOwes(buyerId, "KHR");
    const [s] = await order([{ priceMinor: 3_000, kg: 10, days: 5 }]);
    await payLater(s!.orderId, buyer);
    await pack(s!.id, 6);
    expect(await buyerOwes(buyerId, "KHR")).toBe(before + 18_000);
    const payment = await prisma.payment.findFirstOrThrow({
      where: { subOrderId: s!.id },
      select: { id: true, amountMinor: true },
    });
    expect(payment.amountMinor).toBe(18_000);
    await markReceived(payment.id, { amountMinor: 18_000 }, admin);
    await followAmountDue(s!.id);
    expect(await buyerOwes(buyerId, "KHR")).toBe(before);
    // What was never paid is not given back as money.
    const moneyBack = await prisma.refund.findMany({
      where: { subOrderId: s!.id, idempotencyKey: { contains: ":refund:" } },
      select: { id: true },
    });
    expect(moneyBack).toEqual([]);
  });
});

describe("case 3: the buyer confirms 8 kg of 10 while the lead pays out", () => {
  async function paidAndPacked() {
    const [s] = await order([{ priceMinor: 2_000, kg: 10, days: 5 }]);
    await pay(s!.orderId);
    await pack(s!.id);
    return s!;
  }
  const expectExact = async (subOrderId: number) => {
    expect(sum(await refundsOf(subOrderId))).toBe(4_000);
    // 16,000 delivered, 3 % to the union: the cooperative keeps 15,520.
    expect(sum(await transfersOf(subOrderId))).toBe(15_520);
  };

  test("in real parallel", async () => {
    for (let run = 0; run < 3; run += 1) {
      const s = await paidAndPacked();
      await Promise.all([confirm(s.id, 8), payoutAsSoonAsDelivered(s.id)]);
      await expectExact(s.id);
    }
  });

  test("queued behind the sub-order's lock: the payout gives the refund first", async () => {
    const s = await paidAndPacked();
    // Delivered 8 kg, its follow-up not run yet (as after a crash between the two).
    await prisma.$transaction(async (tx) => {
      await tx.subOrder.update({
        where: { id: s.id },
        data: { status: "DELIVERED", finalTotalMinor: 16_000 },
      });
    });
    const lock = await holdSubOrderLocks([s.id]);
    const calls = Promise.allSettled([
      manualProvider.releaseSubOrder(s.id, admin),
      followAmountDue(s.id),
    ]);
    try {
      await lock.waitForQueue(2);
    } finally {
      await lock.release();
    }
    expect((await calls).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    await expectExact(s.id);
  });
});

describe("case 4: a delivery change is refunded once (manual)", () => {
  async function paidWithChange() {
    const [s] = await order([{ priceMinor: 2_000, kg: 10, days: 5 }]);
    await pay(s!.orderId);
    await pack(s!.id);
    // Delivered 9 kg of 10; the follow-ups below race to give back the 2,000.
    await prisma.subOrder.update({
      where: { id: s!.id },
      data: { status: "DELIVERED", finalTotalMinor: 18_000 },
    });
    return s!;
  }

  test("in real parallel", async () => {
    for (let run = 0; run < 3; run += 1) {
      const s = await paidWithChange();
      await Promise.all([followAmountDue(s.id), followAmountDue(s.id), followAmountDue(s.id)]);
      expect(sum(await refundsOf(s.id))).toBe(2_000);
    }
  });

  test("queued behind the sub-order's lock, deciding on the facts recorded when they get it", async () => {
    const s = await paidWithChange();
    const lock = await holdSubOrderLocks([s.id]);
    const calls = Promise.all([followAmountDue(s.id), followAmountDue(s.id)]);
    try {
      await lock.waitForQueue(2);
      // While they wait, the buyer corrects the delivery to 9.5 kg: 1,000 is due back, not 2,000.
      await lock.query(`UPDATE "SubOrder" SET "finalTotalMinor" = 19000 WHERE "id" = $1`, [s.id]);
    } finally {
      await lock.release();
    }
    await calls;
    expect(sum(await refundsOf(s.id))).toBe(1_000);
  });
});

describe("a refund asked for is a concession, whichever comes first (found by money-model.test.ts)", () => {
  // 10 kg at 2,000: the lead gives 1,500 back for bruised leaves, and the buyer confirms 9 kg.
  async function paidTenKg() {
    const [s] = await order([{ priceMinor: 2_000, kg: 10, days: 4 }]);
    await pay(s!.orderId);
    await pack(s!.id);
    return s!;
  }

  test("refund first, then the short delivery: 2,000 + 1,500 back", async () => {
    const s = await paidTenKg();
    await manualProvider.refundSubOrder(s.id, 1_500, admin, "bruised leaves");
    await confirm(s.id, 9);
    expect(sum(await refundsOf(s.id))).toBe(3_500);
  });

  test("short delivery first, then the refund: the same 3,500 back", async () => {
    const s = await paidTenKg();
    await confirm(s.id, 9);
    await manualProvider.refundSubOrder(s.id, 1_500, admin, "bruised leaves");
    expect(sum(await refundsOf(s.id))).toBe(3_500);
  });

  test("both at the same moment: still 3,500, once", async () => {
    const s = await paidTenKg();
    await Promise.all([
      manualProvider.refundSubOrder(s.id, 1_500, admin, "bruised leaves"),
      confirm(s.id, 9),
    ]);
    await followAmountDue(s.id);
    expect(sum(await refundsOf(s.id))).toBe(3_500);
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
