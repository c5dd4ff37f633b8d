import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { transitionSubOrder } from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { manualProvider, markReceived } from "./manual.server";
import { allocateSubOrder, memberStatement, statementCsv } from "./members.server";
import { type PaymentActor } from "./settlement.server";
import { expectMoneyExact } from "../../tests/money-fixtures";

let buyer: PaymentActor;
let admin: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
});

describe("member allocation", () => {
  test("a paid-out sub-order is shared among its pledgers once, after the cooperative's fee and input credit", async () => {
    const order = await orderFromTwoCooperatives();
    const subOrder = order.subOrders[0]!;
    await prisma.paymentProfile.create({
      data: { organizationId: subOrder.cooperativeId, serviceFeeBps: 200 },
    });
    const line = await prisma.orderLine.findFirstOrThrow({
      where: { subOrderId: subOrder.id },
      select: { window: { select: { pledges: { select: { farmerId: true, quantity: true } } } } },
    });
    const pledgers = line.window.pledges;
    expect(pledgers.length).toBeGreaterThan(1);
    // One member owes far more input credit than this sale, another a little.
    const [indebted, small] = pledgers as [(typeof pledgers)[number], (typeof pledgers)[number]];
    await prisma.farmerCredit.createMany({
      data: [
        {
          cooperativeId: subOrder.cooperativeId,
          farmerId: indebted.farmerId,
          currency: "KHR",
          amountMinor: 50_000_000,
          note: "chicks",
        },
        {
          cooperativeId: subOrder.cooperativeId,
          farmerId: small.farmerId,
          currency: "KHR",
          amountMinor: 1,
          note: "seed",
        },
      ],
    });

    const start = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    if (start.provider !== "manual") throw new Error("expected manual");
    const payment = start.payments.find((p) => p.subOrderId === subOrder.id)!;
    await markReceived(payment.paymentId, { amountMinor: payment.amountMinor }, admin);
    await expect(allocateSubOrder(subOrder.id)).rejects.toThrow("payments.notDelivered");
    for (const to of ["ACCEPTED", "PACKED", "DELIVERED"] as const)
      await transitionSubOrder(subOrder.id, to, {
        userId: null,
        party: to === "DELIVERED" ? "BUYER" : "COOPERATIVE",
      });
    const release = await manualProvider.releaseSubOrder(subOrder.id, admin);

    const rows = await prisma.memberAllocation.findMany({
      where: { subOrderId: subOrder.id },
      select: { farmerId: true, shareMinor: true, repaymentMinor: true, payableMinor: true },
    });
    const shares = rows.reduce((s, r) => s + r.shareMinor, 0);
    const cooperativeFee = Math.round(release.amountMinor * 0.02);
    expect(shares + cooperativeFee).toBe(release.amountMinor);
    const total = pledgers.reduce((s, p) => s + p.quantity, 0);
    for (const row of rows) {
      const pledged = pledgers.find((p) => p.farmerId === row.farmerId)!.quantity;
      expect(Math.abs(row.shareMinor - (shares * pledged) / total)).toBeLessThan(1);
      expect(row.repaymentMinor + row.payableMinor).toBe(row.shareMinor);
    }
    const rowOf = (farmerId: number) => rows.find((r) => r.farmerId === farmerId)!;
    expect(rowOf(indebted.farmerId)).toMatchObject({ payableMinor: 0 });
    expect(rowOf(indebted.farmerId).repaymentMinor).toBe(rowOf(indebted.farmerId).shareMinor);
    expect(rowOf(small.farmerId).repaymentMinor).toBe(1);
    const credits = await prisma.farmerCredit.findMany({
      where: { cooperativeId: subOrder.cooperativeId },
      orderBy: { id: "asc" },
      select: { repaidMinor: true },
    });
    expect(credits.map((c) => c.repaidMinor)).toEqual([rowOf(indebted.farmerId).shareMinor, 1]);

    // Once only.
    expect(await allocateSubOrder(subOrder.id)).toEqual({ created: false });

    const statement = await memberStatement(subOrder.cooperativeId, "KHR");
    expect(statement.reduce((s, r) => s + r.payableMinor + r.repaymentMinor, 0)).toBe(shares);
    const csv = statementCsv(statement, "KHR");
    expect(
      csv.startsWith(
        "\uFEFFfarmer_id,name,village,currency,share_minor,repayment_minor,payable_minor,allocations_by_pledge\r\n",
      ),
    ).toBe(true);
    expect(csv.trimEnd().split("\r\n")).toHaveLength(statement.length + 1);
  });

  test("CSV cells are quoted and formulas defused", () => {
    const csv = statementCsv(
      [
        {
          farmerId: 1,
          name: 'Sok "Dara", Jr',
          village: "=HYPERLINK(1)",
          shareMinor: 10,
          repaymentMinor: 0,
          payableMinor: 10,
          allocationsByPledge: 2,
        },
      ],
      "USD",
    );
    expect(csv.split("\r\n")[1]).toBe(`1,"Sok ""Dara"", Jr",'=HYPERLINK(1),USD,10,0,10,2`);
  });
});

// The account invariants hold after every test (docs/decisions/014-money-exact.md).
afterEach(expectMoneyExact);
