// `npm run money:check` against a database: silent success on exact books, exit code 1 and a list
// when a sub-order's money is off.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { manualProvider, markReceived } from "~/payments/manual.server";
import { seedDemoData } from "../prisma/seed";
import { orderFromTwoCooperatives, paymentActor } from "../tests/payments-fixtures";

const run = promisify(execFile);

async function moneyCheck() {
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/money-check.ts"], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

beforeAll(async () => {
  await seedDemoData(prisma);
});

test("exit 0 on exact books; exit 1 and the sub-order when its refund was never made", async () => {
  const order = await orderFromTwoCooperatives("KHR");
  const buyer = await paymentActor("buyer@phsar.test");
  const admin = await paymentActor("admin@phsar.test");
  await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
  for (const p of await prisma.payment.findMany({ where: { orderId: order.id } }))
    await markReceived(p.id, { amountMinor: p.amountMinor }, admin);
  expect(await moneyCheck()).toEqual({ code: 0, stdout: expect.stringContaining("exact") });

  // Delivered for less, and no follow-up gave the difference back.
  const [first] = order.subOrders;
  await prisma.subOrder.update({
    where: { id: first!.id },
    data: { status: "DELIVERED", finalTotalMinor: first!.totalMinor - 100 },
  });
  const failed = await moneyCheck();
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain(`sub-order ${first!.id}: sold ${first!.totalMinor}`);
}, 60_000);
