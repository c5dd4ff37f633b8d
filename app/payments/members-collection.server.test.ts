// Allocation by what each member delivered (#18 item 3), under the sub-order's lock.
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { recordCollection } from "~/orders/collection.server";
import { transitionSubOrder } from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { expectMoneyExact, holdSubOrderLocks } from "../../tests/money-fixtures";
import { manualProvider, markReceived } from "./manual.server";
import { memberStatementFor, membersPayable, membersPayableTable } from "./member-payments.server";
import { allocateSubOrder, memberStatement, statementCsv } from "./members.server";
import { type PaymentActor } from "./settlement.server";

let buyer: PaymentActor;
let admin: PaymentActor;
let lead: PaymentActor;

beforeAll(async () => {
  await seedDemoData(prisma);
  buyer = await actor("buyer@phsar.test");
  admin = await actor("admin@phsar.test");
  lead = await actor("lead@phsar.test");
});

/** A paid, accepted sub-order whose one line's window has at least three pledgers. */
async function paidAccepted() {
  const order = await orderFromTwoCooperatives();
  const subOrder = order.subOrders[0]!;
  const start = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
  if (start.provider !== "manual") throw new Error("expected manual");
  const payment = start.payments.find((p) => p.subOrderId === subOrder.id)!;
  await markReceived(payment.paymentId, { amountMinor: payment.amountMinor }, admin);
  await transitionSubOrder(subOrder.id, "ACCEPTED", { userId: null, party: "COOPERATIVE" });
  const line = await prisma.orderLine.findFirstOrThrow({
    where: { subOrderId: subOrder.id },
    select: {
      id: true,
      windowId: true,
      window: { select: { pledges: { orderBy: { farmerId: "asc" }, select: { farmerId: true } } } },
    },
  });
  const farmers = line.window.pledges.map((p) => p.farmerId);
  expect(farmers.length).toBeGreaterThanOrEqual(2);
  return { subOrder, line, farmers, amountMinor: payment.amountMinor };
}

async function deliver(subOrderId: number) {
  for (const to of ["PACKED", "DELIVERED"] as const)
    await transitionSubOrder(subOrderId, to, {
      userId: null,
      party: to === "DELIVERED" ? "BUYER" : "COOPERATIVE",
    });
}

const allocations = (subOrderId: number) =>
  prisma.memberAllocation.findMany({
    where: { subOrderId },
    orderBy: { farmerId: "asc" },
    select: { farmerId: true, shareMinor: true, basis: true },
  });

describe("allocation by delivery", () => {
  test("shares follow what was collected (newest record), not pledges; members who brought nothing get nothing", async () => {
    const { subOrder, line, farmers } = await paidAccepted();
    const [a, b] = farmers as [number, number];
    await recordCollection(
      line.id,
      subOrder.cooperativeId,
      [
        { farmerId: a, quantityMilli: 1_000, grade: null },
        { farmerId: b, quantityMilli: 9_000, grade: null },
      ],
      admin,
    );
    // A correction: b brought 3, not 9.
    await recordCollection(
      line.id,
      subOrder.cooperativeId,
      [{ farmerId: b, quantityMilli: 3_000, grade: null }],
      admin,
    );
    await deliver(subOrder.id);
    const release = await manualProvider.releaseSubOrder(subOrder.id, admin);
    const rows = await allocations(subOrder.id);
    expect(rows.map((r) => r.farmerId)).toEqual([a, b]);
    expect(rows.every((r) => r.basis === "COLLECTION")).toBe(true);
    const total = rows.reduce((s, r) => s + r.shareMinor, 0);
    expect(total).toBe(release.amountMinor); // no cooperative fee set
    expect(Math.abs(rows[0]!.shareMinor - total / 4)).toBeLessThan(1);
    expect(Math.abs(rows[1]!.shareMinor - (total * 3) / 4)).toBeLessThan(1);
  });

  test("with nothing collected it falls back to the pledges, and the basis says so", async () => {
    const { subOrder, farmers } = await paidAccepted();
    await deliver(subOrder.id);
    await manualProvider.releaseSubOrder(subOrder.id, admin);
    const rows = await allocations(subOrder.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => farmers.includes(r.farmerId) && r.basis === "PLEDGE")).toBe(true);
  });

  test("the member's statement and both CSVs say which shares followed pledges", async () => {
    const collected = await paidAccepted();
    const pledged = await paidAccepted();
    const cooperativeId = collected.subOrder.cooperativeId;
    expect(pledged.subOrder.cooperativeId).toBe(cooperativeId);
    const counts = async () => {
      const rows = await membersPayable(cooperativeId, "KHR", lead);
      return new Map(rows.map((r) => [r.farmerId, r.allocationsByPledge]));
    };
    const before = await counts();
    const a = collected.farmers[0]!;
    await recordCollection(
      collected.line.id,
      cooperativeId,
      [{ farmerId: a, quantityMilli: 2_000, grade: null }],
      admin,
    );
    await deliver(collected.subOrder.id);
    await manualProvider.releaseSubOrder(collected.subOrder.id, admin);
    // Shared by what was weighed: not counted as by pledge.
    expect((await counts()).get(a) ?? 0).toBe(before.get(a) ?? 0);

    await deliver(pledged.subOrder.id);
    await manualProvider.releaseSubOrder(pledged.subOrder.id, admin);
    const after = await counts();
    for (const farmerId of (await allocations(pledged.subOrder.id)).map((r) => r.farmerId))
      expect(after.get(farmerId)).toBe((before.get(farmerId) ?? 0) + 1);

    const statementOf = (farmerId: number) =>
      memberStatementFor(
        cooperativeId,
        farmerId,
        "KHR",
        { from: new Date(0), to: new Date(Date.now() + 60_000) },
        lead,
      );
    const lineOf = async (farmerId: number, subOrderId: number) =>
      (await statementOf(farmerId)).lines.find((l) => l.subOrderId === subOrderId)!;
    expect((await lineOf(a, collected.subOrder.id)).basis).toBe("COLLECTION");
    const p = (await allocations(pledged.subOrder.id))[0]!.farmerId;
    expect((await lineOf(p, pledged.subOrder.id)).basis).toBe("PLEDGE");

    // The column in the members-payable CSV and in the older statement CSV.
    const table = membersPayableTable(await membersPayable(cooperativeId, "KHR", lead), "KHR");
    const column = table.header.indexOf("allocations_by_pledge");
    expect(column).toBeGreaterThan(0);
    expect(table.rows.find((r) => r[0] === p)![column]).toBe(after.get(p));
    const csv = statementCsv(await memberStatement(cooperativeId, "KHR"), "KHR").split("\r\n");
    // The last column, so a name or village with a comma in it cannot shift it.
    expect(csv[0]!.split(",").at(-1)).toBe("allocations_by_pledge");
    const csvRow = csv.find((l) => l.startsWith(`${p},`))!;
    expect(Number(csvRow.split(",").at(-1))).toBe(after.get(p));
  });

  test("a retry and two callers at once allocate once", async () => {
    const { subOrder, line, farmers } = await paidAccepted();
    await recordCollection(
      line.id,
      subOrder.cooperativeId,
      [
        { farmerId: farmers[0]!, quantityMilli: 2_000, grade: null },
        { farmerId: farmers[1]!, quantityMilli: 5_000, grade: null },
      ],
      admin,
    );
    await deliver(subOrder.id);
    const results = await Promise.all([
      allocateSubOrder(subOrder.id),
      allocateSubOrder(subOrder.id),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const first = await allocations(subOrder.id);
    expect(first).toHaveLength(2);
    expect(await allocateSubOrder(subOrder.id)).toEqual({ created: false });
    expect(await allocations(subOrder.id)).toEqual(first);
  });

  test("held lock: an allocation waits for the sub-order's lock and reads the collection after it", async () => {
    const { subOrder, line, farmers } = await paidAccepted();
    await recordCollection(
      line.id,
      subOrder.cooperativeId,
      [{ farmerId: farmers[0]!, quantityMilli: 4_000, grade: null }],
      admin,
    );
    await deliver(subOrder.id);
    const lock = await holdSubOrderLocks([subOrder.id]);
    const running = allocateSubOrder(subOrder.id);
    await lock.waitForQueue(1);
    // While it waits, a correction lands (in the holder's transaction): the newest record counts.
    await lock.query(
      `INSERT INTO "Collection" ("windowId", "orderLineId", "farmerId", "quantityMilli")
       VALUES ($1, $2, $3, 0), ($1, $2, $4, 6000)`,
      [line.windowId, line.id, farmers[0], farmers[1]],
    );
    await lock.release();
    const result = await running;
    expect(result.created).toBe(true);
    const rows = await allocations(subOrder.id);
    expect(rows.map((r) => r.farmerId)).toEqual([farmers[1]]);
  });
});

afterEach(expectMoneyExact);
