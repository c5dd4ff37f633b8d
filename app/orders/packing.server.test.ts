// Packing by weight takes from what members pledged (issue #25, case 9): over-packing within the
// buyer's tolerance is refused once the window's packed and still-to-pack weight passes its pledges.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { actorByEmail, buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { holdLocks } from "../../tests/lock-fixtures";
import { seedDemoData } from "../../prisma/seed";
import { acceptSubOrder, LineQuantityError, packSubOrder, placeOrder } from "./orders.server";

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

/** Two accepted 50 kg orders at 15 % tolerance from one window pledged `pledged` kg. */
async function twoOrders(pledged: number) {
  const window = await buildWindow({ cooperativeId, pledges: [pledged] });
  const subOrders = [];
  for (let i = 0; i < 2; i++) {
    const { orderId } = await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      weightTolerancePct: 15,
      lines: [{ windowId: window.id, quantity: 50 }],
    });
    const sub = await prisma.subOrder.findFirstOrThrow({
      where: { orderId },
      select: { id: true, lines: { select: { id: true } } },
    });
    await acceptSubOrder(sub.id, cooperativeId, admin);
    subOrders.push(sub);
  }
  return { window, subOrders };
}

const pack = (sub: { id: number; lines: { id: number }[] }, milli: number) =>
  packSubOrder(sub.id, cooperativeId, [{ lineId: sub.lines[0]!.id, milli }], { userId });

async function packedMilli(windowId: number) {
  const lines = await prisma.orderLine.findMany({
    where: { windowId, packedQuantityMilli: { not: null } },
    select: { packedQuantityMilli: true },
  });
  return lines.reduce((sum, l) => sum + l.packedQuantityMilli!, 0);
}

describe("packing by weight within the pledges", () => {
  test("one by one: the second 57.5 kg is refused beside its line, 52.5 kg fits", async () => {
    const { window, subOrders } = await twoOrders(110);
    await pack(subOrders[0]!, 57_500);
    const refused = await pack(subOrders[1]!, 57_500).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LineQuantityError);
    expect((refused as LineQuantityError).problems).toEqual({
      [subOrders[1]!.lines[0]!.id]: "orders.packedOverPledged",
    });
    await pack(subOrders[1]!, 52_500);
    expect(await packedMilli(window.id)).toBe(110_000);
  });

  test("a pack may not eat into what another order still needs", async () => {
    const { subOrders } = await twoOrders(100);
    await expect(pack(subOrders[0]!, 57_500)).rejects.toBeInstanceOf(LineQuantityError);
    await pack(subOrders[0]!, 50_000);
  });

  test("in real parallel: two 57.5 kg packs of a 110 kg window, one goes through", async () => {
    for (let round = 0; round < 3; round++) {
      const { window, subOrders } = await twoOrders(110);
      const results = await Promise.allSettled(subOrders.map((s) => pack(s, 57_500)));
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect(await packedMilli(window.id)).toBe(57_500);
    }
  });

  test("queued behind the window's lock: the second pack sees the first one's weight", async () => {
    const { window, subOrders } = await twoOrders(110);
    const lock = await holdLocks([
      { sql: `SELECT "id" FROM "DeliveryWindow" WHERE "id" = $1 FOR UPDATE`, values: [window.id] },
    ]);
    const calls = Promise.allSettled(subOrders.map((s) => pack(s, 57_500)));
    try {
      await lock.waitForQueue(2);
    } finally {
      await lock.release();
    }
    expect((await calls).map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await packedMilli(window.id)).toBe(57_500);
  });
});
