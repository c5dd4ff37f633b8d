// Issue #7's manual journey at the domain level: an order from two cooperatives, each paid and
// delivered, both paid out; the ledger, the cooperatives' balances and the member statements agree.
import { afterEach, beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { transitionSubOrder } from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, organizationId } from "../../tests/payments-fixtures";
import {
  buyerOwes,
  cashHeld,
  cooperativeBalance,
  feeEarned,
  ledgerIntegrity,
} from "./ledger.server";
import { manualProvider, markReceived } from "./manual.server";
import { memberStatement } from "./members.server";
import { type PaymentActor } from "./settlement.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let admin: PaymentActor;
let buyer: PaymentActor;
let unionId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const load = (email: string) =>
    prisma.user.findUniqueOrThrow({
      where: { email },
      select: {
        id: true,
        isAdmin: true,
        memberships: { select: { organizationId: true, role: true } },
      },
    });
  admin = await load("admin@phsar.test");
  buyer = await load("buyer@phsar.test");
  unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 250 } });
});

test("two cooperatives paid, delivered and paid out: ledger, balances and member statements agree", async () => {
  const order = await orderFromTwoCooperatives();
  for (const s of order.subOrders)
    await prisma.paymentProfile.create({
      data: { organizationId: s.cooperativeId, unionId, serviceFeeBps: 100 },
    });
  const start = await manualProvider.startPayment(order.id, "CASH_ON_DELIVERY", buyer);
  if (start.provider !== "manual") throw new Error("expected manual");
  for (const p of start.payments)
    await markReceived(
      p.paymentId,
      { amountMinor: p.amountMinor, reference: `cash ${p.subOrderId}` },
      admin,
    );
  const releases = [];
  for (const s of order.subOrders) {
    for (const to of ["ACCEPTED", "PACKED", "DELIVERED"] as const)
      await transitionSubOrder(s.id, to, {
        userId: null,
        party: to === "DELIVERED" ? "BUYER" : "COOPERATIVE",
      });
    releases.push(await manualProvider.releaseSubOrder(s.id, admin, "kept at the cooperative"));
  }

  // The union's fee: 2.5% of the order, rounded once for the whole order.
  const fees = order.totalMinor - releases.reduce((s, r) => s + r.amountMinor, 0);
  expect(Math.abs(fees - order.totalMinor * 0.025)).toBeLessThanOrEqual(0.5);
  expect(await feeEarned(unionId, "KHR")).toBe(fees);
  expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);

  for (const [i, s] of order.subOrders.entries()) {
    const release = releases[i]!;
    expect(await cooperativeBalance(s.cooperativeId, "KHR")).toEqual({
      owedMinor: 0,
      paidMinor: release.amountMinor,
      debtMinor: 0,
    });
    // The cooperative holds the buyer's cash: its payout, and the union's fee until handed over.
    expect(await cashHeld(s.cooperativeId, "KHR")).toBe(s.totalMinor - release.amountMinor);
    // Members get the payout less the cooperative's own 1%.
    const statement = await memberStatement(s.cooperativeId, "KHR");
    const members = statement.reduce((sum, r) => sum + r.shareMinor, 0);
    expect(members).toBe(release.amountMinor - Math.round(release.amountMinor * 0.01));
    expect(statement.every((r) => r.payableMinor === r.shareMinor)).toBe(true); // no credit owed
  }
  expect(
    (
      await prisma.subOrder.findMany({ where: { orderId: order.id }, select: { status: true } })
    ).map((s) => s.status),
  ).toEqual(["SETTLED", "SETTLED"]);
  expect(await ledgerIntegrity()).toEqual({
    unbalancedTransactions: [],
    mixedCurrencyTransactions: [],
    nonZeroCurrencies: [],
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
