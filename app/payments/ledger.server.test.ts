import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, organizationId } from "../../tests/payments-fixtures";
import {
  buyerOwes,
  cashHeld,
  type Posting,
  cooperativeBalance,
  debtEntries,
  debtRecoveryEntries,
  disputeEntries,
  feeEarned,
  ledgerIntegrity,
  paymentEntries,
  postTransaction,
  refundEntries,
  reversalEntries,
  saleEntries,
  transferEntries,
  type SplitShareRef,
} from "./ledger.server";
import { splitPayment } from "./split";

let unionId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  unionId = await organizationId("seuac");
});

async function expectBalanced() {
  expect(await ledgerIntegrity()).toEqual({
    unbalancedTransactions: [],
    mixedCurrencyTransactions: [],
    nonZeroCurrencies: [],
  });
}

describe("posting", () => {
  test("an unbalanced, empty or fractional transaction is refused and nothing is written", async () => {
    const before = await prisma.ledgerTransaction.count();
    const post = (entries: readonly Posting[]) =>
      prisma.$transaction((tx) =>
        postTransaction(tx, { kind: "SALE", idempotencyKey: "bad", currency: "KHR", entries }),
      );
    await expect(
      post([
        { kind: "CASH", organizationId: null, amountMinor: 100 },
        { kind: "BUYER_RECEIVABLE", organizationId: unionId, amountMinor: -99 },
      ]),
    ).rejects.toThrow("payments.ledgerUnbalanced");
    await expect(post([])).rejects.toThrow("payments.ledgerTooFewEntries");
    await expect(
      post([
        { kind: "CASH", organizationId: null, amountMinor: 0.5 },
        { kind: "CASH", organizationId: unionId, amountMinor: -0.5 },
      ]),
    ).rejects.toThrow("payments.ledgerBadAmount");
    expect(await prisma.ledgerTransaction.count()).toBe(before);
  });

  test("a repeated idempotency key records once, even when both arrive at the same time", async () => {
    const input = {
      kind: "PAYMENT" as const,
      idempotencyKey: "test:repeat",
      currency: "KHR" as const,
      entries: paymentEntries(unionId, null, 5_000),
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => prisma.$transaction((tx) => postTransaction(tx, input))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(
      await prisma.ledgerEntry.count({ where: { transaction: { idempotencyKey: "test:repeat" } } }),
    ).toBe(2);
    await expect(
      prisma.$transaction((tx) => postTransaction(tx, { ...input, kind: "REFUND" })),
    ).rejects.toThrow("payments.idempotencyConflict");
    await expectBalanced();
  });
});

describe("every money movement balances", () => {
  test("charge, fee, transfer, refund, reversal, debt, recovery, dispute, payout", async () => {
    await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 500 } });
    const order = await orderFromTwoCooperatives();
    const [a, b] = order.subOrders as [
      (typeof order.subOrders)[number],
      (typeof order.subOrders)[number],
    ];
    const split = splitPayment(
      order.totalMinor,
      order.subOrders.map((s) => ({
        key: { subOrderId: s.id, cooperativeId: s.cooperativeId, unionId } as SplitShareRef,
        amountMinor: s.totalMinor,
        feeRateBps: 500,
      })),
    );
    const [shareA, shareB] = split.shares as [
      (typeof split.shares)[number],
      (typeof split.shares)[number],
    ];
    const post = (
      kind: Parameters<typeof postTransaction>[1]["kind"],
      key: string,
      entries: readonly Posting[],
    ) =>
      prisma.$transaction((tx) =>
        postTransaction(tx, {
          kind,
          idempotencyKey: `order:${order.id}:${key}`,
          currency: "KHR",
          orderId: order.id,
          entries,
        }),
      );
    const coopA = () => cooperativeBalance(a.cooperativeId, "KHR");
    const coopB = () => cooperativeBalance(b.cooperativeId, "KHR");

    // The sale: the buyer owes everything, the cooperatives their net shares, the union its fee.
    await post("SALE", "sale", saleEntries(order.buyerId, split));
    await expectBalanced();
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(order.totalMinor);
    expect(await coopA()).toEqual({ owedMinor: shareA.netMinor, paidMinor: 0, debtMinor: 0 });
    expect(await feeEarned(unionId, "KHR")).toBe(split.feeMinor);

    // The charge: the platform holds the money, the buyer owes nothing.
    const cashBefore = await cashHeld(null, "KHR");
    await post("PAYMENT", "charge", paymentEntries(order.buyerId, null, order.totalMinor));
    await expectBalanced();
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);
    expect(await cashHeld(null, "KHR")).toBe(cashBefore + order.totalMinor);

    // A transfers to A, then a refund of 1,000 riel of A's sub-order after release.
    await post(
      "TRANSFER",
      `coop:${a.cooperativeId}:release`,
      transferEntries(a.cooperativeId, null, shareA.netMinor),
    );
    await expectBalanced();
    expect(await coopA()).toEqual({ owedMinor: 0, paidMinor: shareA.netMinor, debtMinor: 0 });
    const refund = splitPayment(1_000, [{ key: shareA.key, amountMinor: 1_000, feeRateBps: 500 }]);
    await post("REFUND", "refund:1", refundEntries(null, refund));
    await expectBalanced();
    // The cooperative was overpaid by its part of the refund: it owes it back.
    expect((await coopA()).owedMinor).toBe(-950);
    // The reversal brings it back from A's connected account.
    await post("REVERSAL", "refund:1:reversal", reversalEntries(a.cooperativeId, 950));
    await expectBalanced();
    expect(await coopA()).toEqual({ owedMinor: 0, paidMinor: shareA.netMinor - 950, debtMinor: 0 });

    // B is paid, then refunded 2,000 after release, and its balance cannot cover the reversal: debt.
    await post(
      "TRANSFER",
      `coop:${b.cooperativeId}:release`,
      transferEntries(b.cooperativeId, null, shareB.netMinor),
    );
    const refundB = splitPayment(2_000, [{ key: shareB.key, amountMinor: 2_000, feeRateBps: 500 }]);
    await post("REFUND", "refund:2", refundEntries(null, refundB));
    await post("DEBT", "refund:2:debt", debtEntries(b.cooperativeId, 1_900));
    await expectBalanced();
    expect(await coopB()).toEqual({ owedMinor: 0, paidMinor: shareB.netMinor, debtMinor: 1_900 });

    // B's next sale is owed; its debt comes off before the next transfer.
    await post("SALE", "next-sale", [
      { kind: "BUYER_RECEIVABLE", organizationId: order.buyerId, amountMinor: 10_000 },
      { kind: "COOPERATIVE_PAYABLE", organizationId: b.cooperativeId, amountMinor: -9_500 },
      { kind: "FEE_REVENUE", organizationId: unionId, amountMinor: -500 },
    ]);
    await post("DEBT_RECOVERY", "next:debt", debtRecoveryEntries(b.cooperativeId, 1_900));
    await post("PAYOUT", "next:payout", transferEntries(b.cooperativeId, null, 7_600));
    await expectBalanced();
    expect(await coopB()).toEqual({
      owedMinor: 0,
      paidMinor: shareB.netMinor + 7_600,
      debtMinor: 0,
    });

    // A dispute takes money out of the platform's balance.
    await post("DISPUTE", "dispute", disputeEntries(3_000));
    await expectBalanced();
    expect(await feeEarned(unionId, "KHR")).toBe(split.feeMinor - 50 - 100 + 500);
  });
});
