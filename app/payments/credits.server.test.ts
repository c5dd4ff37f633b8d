import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import {
  deliverSubOrder,
  orderFromTwoCooperatives,
  paymentActor as actor,
} from "../../tests/payments-fixtures";
import { expectMoneyExact } from "../../tests/money-fixtures";
import { cancelCredit, cooperativeCredits, recordCredit } from "./credits.server";
import { manualProvider, markReceived } from "./manual.server";
import { PaymentError, type PaymentActor } from "./settlement.server";

let lead: PaymentActor;
let clerk: PaymentActor;
let otherLead: PaymentActor;
let buyer: PaymentActor;
let admin: PaymentActor;
let cooperativeId: number;
let farmerId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  lead = await actor("lead@phsar.test");
  clerk = await actor("clerk@phsar.test");
  otherLead = await actor("lead2@phsar.test");
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  farmerId = (
    await prisma.farmer.findFirstOrThrow({ where: { cooperativeId }, select: { id: true } })
  ).id;
});

const input = (fields: Partial<Parameters<typeof recordCredit>[1]> = {}) => ({
  farmerId,
  currency: "KHR" as const,
  amountMinor: 120_000,
  issuedOn: "2026-11-02" as const,
  dueOn: "2027-03-31" as const,
  purpose: "Fertiliser for the dry season",
  ...fields,
});

const audits = (action: string, id: number) =>
  prisma.auditEvent.count({ where: { action, targetType: "FarmerCredit", targetId: String(id) } });

describe("recording input credits", () => {
  test("the lead and a clerk record them, audited; the list shows what is still owed", async () => {
    const byLead = await recordCredit(cooperativeId, input(), lead, "192.0.2.5");
    const byClerk = await recordCredit(
      cooperativeId,
      input({ amountMinor: 30_000, purpose: "Chicks", dueOn: undefined }),
      clerk,
    );
    expect(await audits("credit.recorded", byLead)).toBe(1);
    expect(await audits("credit.recorded", byClerk)).toBe(1);
    const { credits } = await cooperativeCredits(cooperativeId, clerk);
    const mine = credits.filter((c) => [byLead, byClerk].includes(c.id));
    expect(
      mine.map((c) => [c.note, c.outstandingMinor, c.dueOn?.toISOString().slice(0, 10)]),
    ).toEqual(
      expect.arrayContaining([
        ["Fertiliser for the dry season", 120_000, "2027-03-31"],
        ["Chicks", 30_000, undefined],
      ]),
    );
  });

  test("outsiders, another cooperative's member and impossible amounts are refused; nothing is written", async () => {
    const before = await prisma.farmerCredit.count();
    for (const outsider of [buyer, otherLead])
      await expect(recordCredit(cooperativeId, input(), outsider)).rejects.toThrow(
        new PaymentError("payments.forbidden"),
      );
    const stranger = await prisma.farmer.findFirstOrThrow({
      where: { cooperativeId: { not: cooperativeId } },
      select: { id: true },
    });
    await expect(
      recordCredit(cooperativeId, input({ farmerId: stranger.id }), lead),
    ).rejects.toThrow(new PaymentError("credits.notAMember"));
    for (const amountMinor of [0, -5, 1.5, 100_000_001])
      await expect(recordCredit(cooperativeId, input({ amountMinor }), lead)).rejects.toThrow(
        new PaymentError("credits.amountInvalid"),
      );
    expect(await prisma.farmerCredit.count()).toBe(before);
  });
});

describe("cancelling a credit entered by mistake", () => {
  test("the lead may, once, audited; a clerk may not", async () => {
    const id = await recordCredit(cooperativeId, input({ purpose: "Typo" }), clerk);
    await expect(cancelCredit(cooperativeId, id, clerk)).rejects.toThrow(
      new PaymentError("payments.forbidden"),
    );
    await expect(cancelCredit(cooperativeId, id, otherLead)).rejects.toThrow(
      new PaymentError("payments.forbidden"),
    );
    await cancelCredit(cooperativeId, id, lead);
    await cancelCredit(cooperativeId, id, admin);
    expect(await audits("credit.cancelled", id)).toBe(1);
    await expect(cancelCredit(cooperativeId, 2_000_000_000, lead)).rejects.toThrow(
      new PaymentError("credits.notFound"),
    );
  });

  test("a cancel waiting for a repayment in progress then finds it repaid and changes nothing", async () => {
    const id = await recordCredit(cooperativeId, input({ purpose: "Seed" }), lead);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // An allocation repaying the credit holds its row, as allocateSubOrder does.
    const repaying = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "FarmerCredit" WHERE "id" = ${id} FOR UPDATE`;
      locked();
      await released;
      await tx.farmerCredit.update({
        where: { id },
        data: { repaidMinor: { increment: 5_000 } },
        select: { id: true },
      });
    });
    await isLocked;
    const cancelling = cancelCredit(cooperativeId, id, lead).then(
      () => "cancelled",
      (error: PaymentError) => error.key,
    );
    // The cancel is now waiting on the row lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await repaying;
    expect(await cancelling).toBe("credits.alreadyRepaid");
    const credit = await prisma.farmerCredit.findUniqueOrThrow({
      where: { id },
      select: { cancelledAt: true, repaidMinor: true },
    });
    expect(credit).toEqual({ cancelledAt: null, repaidMinor: 5_000 });
    expect(await audits("credit.cancelled", id)).toBe(0);
  });
});

describe("credits entered here are repaid from the member's share at payout", () => {
  test("a recorded credit is deducted, a cancelled one is not", async () => {
    const order = await orderFromTwoCooperatives();
    const subOrder = order.subOrders[0]!;
    // A pledger who owes nothing yet, so this test's credits are the only ones repaid.
    const pledger = await prisma.pledge.findFirstOrThrow({
      where: {
        window: { orderLines: { some: { subOrderId: subOrder.id } } },
        farmer: { credits: { none: {} } },
      },
      select: { farmerId: true },
    });
    const owner = await prisma.organization.findUniqueOrThrow({
      where: { id: subOrder.cooperativeId },
      select: {
        memberships: { where: { role: "LEAD" }, select: { user: { select: { email: true } } } },
      },
    });
    const coopLead = await actor(owner.memberships[0]!.user.email!);
    const wrong = await recordCredit(
      subOrder.cooperativeId,
      input({ farmerId: pledger.farmerId, amountMinor: 700, purpose: "Wrong" }),
      coopLead,
    );
    await cancelCredit(subOrder.cooperativeId, wrong, coopLead);
    const real = await recordCredit(
      subOrder.cooperativeId,
      input({ farmerId: pledger.farmerId, amountMinor: 300, purpose: "Seed" }),
      coopLead,
    );
    // What the member owes before the payout, the cancelled credit aside (the demo has some too).
    const owed = (
      await prisma.farmerCredit.findMany({
        where: { farmerId: pledger.farmerId, currency: "KHR", cancelledAt: null },
        select: { amountMinor: true, repaidMinor: true },
      })
    ).reduce((sum, c) => sum + c.amountMinor - c.repaidMinor, 0);
    const start = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    if (start.provider !== "manual") throw new Error("expected manual");
    const payment = start.payments.find((p) => p.subOrderId === subOrder.id)!;
    await markReceived(payment.paymentId, { amountMinor: payment.amountMinor }, admin);
    await deliverSubOrder(subOrder.id);
    await manualProvider.releaseSubOrder(subOrder.id, admin);

    const allocation = await prisma.memberAllocation.findFirstOrThrow({
      where: { subOrderId: subOrder.id, farmerId: pledger.farmerId },
      select: { repaymentMinor: true, shareMinor: true },
    });
    expect(allocation.shareMinor).toBeGreaterThan(owed);
    expect(allocation.repaymentMinor).toBe(owed);
    const credits = await prisma.farmerCredit.findMany({
      where: { id: { in: [wrong, real] } },
      orderBy: { id: "asc" },
      select: { repaidMinor: true },
    });
    expect(owed).toBe(300);
    expect(credits.map((c) => c.repaidMinor)).toEqual([0, 300]);
    await expectMoneyExact();
  });
});
