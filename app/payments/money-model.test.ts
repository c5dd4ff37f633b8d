// A model test of the books (issue #16): fast-check drives random sequences of what people, jobs
// and Stripe do to one order across two cooperatives and two delivery dates (place, receive a
// payment, accept, pack, confirm, reject, cancel, expire, payout, refund, webhooks duplicated,
// reordered and delayed, answers lost), some pairs at the same moment, on both providers and on
// account. After every step the account checker (money-check.server.ts) must find nothing off.
// Refusals (an OrderError or PaymentError: "not yet delivered", "already paid") are part of the
// model; anything else thrown is a fault.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const fake = await vi.hoisted(async () => {
  const { startFakeStripeForApp } = await import("../../tests/fake-stripe");
  return startFakeStripeForApp("model", { platformFeeBps: 300 });
});

import { prisma } from "~/db/db.server";
import { postStripeEvent as post } from "../../tests/stripe-webhooks";
import {
  acceptSubOrder,
  autoConfirmDeliveries,
  cancelSubOrder,
  confirmDelivery,
  expireUnpaidOrders,
  OrderError,
  packSubOrder,
  placeOrder,
  rejectSubOrder,
} from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow } from "../../tests/builders";
import { paymentActor as actor } from "../../tests/payments-fixtures";
import { followAllAmountsDue } from "./adjustments.server";
import { grantCreditTerms, payLater } from "./credit.server";
import { manualProvider, markReceived } from "./manual.server";
import { checkMoney, formatProblems } from "./money-check.server";
import { stripeProvider } from "./providers.server";
import { reconcilePaymentOutcomes } from "./reconcile.server";
import { PaymentError, type PaymentActor } from "./settlement.server";

type Mode = "manual" | "card" | "account";
const stripe = stripeProvider()!;
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
  await grantCreditTerms(
    buyerId,
    { currency: "KHR", creditLimitMinor: 1_000_000_000, termDays: 30 },
    admin,
  );
  for (const cooperativeId of cooperativeIds) {
    await stripe.onboardCooperative(
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
}, 120_000);

afterAll(async () => {
  await fake.close();
});

/** One order: 10 kg from each cooperative on each of two delivery days (four sub-orders). */
async function placeModelOrder(mode: Mode) {
  const lines = [];
  for (const cooperativeId of cooperativeIds)
    for (const days of [4, 6]) {
      const window = await buildWindow({ cooperativeId, priceMinor: 210, pledges: [40], days });
      if (mode === "card")
        await prisma.listing.update({ where: { id: window.listingId }, data: { currency: "USD" } });
      lines.push({ windowId: window.id, quantity: 10 });
    }
  const { orderId } = await placeOrder({
    buyerId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: mode === "card" ? "CARD" : "BANK_TRANSFER",
    weightTolerancePct: 10,
    lines,
  });
  const subOrders = await prisma.subOrder.findMany({
    where: { orderId },
    orderBy: { id: "asc" },
    select: { id: true, cooperativeId: true },
  });
  return { orderId, subOrders };
}

type World = Awaited<ReturnType<typeof placeModelOrder>> & {
  mode: Mode;
  /** Stripe events sent but not yet delivered to us (delayed), and those delivered (replayable). */
  pending: object[];
  delivered: object[];
};

// Paying, delivering and paying out weigh more, so most runs get past the early refusals.
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ weight: 4, arbitrary });
const step = fc.oneof(
  often(fc.record({ kind: fc.constant("pay" as const) })),
  often(
    fc.record({ kind: fc.constant("deliverWebhook" as const), pick: fc.nat(), keep: fc.boolean() }),
  ),
  fc.record({ kind: fc.constant("replayWebhook" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("accept" as const), sub: fc.nat(3) }),
  // Accept, pack in full and confirm `kg` in one go, so runs reach payouts and late refunds.
  often(
    fc.record({
      kind: fc.constant("advance" as const),
      sub: fc.nat(3),
      kg: fc.integer({ min: 8, max: 10 }),
    }),
  ),
  fc.record({ kind: fc.constant("reject" as const), sub: fc.nat(3) }),
  fc.record({ kind: fc.constant("cancel" as const), sub: fc.nat(3) }),
  fc.record({
    kind: fc.constant("pack" as const),
    sub: fc.nat(3),
    kg: fc.integer({ min: 9, max: 11 }),
  }),
  fc.record({
    kind: fc.constant("confirm" as const),
    sub: fc.nat(3),
    kg: fc.integer({ min: 6, max: 11 }),
  }),
  often(fc.record({ kind: fc.constant("payout" as const), sub: fc.nat(3) })),
  often(
    fc.record({
      kind: fc.constant("refund" as const),
      sub: fc.nat(3),
      amount: fc.integer({ min: 1, max: 400 }),
    }),
  ),
  fc.record({ kind: fc.constant("loseNextAnswer" as const) }),
  fc.record({ kind: fc.constant("expire" as const) }),
  fc.record({ kind: fc.constant("autoConfirm" as const) }),
  fc.record({ kind: fc.constant("follow" as const) }),
  fc.record({ kind: fc.constant("reconcile" as const) }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const providerOf = (w: World) => (w.mode === "card" ? stripe : manualProvider);
const linesOf = (subOrderId: number) =>
  prisma.orderLine.findMany({
    where: { subOrderId },
    orderBy: { id: "asc" },
    select: { id: true },
  });
const later = (days: number) => new Date(Date.now() + days * 86_400_000);

async function run(w: World, s: Step) {
  const sub = "sub" in s ? w.subOrders[s.sub]! : undefined;
  switch (s.kind) {
    case "pay": {
      if (w.mode === "account") {
        // Put on account first; once it is, paying means the buyer settles what the account shows.
        if (!(await prisma.payment.count({ where: { orderId: w.orderId } })))
          return payLater(w.orderId, buyer);
        const owed = await prisma.payment.findMany({
          where: { orderId: w.orderId, status: "PENDING", provider: "MANUAL" },
          select: { id: true, amountMinor: true },
        });
        for (const p of owed) await markReceived(p.id, { amountMinor: p.amountMinor }, admin);
        return;
      }
      if (w.mode === "manual") {
        await manualProvider.startPayment(w.orderId, "BANK_TRANSFER", buyer);
        const payments = await prisma.payment.findMany({
          where: { orderId: w.orderId, status: "PENDING", provider: "MANUAL" },
          select: { id: true, amountMinor: true },
        });
        for (const p of payments) await markReceived(p.id, { amountMinor: p.amountMinor }, admin);
        return;
      }
      await stripe.startPayment(w.orderId, "CARD", buyer);
      const url = await stripe.cardPaymentPage(w.orderId, buyer, {
        successUrl: "http://localhost/ok",
        cancelUrl: "http://localhost/no",
      });
      const sessionId = url.split("/").at(-1)!;
      if (fake.checkoutSessions.get(sessionId)?.status === "complete") return;
      const { succeeded, completed } = fake.payCheckout(sessionId);
      w.pending.push(succeeded, completed);
      return;
    }
    case "deliverWebhook": {
      if (w.pending.length === 0) return;
      const i = s.pick % w.pending.length;
      const event = w.pending[i]!;
      if (!s.keep) w.pending.splice(i, 1);
      w.delivered.push(event);
      // A 500 is Stripe's cue to send it again later: keep it pending.
      const answer = await post(event);
      if (process.env.MODEL_DEBUG)
        console.info(
          `webhook ${(event as { type: string }).type}: ${answer.status} ${answer.body}`,
        );
      if (answer.status >= 500) w.pending.push(event);
      return;
    }
    case "replayWebhook": {
      if (w.delivered.length === 0) return;
      await post(w.delivered[s.pick % w.delivered.length]!);
      return;
    }
    case "accept":
      return acceptSubOrder(sub!.id, sub!.cooperativeId, admin);
    case "advance":
      await attempt(w, { kind: "accept", sub: s.sub });
      await attempt(w, { kind: "pack", sub: s.sub, kg: 10 });
      await attempt(w, { kind: "confirm", sub: s.sub, kg: s.kg });
      return;
    case "reject":
      return rejectSubOrder(sub!.id, sub!.cooperativeId, admin);
    case "cancel":
      return cancelSubOrder(sub!.id, buyerId, { userId: buyer.id });
    case "pack": {
      const lines = await linesOf(sub!.id);
      return packSubOrder(
        sub!.id,
        sub!.cooperativeId,
        lines.map((l) => ({ lineId: l.id, milli: s.kg * 1000 })),
        { userId: admin.id },
      );
    }
    case "confirm": {
      const lines = await linesOf(sub!.id);
      return confirmDelivery(
        sub!.id,
        buyerId,
        lines.map((l) => ({ lineId: l.id, milli: s.kg * 1000 })),
        { userId: buyer.id },
      );
    }
    case "payout":
      return providerOf(w).releaseSubOrder(sub!.id, admin);
    case "refund":
      return providerOf(w).refundSubOrder(sub!.id, s.amount, admin, "model");
    case "loseNextAnswer":
      // Stripe does the next transfer or refund but we never hear back (the SDK retries included).
      for (let i = 0; i < 3; i += 1)
        fake.failNext("POST", /^\/v1\/(transfers|refunds)/, { kind: "server_error" });
      return;
    case "expire":
      return expireUnpaidOrders(later(30));
    case "autoConfirm":
      return autoConfirmDeliveries(later(30), 0);
    case "follow":
      return followAllAmountsDue();
    case "reconcile":
      return reconcilePaymentOutcomes({ olderThanMs: 0 });
  }
}

/** A refusal the domain gives on purpose; anything else thrown fails the run. */
function refusal(error: unknown) {
  return error instanceof OrderError || error instanceof PaymentError;
}

/** How often each step went through (not refused), so a run that never reaches payouts shows. */
const done = new Map<string, number>();

async function attempt(w: World, s: Step) {
  try {
    await run(w, s);
    done.set(`${w.mode}:${s.kind}`, (done.get(`${w.mode}:${s.kind}`) ?? 0) + 1);
  } catch (error) {
    if (!refusal(error)) throw new Error(`${s.kind} threw ${String(error)}`, { cause: error });
    if (process.env.MODEL_DEBUG) console.info(`${w.mode} ${s.kind} refused: ${String(error)}`);
  }
}

async function expectBooksExact(after: string) {
  const problems = formatProblems(await checkMoney());
  if (problems !== "") throw new Error(`after ${after}:\n${problems}`);
}

const program = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: step.map((s) => [s]) },
    // Two things at the same moment: a click and a job, a webhook and a person.
    { weight: 1, arbitrary: fc.tuple(step, step) },
  ),
  { minLength: 8, maxLength: 24 },
);

describe.each(["manual", "card", "account"] as const)("the books on %s orders", (mode) => {
  test("stay exact under any sequence and pairing of steps", { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(program, async (steps) => {
        // Stripe's answers always come back eventually: no failure queued from a previous run.
        fake.clearFailures();
        const w: World = { mode, ...(await placeModelOrder(mode)), pending: [], delivered: [] };
        for (const group of steps) {
          await Promise.all(group.map((s) => attempt(w, s)));
          await expectBooksExact(group.map((s) => JSON.stringify(s)).join(" ∥ "));
        }
        // Then everything settles: Stripe answers again, every delayed event arrives, the jobs
        // run, and the books hold.
        fake.clearFailures();
        for (const event of w.pending.splice(0)) await post(event);
        await attempt(w, { kind: "reconcile" });
        await attempt(w, { kind: "follow" });
        await expectBooksExact("everything settled");
      }),
      {
        numRuns: Number(process.env.MONEY_MODEL_RUNS ?? 15),
        // A fixed seed keeps CI reproducible; MONEY_MODEL_SEED=random explores new sequences.
        ...(process.env.MONEY_MODEL_SEED === "random"
          ? {}
          : { seed: Number(process.env.MONEY_MODEL_SEED ?? 20261203) }),
        endOnFailure: true,
      },
    );
    // The sequences reached the paths that matter, not only refusals.
    for (const kind of ["pay", "confirm", "payout", "refund", "cancel", "reject"])
      expect(done.get(`${mode}:${kind}`) ?? 0, `${kind} went through`).toBeGreaterThan(0);
  });
});
