import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { buyerStatement, grantCreditTerms, payLater } from "./credit.server";
import { buyerOwes, ledgerIntegrity } from "./ledger.server";
import { markReceived } from "./manual.server";
import { type PaymentActor } from "./settlement.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let buyer: PaymentActor;
let admin: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
});

describe("pay-later terms", () => {
  test("a trusted buyer orders on credit up to its limit; the statement shows what is due and overdue", async () => {
    const first = await orderFromTwoCooperatives();
    const buyerId = first.buyerId;
    const terms = {
      currency: "KHR" as const,
      creditLimitMinor: first.totalMinor + 1,
      termDays: 30,
    };
    await expect(grantCreditTerms(buyerId, terms, buyer)).rejects.toThrow("payments.forbidden");
    await expect(payLater(first.id, buyer)).rejects.toThrow("payments.noCreditTerms");
    await grantCreditTerms(buyerId, terms, admin);

    const now = new Date();
    expect(await payLater(first.id, buyer, now)).toEqual({ placed: true });
    expect(await payLater(first.id, buyer, now)).toEqual({ placed: false }); // a double submit
    const statuses = await prisma.subOrder.findMany({
      where: { orderId: first.id },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status)).toEqual(["CONFIRMED", "CONFIRMED"]);
    expect(await buyerOwes(buyerId, "KHR")).toBe(first.totalMinor);

    // A second order would go over the limit: refused, nothing recorded, nothing confirmed.
    const second = await orderFromTwoCooperatives();
    await expect(payLater(second.id, buyer, now)).rejects.toThrow("payments.overCreditLimit");
    expect(await prisma.payment.count({ where: { orderId: second.id } })).toBe(0);
    expect(await buyerOwes(buyerId, "KHR")).toBe(first.totalMinor);

    const statement = await buyerStatement(buyerId, "KHR", now);
    expect(statement).toMatchObject({
      owesMinor: first.totalMinor,
      creditLimitMinor: terms.creditLimitMinor,
      availableMinor: terms.creditLimitMinor - first.totalMinor,
      termDays: 30,
    });
    expect(statement.open).toHaveLength(2);
    expect(statement.open.every((p) => !p.overdue)).toBe(true);
    const later = new Date(now.getTime() + 31 * 24 * 60 * 60 * 1000);
    expect((await buyerStatement(buyerId, "KHR", later)).open.every((p) => p.overdue)).toBe(true);

    // One cooperative is paid: the buyer owes less, and that payment leaves the statement.
    const paid = statement.open[0]!;
    await markReceived(paid.id, { amountMinor: paid.amountMinor }, admin);
    expect(await buyerOwes(buyerId, "KHR")).toBe(first.totalMinor - paid.amountMinor);
    expect((await buyerStatement(buyerId, "KHR", now)).open.map((p) => p.id)).not.toContain(
      paid.id,
    );
    expect(await ledgerIntegrity()).toEqual({
      unbalancedTransactions: [],
      mixedCurrencyTransactions: [],
      nonZeroCurrencies: [],
    });
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
