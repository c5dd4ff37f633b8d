// Accepting and rejecting check who decides inside the orders module (#14): called directly, with
// no route in front, a clerk or another cooperative's lead is refused and the sub-order stays put.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { actorByEmail, buildWindow, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import { acceptSubOrder, placeOrder, rejectSubOrder } from "./orders.server";

type Person = Awaited<ReturnType<typeof actorByEmail>>;
let lead: Person;
let clerk: Person;
let otherLead: Person;
let cooperativeId: number;
let buyer: Awaited<ReturnType<typeof userByEmail>>;

beforeAll(async () => {
  await seedDemoData(prisma);
  lead = await actorByEmail("lead@phsar.test");
  clerk = await actorByEmail("clerk@phsar.test");
  otherLead = await actorByEmail("lead2@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  buyer = await userByEmail("buyer@phsar.test");
});

async function placedSubOrder() {
  const window = await buildWindow({ cooperativeId, pledges: [20] });
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    lines: [{ windowId: window.id, quantity: 5 }],
  });
  return prisma.subOrder.findFirstOrThrow({ where: { orderId }, select: { id: true } });
}

const statusOf = async (id: number) =>
  (await prisma.subOrder.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

describe("deciding on a sub-order", () => {
  test("a clerk and another cooperative's lead may not accept or reject", async () => {
    expect(clerk.memberships.some((m) => m.organizationId === cooperativeId)).toBe(true);
    const sub = await placedSubOrder();
    const before = await statusOf(sub.id);
    for (const outsider of [clerk, otherLead]) {
      await expect(acceptSubOrder(sub.id, cooperativeId, outsider)).rejects.toMatchObject({
        name: "OrderError",
        key: "orders.forbidden",
      });
      await expect(
        rejectSubOrder(sub.id, cooperativeId, { ...outsider, reason: "no" }),
      ).rejects.toMatchObject({ name: "OrderError", key: "orders.forbidden" });
    }
    expect(await statusOf(sub.id)).toBe(before);
  });

  test("the lead is refused a sub-order that is not there or already decided", async () => {
    await expect(acceptSubOrder(2_000_000_000, cooperativeId, lead)).rejects.toMatchObject({
      key: "orders.notFound",
    });
    const sub = await placedSubOrder();
    await rejectSubOrder(sub.id, cooperativeId, { ...lead, reason: "no stock" });
    expect(await statusOf(sub.id)).toBe("REJECTED");
    await expect(acceptSubOrder(sub.id, cooperativeId, lead)).rejects.toMatchObject({
      key: "orders.illegalTransition",
    });
  });
});
