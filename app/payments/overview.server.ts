// What a cooperative's lead sees about money: payments to record, deliveries to pay out, members.
import { prisma } from "~/db/db.server";
import { cooperativeBalance } from "./ledger.server";
import { memberStatement } from "./members.server";

export async function cooperativePayments(cooperativeId: number) {
  const [waiting, toPayOut, balanceKhr, balanceUsd, membersKhr, membersUsd] = await Promise.all([
    prisma.payment.findMany({
      where: { provider: "MANUAL", status: "PENDING", subOrder: { cooperativeId } },
      orderBy: { id: "asc" },
      select: {
        id: true,
        orderId: true,
        method: true,
        currency: true,
        amountMinor: true,
        reference: true,
        dueAt: true,
      },
    }),
    prisma.subOrder.findMany({
      where: {
        cooperativeId,
        status: "DELIVERED",
        transfers: { none: {} },
        payments: { some: { provider: "MANUAL", status: "SUCCEEDED" } },
      },
      orderBy: { id: "asc" },
      select: { id: true, orderId: true, totalMinor: true, order: { select: { currency: true } } },
    }),
    cooperativeBalance(cooperativeId, "KHR"),
    cooperativeBalance(cooperativeId, "USD"),
    memberStatement(cooperativeId, "KHR"),
    memberStatement(cooperativeId, "USD"),
  ]);
  return {
    waiting,
    toPayOut: toPayOut.map((s) => ({
      subOrderId: s.id,
      orderId: s.orderId,
      currency: s.order.currency,
      totalMinor: s.totalMinor,
    })),
    balances: { KHR: balanceKhr, USD: balanceUsd },
    members: { KHR: membersKhr, USD: membersUsd },
  };
}
