import { expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { loadDashboard } from "~/monitoring/dashboard.server";
import { parseMonitoringParams } from "~/monitoring/filters";
import { checkMoney } from "~/payments/money-check.server";
import { seedDemoData } from "../seed";

test("the demo history fills the dashboard's default view, leaving the demo logins' organizations alone", async () => {
  expect(await seedDemoData(prisma, { history: true })).toEqual({ created: true });

  const parsed = parseMonitoringParams(new URLSearchParams());
  if (!parsed.ok) throw new Error("default filters");
  const dashboard = await loadDashboard(parsed.value);
  expect(dashboard.volumes.rows.length).toBeGreaterThan(10);
  expect(dashboard.prices.total).toBeGreaterThan(5);
  expect(dashboard.performance.length).toBe(6);
  expect(dashboard.inclusion.byCooperative.length).toBe(6);
  expect(dashboard.market.total).toBeGreaterThan(5);

  const touched = await prisma.subOrder.count({
    where: {
      cooperative: { memberships: { some: {} } },
    },
  });
  expect(touched).toBe(0);

  // The money went through the payment domain: every settled sub-order was paid, paid out and
  // shared by what each member brought, and the books the checker reads are right.
  const settled = await prisma.subOrder.findMany({
    where: { status: "SETTLED" },
    select: {
      id: true,
      deliveryDate: true,
      payments: { select: { status: true, amountMinor: true, createdAt: true } },
      transfers: { select: { status: true, amountMinor: true } },
      refunds: { select: { amountMinor: true, handedBackAt: true } },
      memberAllocations: { select: { shareMinor: true, basis: true } },
      transitions: { where: { to: "SETTLED" }, select: { at: true } },
    },
  });
  expect(settled.length).toBeGreaterThan(50);
  for (const s of settled) {
    expect(
      s.payments.filter((p) => p.status === "SUCCEEDED" || p.status === "REFUNDED"),
    ).toHaveLength(1);
    expect(s.transfers).toEqual([expect.objectContaining({ status: "PAID" })]);
    expect(s.refunds.every((r) => r.handedBackAt)).toBe(true);
    expect(s.memberAllocations.length).toBeGreaterThan(0);
    expect(s.memberAllocations.every((a) => a.basis === "COLLECTION")).toBe(true);
    // Dated when it happened: paid before delivery, settled after it, never at seed time.
    expect(s.payments[0]!.createdAt.getTime()).toBeLessThan(s.deliveryDate.getTime());
    expect(s.transitions[0]!.at.getTime()).toBeGreaterThan(s.deliveryDate.getTime());
    expect(s.transitions[0]!.at.getTime()).toBeLessThan(Date.now() - 86_400_000);
  }
  // Last week's deliveries are paid but not yet paid out.
  const awaitingPayout = await prisma.subOrder.findMany({
    where: { status: "DELIVERED" },
    select: { payments: { select: { status: true } }, transfers: { select: { id: true } } },
  });
  expect(awaitingPayout.length).toBeGreaterThan(0);
  for (const s of awaitingPayout) {
    expect(s.payments.map((p) => p.status)).toEqual(["SUCCEEDED"]);
    expect(s.transfers).toEqual([]);
  }
  expect(await checkMoney(prisma)).toEqual([]);

  // Members were paid for the older weeks, never more than they were owed; the recent ones stay owed.
  const paid = await prisma.memberPayment.groupBy({
    by: ["farmerId"],
    _sum: { amountMinor: true },
  });
  expect(paid.length).toBeGreaterThan(10);
  const owed = new Map(
    (await prisma.memberAllocation.groupBy({ by: ["farmerId"], _sum: { payableMinor: true } })).map(
      (o) => [o.farmerId, o._sum.payableMinor!],
    ),
  );
  for (const p of paid) expect(p._sum.amountMinor!).toBeLessThanOrEqual(owed.get(p.farmerId)!);
  const totalPaid = paid.reduce((sum, p) => sum + p._sum.amountMinor!, 0);
  const totalOwed = [...owed.values()].reduce((sum, o) => sum + o, 0);
  expect(totalPaid).toBeLessThan(totalOwed);
  expect(await prisma.memberPayment.count({ where: { method: "BAKONG" } })).toBeGreaterThan(0);

  // A second start changes nothing: the trail is complete.
  const before = await prisma.ledgerTransaction.count();
  expect(await seedDemoData(prisma, { history: true })).toEqual({ created: false });
  expect(await prisma.ledgerTransaction.count()).toBe(before);
});
