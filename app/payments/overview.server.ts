// What a cooperative's lead sees about money: payments to record, deliveries to pay out, members.
import { prisma } from "~/db/db.server";
import { env, paymentProviderName } from "~/env.server";
import { cooperativeBalance } from "./ledger.server";
import { memberStatement } from "./members.server";

export async function cooperativePayments(cooperativeId: number) {
  const [
    waiting,
    toPayOut,
    balanceKhr,
    balanceUsd,
    membersKhr,
    membersUsd,
    connected,
    refunds,
    profile,
  ] = await Promise.all([
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
      select: {
        id: true,
        orderId: true,
        totalMinor: true,
        finalTotalMinor: true,
        order: { select: { currency: true } },
      },
    }),
    cooperativeBalance(cooperativeId, "KHR"),
    cooperativeBalance(cooperativeId, "USD"),
    memberStatement(cooperativeId, "KHR"),
    memberStatement(cooperativeId, "USD"),
    prisma.connectedAccount.findUnique({
      where: { cooperativeId },
      select: { transfersActive: true, payoutsEnabled: true },
    }),
    // Manual refunds: the cooperative holds the buyer's money and hands this back itself.
    prisma.refund.findMany({
      where: {
        subOrder: { cooperativeId },
        payment: { provider: "MANUAL" },
        status: "SUCCEEDED",
      },
      orderBy: { id: "desc" },
      take: 50,
      select: {
        id: true,
        amountMinor: true,
        createdAt: true,
        handedBackAt: true,
        handedBackReference: true,
        payment: { select: { currency: true, reference: true } },
        subOrder: { select: { orderId: true } },
      },
    }),
    prisma.paymentProfile.findUnique({
      where: { organizationId: cooperativeId },
      select: { bakongAccountId: true },
    }),
  ]);
  return {
    waiting,
    toPayOut: toPayOut.map((s) => ({
      subOrderId: s.id,
      orderId: s.orderId,
      currency: s.order.currency,
      // What the buyer owes for what was delivered (less than ordered after a partial delivery).
      totalMinor: s.finalTotalMinor ?? s.totalMinor,
    })),
    balances: { KHR: balanceKhr, USD: balanceUsd },
    refunds: refunds.map((r) => ({
      id: r.id,
      orderId: r.subOrder.orderId,
      currency: r.payment.currency,
      amountMinor: r.amountMinor,
      reference: r.payment.reference,
      createdAt: r.createdAt,
      handedBackAt: r.handedBackAt,
      handedBackReference: r.handedBackReference,
    })),
    /** Where the cooperative's KHQR codes pay into; none means buyers cannot choose KHQR. */
    bakongAccountId: profile?.bakongAccountId ?? null,
    members: { KHR: membersKhr, USD: membersUsd },
    /** Card payments: whether Stripe is configured, and how far the cooperative's account is. */
    stripe: {
      enabled: paymentProviderName(env) === "stripe",
      state: !connected
        ? ("not-connected" as const)
        : connected.transfersActive
          ? ("ready" as const)
          : ("incomplete" as const),
      payoutsEnabled: connected?.payoutsEnabled ?? false,
    },
  };
}
