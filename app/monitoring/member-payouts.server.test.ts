import { randomUUID } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { YOUNG_FARMER_AGE_LIMIT } from "~/organizations/inclusion";
import { recordMemberPayments } from "~/payments/member-payments.server";
import { addDays, cambodiaToday } from "~/calendar/dates";
import { seedDemoData } from "../../prisma/seed";
import { allocatedSubOrder } from "../../tests/member-payment-fixtures";
import { paymentActor } from "../../tests/payments-fixtures";
import { memberPayoutRows } from "./member-payouts.server";

beforeAll(async () => {
  await seedDemoData(prisma);
});

test("paid to women and to young farmers beside allocated, and the median days from buyer to farmer", async () => {
  const lead = await paymentActor("lead@phsar.test");
  const { cooperativeId, rows } = await allocatedSubOrder();
  const today = cambodiaToday(new Date());
  // One member paid in full three days after the buyer paid, the other in full after five.
  const [a, b] = rows as [(typeof rows)[number], (typeof rows)[number]];
  const pay = (farmerId: number, amountMinor: number, paidOn: string) =>
    recordMemberPayments(
      cooperativeId,
      {
        currency: "KHR",
        method: "CASH",
        reference: "",
        paidOn: paidOn as `${number}-${number}-${number}`,
        formKey: randomUUID(),
        payments: [{ farmerId, amountMinor }],
      },
      lead,
    );
  await pay(a.farmerId, a.payableMinor, addDays(today, 3));
  // Paid in two parts: the allocation is paid on the day of the second.
  await pay(b.farmerId, 1, addDays(today, 1));
  await pay(b.farmerId, b.payableMinor - 1, addDays(today, 5));

  const f = {
    from: addDays(today, -1),
    to: addDays(today, 400),
    cooperative: cooperativeId,
    below: 20,
  };
  const [row] = await memberPayoutRows(f);
  expect(row).toBeDefined();
  expect(row!.paidAllocations).toBe(2);
  expect(row!.medianDays).toBe(4);

  const farmers = await prisma.farmer.findMany({
    where: { id: { in: [a.farmerId, b.farmerId] } },
    select: { id: true, gender: true, birthYear: true },
  });
  const amount = { [a.farmerId]: a.payableMinor, [b.farmerId]: b.payableMinor };
  const year = Number(today.slice(0, 4));
  const women = farmers.filter((x) => x.gender === "FEMALE").reduce((s, x) => s + amount[x.id]!, 0);
  const young = farmers
    .filter((x) => x.birthYear > year - YOUNG_FARMER_AGE_LIMIT)
    .reduce((s, x) => s + amount[x.id]!, 0);
  expect(row!.paid).toBe(a.payableMinor + b.payableMinor);
  expect(row!.paidWomen).toBe(women);
  expect(row!.paidYoung).toBe(young);
  // Outside the dates: nothing.
  expect(
    await memberPayoutRows({ ...f, from: addDays(today, -400), to: addDays(today, -300) }),
  ).toEqual([]);
});
