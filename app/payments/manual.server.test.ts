import { BakongKHQR } from "bakong-khqr";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import {
  orderFromTwoCooperatives,
  organizationId,
  paymentActor as actor,
  deliverSubOrder as deliver,
} from "../../tests/payments-fixtures";
import {
  cashHeld,
  cooperativeBalance,
  feeEarned,
  ledgerIntegrity,
  buyerOwes,
} from "./ledger.server";
import { manualProvider, markReceived, recordFeeRemittance } from "./manual.server";
import { type PaymentActor } from "./settlement.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let buyer: PaymentActor;
let lead: PaymentActor;
let lead2: PaymentActor;
let admin: PaymentActor;
let unionId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  lead = await actor("lead@phsar.test");
  lead2 = await actor("lead2@phsar.test");
  admin = await actor("admin@phsar.test");
  unionId = await organizationId("seuac");
  await prisma.paymentProfile.create({ data: { organizationId: unionId, serviceFeeBps: 300 } });
  for (const m of [...lead.memberships, ...lead2.memberships])
    await prisma.paymentProfile.create({
      data: {
        organizationId: m.organizationId,
        unionId,
        bakongAccountId: `coop${m.organizationId}@aclb`,
      },
    });
});

async function expectBalanced() {
  expect(await ledgerIntegrity()).toEqual({
    unbalancedTransactions: [],
    mixedCurrencyTransactions: [],
    nonZeroCurrencies: [],
  });
}

const leadOf = (cooperativeId: number) =>
  [lead, lead2].find((l) => l.memberships.some((m) => m.organizationId === cooperativeId))!;

describe("manual settlement", () => {
  test("KHQR per cooperative: the library verifies each code and it carries the sub-order's amount", async () => {
    const order = await orderFromTwoCooperatives();
    const start = await manualProvider.startPayment(order.id, "KHQR", buyer);
    if (start.provider !== "manual") throw new Error("expected the manual provider");
    expect(start.payments).toHaveLength(2);
    for (const [i, payment] of start.payments.entries()) {
      const subOrder = order.subOrders.find((s) => s.id === payment.subOrderId)!;
      expect(payment.amountMinor).toBe(subOrder.totalMinor);
      const qr = payment.khqr!.qr;
      expect(BakongKHQR.verify(qr).isValid).toBe(true);
      const decoded = BakongKHQR.decode(qr).data!;
      expect(decoded.transactionAmount).toBe(String(subOrder.totalMinor));
      expect(decoded.billNumber).toBe(payment.reference);
      expect(decoded.bakongAccountID).toBe(`coop${subOrder.cooperativeId}@aclb`);
      expect(i === 0 || payment.reference !== start.payments[0]!.reference).toBe(true);
    }
    // Starting again keeps the same payments.
    const again = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    if (again.provider !== "manual") throw new Error("expected the manual provider");
    expect(again.payments.map((p) => p.paymentId)).toEqual(start.payments.map((p) => p.paymentId));
    expect(again.payments.every((p) => p.khqr === null && p.method === "BANK_TRANSFER")).toBe(true);
    // Someone else's order, or a card with the manual provider: refused.
    await expect(manualProvider.startPayment(order.id, "KHQR", lead)).rejects.toThrow(
      "payments.forbidden",
    );
    await expect(manualProvider.startPayment(order.id, "CARD", buyer)).rejects.toThrow(
      "payments.methodNotAvailable",
    );
  });

  test("order from two cooperatives: received, delivered, refunded, paid out; the ledger balances throughout", async () => {
    const order = await orderFromTwoCooperatives();
    const start = await manualProvider.startPayment(order.id, "CASH_ON_DELIVERY", buyer);
    if (start.provider !== "manual") throw new Error("expected the manual provider");
    const [pa, pb] = start.payments as [
      (typeof start.payments)[number],
      (typeof start.payments)[number],
    ];
    const ledgerCount = () => prisma.ledgerTransaction.count({ where: { orderId: order.id } });

    // Amounts that do not match, and people who are not the cooperative's lead, are refused.
    await expect(
      markReceived(pa.paymentId, { amountMinor: pa.amountMinor - 1 }, leadOf(pa.cooperativeId)),
    ).rejects.toThrow("payments.amountMismatch");
    await expect(
      markReceived(pa.paymentId, { amountMinor: pa.amountMinor }, leadOf(pb.cooperativeId)),
    ).rejects.toThrow("payments.forbidden");
    await expect(
      markReceived(pa.paymentId, { amountMinor: pa.amountMinor }, buyer),
    ).rejects.toThrow("payments.forbidden");
    expect(await ledgerCount()).toBe(0);

    // The lead records A's money, twice at the same moment: once only. A is confirmed, B waits.
    const twice = await Promise.all(
      [1, 2].map(() =>
        markReceived(
          pa.paymentId,
          { amountMinor: pa.amountMinor, reference: "receipt 17" },
          leadOf(pa.cooperativeId),
        ),
      ),
    );
    expect(twice.map((r) => r.recorded).sort()).toEqual([false, true]);
    expect(
      await markReceived(pa.paymentId, { amountMinor: pa.amountMinor }, leadOf(pa.cooperativeId)),
    ).toEqual({ recorded: false });
    expect(await ledgerCount()).toBe(2); // sale + payment, once
    await expectBalanced();
    const status = async (id: number) =>
      (await prisma.subOrder.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
    expect(await status(pa.subOrderId)).toBe("CONFIRMED");
    expect(await status(pb.subOrderId)).toBe("PLACED");
    expect(await buyerOwes(order.buyerId, "KHR")).toBe(0);
    expect(await cashHeld(pa.cooperativeId, "KHR")).toBe(pa.amountMinor);

    // An admin records B's money.
    await markReceived(pb.paymentId, { amountMinor: pb.amountMinor }, admin);
    expect(await status(pb.subOrderId)).toBe("CONFIRMED");

    // Not delivered yet: nothing to pay out.
    await expect(
      manualProvider.releaseSubOrder(pa.subOrderId, leadOf(pa.cooperativeId)),
    ).rejects.toThrow("payments.notDelivered");
    await deliver(pa.subOrderId);
    await deliver(pb.subOrderId);

    // A refunds 1,000 riel of a short delivery before payout: A is paid that much less (its net part).
    const refund = await manualProvider.refundSubOrder(
      pa.subOrderId,
      1_000,
      leadOf(pa.cooperativeId),
      "short",
    );
    expect(refund.netMinor + refund.feeMinor).toBe(1_000);
    expect(refund.feeMinor).toBe(30); // 3% of 1,000
    await expectBalanced();

    const owedA = (await cooperativeBalance(pa.cooperativeId, "KHR")).owedMinor;
    // Recorded twice at the same moment: one payout.
    const [release, concurrent] = await Promise.all([
      manualProvider.releaseSubOrder(pa.subOrderId, leadOf(pa.cooperativeId), "kept"),
      manualProvider.releaseSubOrder(pa.subOrderId, admin, "kept"),
    ]);
    expect(concurrent.transferId).toBe(release.transferId);
    expect(release.amountMinor).toBe(owedA);
    const fee = Math.round(pa.amountMinor * 0.03);
    expect(release.amountMinor).toBe(pa.amountMinor - fee - refund.netMinor);
    expect(await status(pa.subOrderId)).toBe("SETTLED");
    expect(await cooperativeBalance(pa.cooperativeId, "KHR")).toMatchObject({
      owedMinor: 0,
      paidMinor: release.amountMinor,
    });
    // Released once, whatever happens next.
    const repeat = await manualProvider.releaseSubOrder(pa.subOrderId, admin);
    expect(repeat.transferId).toBe(release.transferId);
    expect(await prisma.transfer.count({ where: { subOrderId: pa.subOrderId } })).toBe(1);
    await expect(manualProvider.refundSubOrder(pa.subOrderId, 10, admin)).rejects.toThrow(
      "payments.refundAfterPayout",
    );
    await expectBalanced();

    // The cooperative still holds the union's fee until it hands it over.
    expect(await cashHeld(pa.cooperativeId, "KHR")).toBe(fee - (1_000 - refund.netMinor));
    await expect(
      recordFeeRemittance(
        pa.cooperativeId,
        { amountMinor: 10, currency: "KHR", reference: "x" },
        lead,
      ),
    ).rejects.toThrow("payments.forbidden");
    await recordFeeRemittance(
      pa.cooperativeId,
      { amountMinor: fee - refund.feeMinor, currency: "KHR", reference: "bank ref 99" },
      admin,
    );
    expect(await cashHeld(pa.cooperativeId, "KHR")).toBe(0);
    expect(await feeEarned(unionId, "KHR")).toBeGreaterThanOrEqual(fee - refund.feeMinor);
    await expectBalanced();
  });
});

describe("paying after delivery", () => {
  test("a payment started once goods were delivered asks for what was delivered, and can be recorded", async () => {
    const order = await orderFromTwoCooperatives();
    const [a] = await prisma.subOrder.findMany({
      where: { orderId: order.id },
      orderBy: { id: "asc" },
      select: { id: true, totalMinor: true, cooperativeId: true },
    });
    // Delivered short with no payment open (the first one failed, or the buyer pays late).
    await prisma.subOrder.update({
      where: { id: a!.id },
      data: { status: "DELIVERED", finalTotalMinor: a!.totalMinor - 500 },
    });
    const start = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    if (start.provider !== "manual") throw new Error("expected the manual provider");
    const pa = start.payments.find((p) => p.subOrderId === a!.id)!;
    expect(pa.amountMinor).toBe(a!.totalMinor - 500);
    expect(
      await prisma.payment.findUniqueOrThrow({ where: { id: pa.paymentId }, select: { amountMinor: true } }),
    ).toEqual({ amountMinor: a!.totalMinor - 500 });
    expect(
      await markReceived(pa.paymentId, { amountMinor: pa.amountMinor }, leadOf(a!.cooperativeId)),
    ).toEqual({ recorded: true });
    await expectBalanced();
  });
});

describe("permission before any lookup that could leak", () => {
  test("another cooperative's lead learns nothing about a sub-order's payment state", async () => {
    const order = await orderFromTwoCooperatives("KHR", "BANK_TRANSFER");
    // Cooperative A's sub-order, not delivered: its own lead is told so, the other lead only "forbidden".
    const subOrderA = order.subOrders.find((s) =>
      lead.memberships.some((m) => m.organizationId === s.cooperativeId),
    )!;
    await expect(manualProvider.releaseSubOrder(subOrderA.id, lead)).rejects.toMatchObject({
      key: "payments.notDelivered",
    });
    for (const call of [
      () => manualProvider.releaseSubOrder(subOrderA.id, lead2),
      () => manualProvider.refundSubOrder(subOrderA.id, 100, lead2),
      // A sub-order that does not exist answers the same way.
      () => manualProvider.releaseSubOrder(2_000_000_000, lead2),
      () => manualProvider.refundSubOrder(2_000_000_000, 100, lead2),
    ])
      await expect(call()).rejects.toMatchObject({ key: "payments.forbidden" });
  });
});
// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
