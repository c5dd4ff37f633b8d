// The ways the books went wrong (issue #16) with cards: Stripe Connect through the provider the
// app configures (STRIPE_SECRET_KEY, STRIPE_API_BASE), pointed at tests/fake-stripe.ts, dollars at
// a 5 % union fee. Racing calls run in real parallel and queued behind a held sub-order lock.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";

const fake = await vi.hoisted(async () => {
  const { startFakeStripeForApp } = await import("../../tests/fake-stripe");
  return startFakeStripeForApp("money", { platformFeeBps: 500 });
});

import { prisma } from "~/db/db.server";
import { postStripeEvent as post } from "../../tests/stripe-webhooks";
import {
  acceptSubOrder,
  expireUnpaidOrders,
  packSubOrder,
  placeOrder,
} from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow } from "../../tests/builders";
import { expectMoneyExact, holdSubOrderLocks } from "../../tests/money-fixtures";
import { deliverSubOrder, paymentActor as actor } from "../../tests/payments-fixtures";
import { followAmountDue } from "./adjustments.server";
import { allocateOutsideRefund } from "./outside-refunds.server";
import { stripeProvider } from "./providers.server";
import { reconcilePaymentOutcomes } from "./reconcile.server";
import { type PaymentActor } from "./settlement.server";

const provider = stripeProvider()!;
let buyer: PaymentActor;
let admin: PaymentActor;
let buyerId: number;
let cooperativeIds: number[];

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  cooperativeIds = [
    (await actor("lead@phsar.test")).memberships[0]!.organizationId,
    (await actor("lead2@phsar.test")).memberships[0]!.organizationId,
  ];
  for (const cooperativeId of cooperativeIds) {
    await provider.onboardCooperative(
      cooperativeId,
      { returnUrl: "https://phsar.example/r", refreshUrl: "https://phsar.example/f" },
      admin,
    );
    const { stripeAccountId } = await prisma.connectedAccount.findUniqueOrThrow({
      where: { cooperativeId },
      select: { stripeAccountId: true },
    });
    expect((await post(fake.activateAccount(stripeAccountId), "connect")).status).toBe(200);
  }
});

afterAll(async () => {
  await fake.close();
});

/** A card order: 10 kg from cooperative A at `a` cents a kg, 10 kg from B at `b`; page opened. */
async function cardOrder(a = 200, b = 300) {
  const lines = [];
  for (const [i, priceMinor] of [a, b].entries()) {
    const window = await buildWindow({
      cooperativeId: cooperativeIds[i]!,
      priceMinor,
      pledges: [20],
    });
    await prisma.listing.update({ where: { id: window.listingId }, data: { currency: "USD" } });
    lines.push({ windowId: window.id, quantity: 10 });
  }
  const { orderId } = await placeOrder({
    buyerId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: "CARD",
    weightTolerancePct: 10,
    lines,
  });
  await provider.startPayment(orderId, "CARD", buyer);
  const url = await provider.cardPaymentPage(orderId, buyer, {
    successUrl: "http://localhost/ok",
    cancelUrl: "http://localhost/no",
  });
  const subOrders = await prisma.subOrder.findMany({
    where: { orderId },
    orderBy: { cooperativeId: "asc" },
    select: { id: true, cooperativeId: true, totalMinor: true },
  });
  // Cooperative A first.
  if (subOrders[0]!.cooperativeId !== cooperativeIds[0]) subOrders.reverse();
  return { orderId, sessionId: url.split("/").at(-1)!, a: subOrders[0]!, b: subOrders[1]! };
}

async function paidCardOrder(a?: number, b?: number) {
  const order = await cardOrder(a, b);
  const { succeeded, completed } = fake.payCheckout(order.sessionId);
  expect((await post(succeeded)).status).toBe(200);
  expect((await post(completed)).status).toBe(200);
  return order;
}

const chargeOf = async (orderId: number) => {
  const { stripeChargeId } = await prisma.payment.findFirstOrThrow({
    where: { orderId, provider: "STRIPE" },
    select: { stripeChargeId: true },
  });
  return fake.charges.get(stripeChargeId!)!;
};
const refunded = async (subOrderId: number) =>
  (
    await prisma.refund.aggregate({
      where: { subOrderId, status: "SUCCEEDED" },
      _sum: { amountMinor: true },
    })
  )._sum.amountMinor ?? 0;

/** Stripe does not answer, three times over (the SDK's own two retries included). */
function noAnswer(path: RegExp) {
  for (let i = 0; i < 3; i += 1) fake.failNext("POST", path, { kind: "server_error" });
}

async function packOneKgShort(subOrderId: number, cooperativeId: number) {
  await acceptSubOrder(subOrderId, cooperativeId, admin);
  const lines = await prisma.orderLine.findMany({ where: { subOrderId }, select: { id: true } });
  await packSubOrder(
    subOrderId,
    cooperativeId,
    lines.map((l) => ({ lineId: l.id, milli: 9_000 })),
    { userId: admin.id },
  ).catch((error: unknown) => {
    // The pack stands; the refund Stripe refused is made by the follow-ups below.
    if ((error as { key?: string }).key !== "payments.refundRefused") throw error;
  });
}

describe("case 5: a delivery change refunded once after a refused attempt (Stripe)", () => {
  async function refusedOnce() {
    const order = await paidCardOrder();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fake.failNext("POST", /^\/v1\/refunds$/, { kind: "card_declined" });
    await packOneKgShort(order.a.id, order.a.cooperativeId);
    expect(await refunded(order.a.id)).toBe(0);
    return order;
  }

  test("in real parallel", async () => {
    for (let run = 0; run < 2; run += 1) {
      const order = await refusedOnce();
      await Promise.all([followAmountDue(order.a.id), followAmountDue(order.a.id)]);
      expect(await refunded(order.a.id)).toBe(200);
      expect((await chargeOf(order.orderId)).amount_refunded).toBe(200);
    }
  });

  test("queued behind the sub-order's lock", async () => {
    const order = await refusedOnce();
    const lock = await holdSubOrderLocks([order.a.id]);
    const calls = Promise.all([followAmountDue(order.a.id), followAmountDue(order.a.id)]);
    try {
      await lock.waitForQueue(2);
      // While they wait, the packing is corrected to 9.5 kg: 100 is due back, not 200.
      await lock.query(`UPDATE "SubOrder" SET "finalTotalMinor" = 1900 WHERE "id" = $1`, [
        order.a.id,
      ]);
    } finally {
      await lock.release();
    }
    await calls;
    expect(await refunded(order.a.id)).toBe(100);
    expect((await chargeOf(order.orderId)).amount_refunded).toBe(100);
  });
});

describe("case 6: a card payment landing while the order expires", () => {
  async function expiring() {
    const order = await cardOrder();
    const { succeeded } = fake.payCheckout(order.sessionId);
    await prisma.order.update({
      where: { id: order.orderId },
      data: { paymentDueAt: new Date(Date.now() - 60_000) },
    });
    return { ...order, succeeded };
  }
  const expectEachRefundedOnce = async (order: Awaited<ReturnType<typeof expiring>>) => {
    expect(await refunded(order.a.id)).toBe(2_000);
    expect(await refunded(order.b.id)).toBe(3_000);
    expect((await chargeOf(order.orderId)).amount_refunded).toBe(5_000);
  };

  test("in real parallel", async () => {
    for (let run = 0; run < 3; run += 1) {
      const order = await expiring();
      const [, webhook] = await Promise.all([expireUnpaidOrders(), post(order.succeeded)]);
      expect(webhook.status).toBe(200);
      await expectEachRefundedOnce(order);
    }
  });

  test("the webhook queues behind the sub-orders' locks", async () => {
    const order = await expiring();
    const lock = await holdSubOrderLocks([order.a.id, order.b.id]);
    const calls = Promise.all([post(order.succeeded), expireUnpaidOrders()]);
    try {
      await lock.waitForQueue(2);
    } finally {
      await lock.release();
    }
    expect((await calls)[0].status).toBe(200);
    await expectEachRefundedOnce(order);
  });
});

describe("payouts and refunds around unknown and refused outcomes", () => {
  test("case 7: a payout retried after a refused transfer pays what is due now", async () => {
    const order = await paidCardOrder();
    await deliverSubOrder(order.a.id);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fake.failNext("POST", /^\/v1\/transfers$/, { kind: "balance_insufficient" });
    await expect(provider.releaseSubOrder(order.a.id, null)).rejects.toThrow(
      "payments.transferRefused",
    );
    await provider.refundSubOrder(order.a.id, 500, admin, "goodwill");
    const release = await provider.releaseSubOrder(order.a.id, null);
    // $20 less 5 % is 1,900; the $5 refund takes its 475 share.
    expect(release).toMatchObject({ status: "PAID", amountMinor: 1_425 });
  });

  test("case 8: a refund while a transfer's outcome is unknown is taken back once it is known", async () => {
    const order = await paidCardOrder();
    await deliverSubOrder(order.a.id);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    noAnswer(/^\/v1\/transfers$/);
    await expect(provider.releaseSubOrder(order.a.id, null)).rejects.toThrow(
      "payments.transferFailed",
    );
    const refund = await provider.refundSubOrder(order.a.id, 600, admin, "goodwill");
    expect(refund.netMinor).toBe(570);
    await provider.releaseSubOrder(order.a.id, null);
    const settled = await prisma.refund.findUniqueOrThrow({
      where: { id: refund.refundId },
      select: { reversedMinor: true, debtMinor: true, reversalSettledAt: true },
    });
    expect(settled.reversalSettledAt).not.toBeNull();
    expect(settled.reversedMinor + settled.debtMinor).toBe(570);
    const transfer = await prisma.transfer.findFirstOrThrow({
      where: { subOrderId: order.a.id, status: { in: ["PAID", "REVERSED"] } },
      select: { amountMinor: true, reversedMinor: true },
    });
    expect(transfer.amountMinor - transfer.reversedMinor).toBe(1_900 - 570);
  });

  test("case 9: a refund whose answer was lost is settled by asking Stripe again", async () => {
    const order = await paidCardOrder();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    noAnswer(/^\/v1\/refunds$/);
    await expect(provider.refundSubOrder(order.a.id, 300, admin, "goodwill")).rejects.toThrow(
      "payments.refundPending",
    );
    const pending = await prisma.refund.findFirstOrThrow({
      where: { subOrderId: order.a.id },
      select: { id: true, status: true, idempotencyKey: true },
    });
    expect(pending.status).toBe("PENDING");
    await reconcilePaymentOutcomes({ olderThanMs: 0 });
    const done = await prisma.refund.findUniqueOrThrow({
      where: { id: pending.id },
      select: { status: true, stripeRefundId: true },
    });
    expect(done.status).toBe("SUCCEEDED");
    expect(fake.refunds.get(done.stripeRefundId!)!.amount).toBe(300);
    expect((await chargeOf(order.orderId)).amount_refunded).toBe(300);
    const ledger = await prisma.ledgerTransaction.count({
      where: { subOrderId: order.a.id, kind: "REFUND" },
    });
    expect(ledger).toBe(1);
  });

  test("case 10: member allocations follow a refund made after the payout", async () => {
    const order = await paidCardOrder();
    await deliverSubOrder(order.a.id);
    expect((await provider.releaseSubOrder(order.a.id, null)).amountMinor).toBe(1_900);
    const allocated = async () =>
      (
        await prisma.memberAllocation.aggregate({
          where: { subOrderId: order.a.id },
          _sum: { shareMinor: true },
        })
      )._sum.shareMinor;
    expect(await allocated()).toBe(1_900);
    const before = await prisma.memberAllocation.findMany({
      where: { subOrderId: order.a.id },
      select: { farmerId: true, shareMinor: true },
    });
    await provider.refundSubOrder(order.a.id, 400, admin, "goodwill");
    expect(await allocated()).toBe(1_520);
    // Taken back in proportion and recorded (#18), never more than a member had.
    const clawbacks = await prisma.memberClawback.findMany({
      where: { subOrderId: order.a.id },
      select: { farmerId: true, amountMinor: true },
    });
    expect(clawbacks.reduce((sum, c) => sum + c.amountMinor, 0)).toBe(380);
    const after = await prisma.memberAllocation.findMany({
      where: { subOrderId: order.a.id },
      select: { farmerId: true, shareMinor: true },
    });
    for (const b of before) {
      const taken = clawbacks.find((c) => c.farmerId === b.farmerId)?.amountMinor ?? 0;
      const now = after.find((a) => a.farmerId === b.farmerId)?.shareMinor ?? 0;
      expect(now).toBe(b.shareMinor - taken);
      expect(now).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("a refund made in Stripe's Dashboard is allocated to sub-orders", () => {
  /** Someone refunds `amount` on the order's charge in the Dashboard; Stripe sends charge.refunded. */
  async function dashboardRefund(orderId: number, amount: number) {
    const charge = await chargeOf(orderId);
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    return fake.event("charge.refunded", { ...charge });
  }
  const outsideOf = (orderId: number) =>
    prisma.outsideRefund.findMany({
      where: { payment: { orderId } },
      select: { id: true, amountMinor: true, allocatedAt: true },
    });
  const quiet = () => vi.spyOn(console, "warn").mockImplementation(() => {});

  test("recorded once, however often and in whatever order Stripe sends it", async () => {
    quiet();
    const order = await paidCardOrder();
    const first = await dashboardRefund(order.orderId, 300);
    const second = await dashboardRefund(order.orderId, 200);
    // The later event first, then the earlier one, then the later one again.
    for (const event of [second, first, second]) expect((await post(event)).status).toBe(200);
    expect((await outsideOf(order.orderId)).map((r) => r.amountMinor)).toEqual([500]);
  });

  test("our own refunds are not mistaken for outside ones", async () => {
    quiet();
    const order = await paidCardOrder();
    await provider.refundSubOrder(order.a.id, 100, admin, "goodwill");
    expect(
      (await post(fake.event("charge.refunded", { ...(await chargeOf(order.orderId)) }))).status,
    ).toBe(200);
    expect(await outsideOf(order.orderId)).toEqual([]);
  });

  test("parts that do not add up, or go past a sub-order, or from a non-admin, write nothing", async () => {
    quiet();
    const order = await paidCardOrder();
    await post(await dashboardRefund(order.orderId, 500));
    const [outside] = await outsideOf(order.orderId);
    await expect(
      allocateOutsideRefund(outside!.id, [{ subOrderId: order.a.id, amountMinor: 400 }], admin),
    ).rejects.toThrow("payments.outsideRefundSum");
    // Sub-order A holds $20.00.
    await expect(
      allocateOutsideRefund(
        outside!.id,
        [{ subOrderId: order.a.id, amountMinor: 500 }],
        admin,
      ).then(() => allocateOutsideRefund(outside!.id, [], admin)),
    ).rejects.toThrow("payments.outsideRefundAllocated");
    const other = await paidCardOrder();
    await post(await dashboardRefund(other.orderId, 2_500));
    const [big] = await outsideOf(other.orderId);
    await expect(
      allocateOutsideRefund(big!.id, [{ subOrderId: other.a.id, amountMinor: 2_500 }], admin),
    ).rejects.toThrow("payments.refundTooLarge");
    await expect(
      allocateOutsideRefund(big!.id, [{ subOrderId: other.a.id, amountMinor: 2_500 }], buyer),
    ).rejects.toThrow("payments.forbidden");
    expect(await refunded(other.a.id)).toBe(0);
    await allocateOutsideRefund(
      big!.id,
      [
        { subOrderId: other.a.id, amountMinor: 1_000 },
        { subOrderId: other.b.id, amountMinor: 1_500 },
      ],
      admin,
    );
    expect([await refunded(other.a.id), await refunded(other.b.id)]).toEqual([1_000, 1_500]);
  });

  test("two admins allocating at once: one allocation, in real parallel and behind a held lock", async () => {
    quiet();
    for (const held of [false, true]) {
      const order = await paidCardOrder();
      await post(await dashboardRefund(order.orderId, 500));
      const [outside] = await outsideOf(order.orderId);
      const allocate = (subOrderId: number) =>
        allocateOutsideRefund(outside!.id, [{ subOrderId, amountMinor: 500 }], admin).then(
          () => "ok",
          (error: { key?: string }) => error.key,
        );
      const lock = held ? await holdSubOrderLocks([order.a.id, order.b.id]) : null;
      const calls = Promise.all([allocate(order.a.id), allocate(order.b.id)]);
      if (lock) {
        await lock.waitForQueue(2);
        await lock.release();
      }
      expect((await calls).sort()).toEqual(["ok", "payments.outsideRefundAllocated"]);
      expect((await refunded(order.a.id)) + (await refunded(order.b.id))).toBe(500);
    }
  });

  test("after the payout, the cooperative's part is taken back from its account", async () => {
    quiet();
    const order = await paidCardOrder();
    await deliverSubOrder(order.a.id);
    await provider.releaseSubOrder(order.a.id, null);
    await post(await dashboardRefund(order.orderId, 600));
    const [outside] = await outsideOf(order.orderId);
    await allocateOutsideRefund(outside!.id, [{ subOrderId: order.a.id, amountMinor: 600 }], admin);
    const transfer = await prisma.transfer.findFirstOrThrow({
      where: { subOrderId: order.a.id, status: { in: ["PAID", "REVERSED"] } },
      select: { reversedMinor: true },
    });
    // $6.00 less the union's 5 %.
    expect(transfer.reversedMinor).toBe(570);
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
