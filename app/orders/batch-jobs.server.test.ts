// Timer batches (issue #25, case 8): one failing row does not stop the rest, and a run takes a
// lock of its own, so overlapping runs neither throw nor act twice.
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { addDays, cambodiaToday, dateColumn } from "~/calendar/dates";
import { actorByEmail, buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { holdLocks } from "../../tests/lock-fixtures";
import { at, buildStandingOrder, weekOrders } from "../../tests/standing-fixtures";
import { seedDemoData } from "../../prisma/seed";
import {
  acceptSubOrder,
  autoConfirmDeliveries,
  expireUnpaidOrders,
  packSubOrder,
  placeOrder,
} from "./orders.server";
import { runStandingOrders } from "~/checkout/standing.server";

let buyerId: number;
let userId: number;
let admin: Awaited<ReturnType<typeof actorByEmail>>;
let cooperativeId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  userId = buyer.id;
  admin = await actorByEmail("admin@phsar.test");
  cooperativeId = (await cooperativeIds())[0]!;
});

/** A real failure for one row: PostgreSQL refuses any write to it (dropped after each test). */
async function failWritesTo(table: "SubOrder" | "Order", column: string, id: number) {
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_refuse_row() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe(`
    CREATE TRIGGER test_refuse_row BEFORE INSERT OR UPDATE ON "${table}"
      FOR EACH ROW WHEN (NEW."${column}" = ${Number(id)}) EXECUTE FUNCTION test_refuse_row()`);
  refusing = table;
}
let refusing: string | null = null;
afterEach(async () => {
  if (refusing) await prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_row ON "${refusing}"`);
  refusing = null;
});

const statusOf = async (subOrderId: number) =>
  (await prisma.subOrder.findUniqueOrThrow({ where: { id: subOrderId }, select: { status: true } }))
    .status;

async function unpaidOverdue() {
  const window = await buildWindow({ cooperativeId, pledges: [20] });
  const { orderId } = await placeOrder({
    buyerId,
    placedById: userId,
    idempotencyKey: randomUUID(),
    paymentMethod: "BANK_TRANSFER",
    lines: [{ windowId: window.id, quantity: 2 }],
  });
  await prisma.order.update({
    where: { id: orderId },
    data: { paymentDueAt: new Date(Date.now() - 1000) },
  });
  return prisma.subOrder.findFirstOrThrow({ where: { orderId }, select: { id: true } });
}

/** A packed sub-order whose delivery date is long past. */
async function packedLongAgo() {
  const window = await buildWindow({ cooperativeId, pledges: [20] });
  const { orderId } = await placeOrder({
    buyerId,
    placedById: userId,
    idempotencyKey: randomUUID(),
    lines: [{ windowId: window.id, quantity: 2 }],
  });
  const sub = await prisma.subOrder.findFirstOrThrow({
    where: { orderId },
    select: { id: true, lines: { select: { id: true } } },
  });
  await acceptSubOrder(sub.id, cooperativeId, admin);
  await packSubOrder(sub.id, cooperativeId, [{ lineId: sub.lines[0]!.id, milli: 2000 }], {
    userId,
  });
  await prisma.subOrder.update({
    where: { id: sub.id },
    data: { deliveryDate: dateColumn(addDays(cambodiaToday(new Date()), -30)) },
  });
  return sub;
}

describe("one failing row does not stop the batch", () => {
  test("expireUnpaidOrders: an order paid while the run waits is left alone, the next one expires", async () => {
    const [first, second] = [await unpaidOverdue(), await unpaidOverdue()];
    const lock = await holdLocks([
      { sql: `SELECT "id" FROM "SubOrder" WHERE "id" = $1 FOR UPDATE`, values: [first.id] },
    ]);
    const run = expireUnpaidOrders();
    try {
      await lock.waitForQueue(1);
      await lock.query(`UPDATE "SubOrder" SET "status" = 'CONFIRMED' WHERE "id" = $1`, [first.id]);
    } finally {
      await lock.release();
    }
    await run;
    expect(await statusOf(first.id)).toBe("CONFIRMED");
    expect(await statusOf(second.id)).toBe("CANCELLED");
  });

  test("expireUnpaidOrders: a row that fails is logged and the next one still expires", async () => {
    const [first, second] = [await unpaidOverdue(), await unpaidOverdue()];
    await failWritesTo("SubOrder", "id", first.id);
    await expireUnpaidOrders();
    expect(await statusOf(first.id)).toBe("PLACED");
    expect(await statusOf(second.id)).toBe("CANCELLED");
  });

  test("autoConfirmDeliveries: a row that fails is logged and the next one is still confirmed", async () => {
    const [first, second] = [await packedLongAgo(), await packedLongAgo()];
    await failWritesTo("SubOrder", "id", first.id);
    await autoConfirmDeliveries();
    expect(await statusOf(first.id)).toBe("PACKED");
    expect(await statusOf(second.id)).toBe("DELIVERED");
  });

  test("runStandingOrders: a standing order that fails is logged and the next one still runs", async () => {
    const base = { buyerId, userId, cooperativeId };
    const [first, second] = [await buildStandingOrder(base), await buildStandingOrder(base)];
    await failWritesTo("Order", "standingOrderId", first.standingOrderId);
    await runStandingOrders(at(3));
    expect(await weekOrders(first.standingOrderId, 1)).toHaveLength(0);
    expect(await weekOrders(second.standingOrderId, 1)).toHaveLength(1);
  });
});

describe("one run at a time", () => {
  test("overlapping runStandingOrders in real parallel: no error, each week placed once", async () => {
    const base = { buyerId, userId, cooperativeId };
    const built = [];
    for (let i = 0; i < 6; i++)
      built.push(await buildStandingOrder({ ...base, week1Window: i % 2 === 0 }));
    const results = await Promise.allSettled([1, 2, 3].map(() => runStandingOrders(at(3))));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    for (const s of built) {
      expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(s.week1 ? 1 : 0);
      expect(
        await prisma.standingOrderRun.count({ where: { standingOrderId: s.standingOrderId } }),
      ).toBe(2);
    }
  });

  test("a run that finds another run holding the job's lock does nothing", async () => {
    const s = await buildStandingOrder({ buyerId, userId, cooperativeId });
    const expire = await unpaidOverdue();
    const confirm = await packedLongAgo();
    const lock = await holdLocks(
      ["orders-standing", "orders-expire-unpaid", "orders-auto-confirm"].map((name) => ({
        sql: `SELECT pg_advisory_lock(hashtext($1))`,
        values: [`job:${name}`],
      })),
    );
    try {
      expect(await runStandingOrders(at(3))).toBe(0);
      expect(await expireUnpaidOrders()).toBe(0);
      expect(await autoConfirmDeliveries()).toBe(0);
      expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(0);
      expect(await statusOf(expire.id)).toBe("PLACED");
      expect(await statusOf(confirm.id)).toBe("PACKED");
    } finally {
      await lock.release();
    }
    // Advisory locks are held by the session, past the transaction: released with the connection.
    expect(await runStandingOrders(at(3))).toBeGreaterThan(0);
    expect(await weekOrders(s.standingOrderId, 1)).toHaveLength(1);
  });
});
