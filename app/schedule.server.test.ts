import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { registerScheduledJobs, startQueue } from "~/jobs/queue.server";
import { buildWindow, cooperativeIds, userByEmail } from "../tests/builders";
import { seedDemoData } from "../prisma/seed";
import { orderJobs } from "./schedule.server";
import { placeOrder } from "~/orders/orders.server";

let boss: PgBoss;
const said: string[] = [];

beforeAll(async () => {
  await seedDemoData(prisma);
  boss = await startQueue(process.env.DATABASE_URL!, (m) => said.push(m));
  await registerScheduledJobs(boss, orderJobs, (m) => said.push(m));
});

afterAll(async () => {
  await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
});

test("the queue runs the order timers: an overdue unpaid order is cancelled and its quantity released", async () => {
  const buyer = await userByEmail("buyer@phsar.test");
  const window = await buildWindow({ cooperativeId: (await cooperativeIds())[0]!, pledges: [10] });
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: "BANK_TRANSFER",
    lines: [{ windowId: window.id, quantity: 6 }],
  });
  await prisma.order.update({
    where: { id: orderId },
    data: { paymentDueAt: new Date(Date.now() - 1000) },
  });
  expect(await boss.getSchedules()).toEqual(
    expect.arrayContaining(
      orderJobs.map((job) => expect.objectContaining({ name: job.name, cron: job.cron })),
    ),
  );
  await boss.send("orders-expire-unpaid", {});
  const deadline = Date.now() + 20_000;
  let status = "PLACED";
  // The job logs its count after every due order is done (demo data may have more than ours, and
  // the minute's scheduled run may be the one that takes it), so wait for the line too.
  const logged = () => said.some((line) => /^orders-expire-unpaid: [1-9]\d*$/.test(line));
  while ((status !== "CANCELLED" || !logged()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = (
      await prisma.subOrder.findFirstOrThrow({ where: { orderId }, select: { status: true } })
    ).status;
  }
  expect(status).toBe("CANCELLED");
  const { reserved } = await prisma.deliveryWindow.findUniqueOrThrow({
    where: { id: window.id },
    select: { reserved: true },
  });
  expect(reserved).toBe(0);
  expect(said).toContainEqual(expect.stringMatching(/^orders-expire-unpaid: [1-9]\d*$/));
});
