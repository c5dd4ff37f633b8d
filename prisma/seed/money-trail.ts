// The demo history's money, through the payment domain a cooperative uses, so the demo shows the
// trail the app itself leaves: each delivered sub-order is paid by bank transfer and recorded as
// received; each one from before the last week is paid out (what was not delivered is refunded and
// handed back first), which settles it and allocates it to the members by their collection records;
// then the cooperatives pay their members for what settled more than two weeks ago. Every row this
// writes is dated when it would have happened, not when the seed ran.
//
// It reads what is still to do from the database and every step is idempotent, so a start that was
// interrupted half-way finishes the trail on the next start instead of leaving it half-written.
import { prisma } from "~/db/db.server";
import { addDays, cambodiaInstant, cambodiaToday, dateOnly, type IsoDate } from "~/calendar/dates";
import { manualProvider, markReceived, markRefundHandedBack } from "~/payments/manual.server";
import { recordMemberPayments } from "~/payments/member-payments.server";
import { PaymentError, type PaymentActor } from "~/payments/settlement.server";
import { HISTORY_PURCHASER_EMAIL } from "./history";

type Sale = {
  orderId: number;
  subOrderId: number;
  cooperativeId: number;
  deliveryDate: IsoDate;
  settles: boolean;
};

const actorSelect = {
  id: true,
  isAdmin: true,
  memberships: { select: { organizationId: true, role: true } },
} as const;

/** Sales run a few at a time: each takes its own sub-order's lock, so they never wait on each other. */
const PARALLEL = 4;

const paidAt = (sale: Sale) => cambodiaInstant(addDays(sale.deliveryDate, -3), "14:00");
const settledAt = (sale: Sale) => cambodiaInstant(addDays(sale.deliveryDate, 2), "09:00");

export async function recordHistoryMoney({ adminEmail }: { adminEmail: string }) {
  const purchaser = await prisma.user.findUnique({
    where: { email: HISTORY_PURCHASER_EMAIL },
    select: { ...actorSelect, createdAt: true },
  });
  if (!purchaser) return { sales: 0, memberBatches: 0 };
  // The history's cooperatives have no logins of their own: the platform admin records for them.
  const admin = await prisma.user.findUniqueOrThrow({
    where: { email: adminEmail },
    select: actorSelect,
  });
  // "Last week" is the week before the seed ran, whenever this (re)runs.
  const seededOn = cambodiaToday(purchaser.createdAt);
  const subOrders = await prisma.subOrder.findMany({
    where: { order: { placedById: purchaser.id }, status: { in: ["DELIVERED", "SETTLED"] } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      orderId: true,
      cooperativeId: true,
      deliveryDate: true,
      status: true,
      payments: { where: { status: { in: ["SUCCEEDED", "REFUNDED"] } }, select: { id: true } },
      refunds: { where: { status: "SUCCEEDED", handedBackAt: null }, select: { id: true } },
    },
  });
  const sales = subOrders.map((s) => {
    const deliveryDate = dateOnly(s.deliveryDate);
    const sale: Sale = {
      orderId: s.orderId,
      subOrderId: s.id,
      cooperativeId: s.cooperativeId,
      deliveryDate,
      settles: deliveryDate < addDays(seededOn, -7),
    };
    const done =
      s.payments.length > 0 && (!sale.settles || (s.status === "SETTLED" && s.refunds.length === 0));
    return { sale, done };
  });
  const todo = sales.filter((s) => !s.done).map((s) => s.sale);
  for (let i = 0; i < todo.length; i += PARALLEL)
    await Promise.all(todo.slice(i, i + PARALLEL).map((sale) => paySale(sale, admin, purchaser)));
  const memberBatches = await payMembers(
    sales.map((s) => s.sale),
    admin,
    seededOn,
  );
  return { sales: todo.length, memberBatches };
}

async function paySale(sale: Sale, admin: PaymentActor, purchaser: PaymentActor) {
  const start = await manualProvider.startPayment(sale.orderId, "BANK_TRANSFER", purchaser);
  if (start.provider !== "manual") throw new Error("the demo history pays by hand");
  const payment = start.payments.find((p) => p.subOrderId === sale.subOrderId);
  if (payment)
    await markReceived(
      payment.paymentId,
      { amountMinor: payment.amountMinor, reference: `ABA-${payment.reference}` },
      admin,
    );
  if (sale.settles) {
    await manualProvider.releaseSubOrder(sale.subOrderId, admin);
    const refunds = await prisma.refund.findMany({
      where: { subOrderId: sale.subOrderId, status: "SUCCEEDED", handedBackAt: null },
      select: { id: true },
    });
    for (const refund of refunds)
      await markRefundHandedBack(
        refund.id,
        { reference: `ABA-REFUND-${refund.id}` },
        admin,
        settledAt(sale),
      ).catch((error: unknown) => {
        // Another start finishing the same trail got there first.
        if (!(error instanceof PaymentError && error.key === "payments.refundAlreadyHandedBack"))
          throw error;
      });
  }
  await backdate(sale);
}

async function backdate(sale: Sale) {
  const paid = paidAt(sale);
  const settled = settledAt(sale);
  const { subOrderId } = sale;
  await prisma.$transaction([
    prisma.payment.updateMany({ where: { subOrderId }, data: { createdAt: paid, updatedAt: paid } }),
    prisma.$executeRaw`UPDATE "LedgerTransaction"
       SET "createdAt" = CASE WHEN "kind" IN ('SALE', 'PAYMENT') THEN ${paid}::timestamp(3) ELSE ${settled}::timestamp(3) END
     WHERE "subOrderId" = ${subOrderId}`,
    prisma.subOrderTransition.updateMany({
      where: { subOrderId, to: "SETTLED" },
      data: { at: settled },
    }),
    prisma.transfer.updateMany({
      where: { subOrderId },
      data: { createdAt: settled, updatedAt: settled },
    }),
    prisma.refund.updateMany({ where: { subOrderId }, data: { createdAt: settled } }),
    prisma.memberAllocation.updateMany({ where: { subOrderId }, data: { createdAt: settled } }),
    prisma.$executeRaw`UPDATE "AuditEvent" a SET "createdAt" = ${paid}::timestamp(3)
      FROM "Payment" p WHERE p."subOrderId" = ${subOrderId}
       AND a."targetType" = 'Payment' AND a."targetId" = p."id"::text`,
    prisma.$executeRaw`UPDATE "AuditEvent" a SET "createdAt" = ${settled}::timestamp(3)
      FROM "Transfer" t WHERE t."subOrderId" = ${subOrderId}
       AND a."targetType" = 'Transfer' AND a."targetId" = t."id"::text`,
    prisma.$executeRaw`UPDATE "AuditEvent" a SET "createdAt" = ${settled}::timestamp(3)
      FROM "Refund" r WHERE r."subOrderId" = ${subOrderId}
       AND a."targetType" = 'Refund' AND a."targetId" = r."id"::text`,
  ]);
}

/**
 * Each cooperative pays its members on the Saturday after a week's sales settled, for what settled
 * more than two weeks before the seed: the recent ones stay owed, as they would in the field.
 */
async function payMembers(sales: Sale[], admin: PaymentActor, seededOn: IsoDate) {
  const due = sales.filter((s) => s.settles && addDays(s.deliveryDate, 2) < addDays(seededOn, -14));
  const batches = new Map<string, { cooperativeId: number; paidOn: IsoDate; subOrderIds: number[] }>();
  for (const sale of due) {
    const settled = addDays(sale.deliveryDate, 2);
    const weekday = new Date(`${settled}T00:00:00Z`).getUTCDay();
    const paidOn = addDays(settled, (6 - weekday + 7) % 7 || 7);
    const formKey = `demo-history-${sale.cooperativeId}-${paidOn}`;
    const batch = batches.get(formKey) ?? { cooperativeId: sale.cooperativeId, paidOn, subOrderIds: [] };
    batch.subOrderIds.push(sale.subOrderId);
    batches.set(formKey, batch);
  }
  const recorded = new Set(
    (
      await prisma.memberPayment.findMany({
        where: { batchKey: { contains: ":members:paid:demo-history-" } },
        distinct: ["batchKey"],
        select: { batchKey: true },
      })
    ).map((p) => p.batchKey.slice(p.batchKey.indexOf("demo-history-"))),
  );
  let n = 0;
  let paid = 0;
  for (const [formKey, batch] of batches) {
    // Most cooperatives hand over cash on collection day; every third batch goes to Bakong.
    const bakong = ++n % 3 === 0;
    if (recorded.has(formKey)) continue;
    const owed = await prisma.memberAllocation.groupBy({
      by: ["farmerId"],
      where: { subOrderId: { in: batch.subOrderIds }, payableMinor: { gt: 0 } },
      _sum: { payableMinor: true },
      orderBy: { farmerId: "asc" },
    });
    if (owed.length === 0) continue;
    const { paymentIds } = await recordMemberPayments(
      batch.cooperativeId,
      {
        currency: "KHR",
        method: bakong ? "BAKONG" : "CASH",
        reference: bakong ? `BKG-${batch.cooperativeId}-${batch.paidOn}` : "",
        paidOn: batch.paidOn,
        formKey,
        payments: owed.map((o) => ({ farmerId: o.farmerId, amountMinor: o._sum.payableMinor! })),
      },
      admin,
    );
    const at = cambodiaInstant(batch.paidOn, "10:00");
    await prisma.$transaction([
      prisma.memberPayment.updateMany({ where: { id: { in: paymentIds } }, data: { createdAt: at } }),
      prisma.$executeRaw`UPDATE "LedgerTransaction" l SET "createdAt" = ${at}::timestamp(3)
        FROM "MemberPayment" m WHERE m."id" = ANY(${paymentIds}::int[])
         AND l."idempotencyKey" = m."idempotencyKey"`,
      prisma.$executeRaw`UPDATE "AuditEvent" SET "createdAt" = ${at}::timestamp(3)
       WHERE "targetType" = 'MemberPayment' AND "targetId" = ANY(${paymentIds.map(String)}::text[])`,
    ]);
    paid++;
  }
  return paid;
}
