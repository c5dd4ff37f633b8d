// Manual settlement, the default: the buyer pays each cooperative directly (bank transfer, cash on
// delivery or a dynamic KHQR for the cooperative's Bakong account); the cooperative's lead or a
// platform admin records the money received and paid out. Nothing here needs a secret.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import { env } from "~/env.server";
import { generateKhqr } from "./khqr.server";
import { allocateAfterPayout } from "./members.server";
import {
  feeRemittanceEntries,
  paymentEntries,
  postTransaction,
  refundEntries,
  transferEntries,
} from "./ledger.server";
import {
  type PaymentProvider,
  type PaymentStart,
  type RefundResult,
  type Release,
} from "./provider";
import {
  assertCan,
  assertCanManageSubOrder,
  confirmPaidSubOrders,
  orderSplit,
  PaymentError,
  recordedShare,
  releasableShare,
  recordSubOrderSale,
  refundedSoFar,
  refundPortion,
  releaseKey,
  settleSubOrder,
  shareOf,
  type PaymentActor,
} from "./settlement.server";

const manualMethods: readonly PaymentMethod[] = ["BANK_TRANSFER", "CASH_ON_DELIVERY", "KHQR"];

export const paymentReference = (orderId: number, subOrderId: number) =>
  `PH-${orderId}-${subOrderId}`;

const payable = ["PLACED", "CONFIRMED", "ACCEPTED", "PACKED", "DELIVERED"] as const;

async function startPayment(
  orderId: number,
  method: PaymentMethod,
  actor: PaymentActor,
  now = new Date(),
): Promise<PaymentStart> {
  if (!manualMethods.includes(method)) throw new PaymentError("payments.methodNotAvailable");
  const order = await prisma.order.findUnique({
    where: { id: orderId },
    select: {
      buyerId: true,
      currency: true,
      subOrders: {
        where: { status: { in: [...payable] } },
        orderBy: { id: "asc" },
        select: {
          id: true,
          cooperativeId: true,
          totalMinor: true,
          cooperative: {
            select: {
              nameEn: true,
              province: { select: { nameEn: true } },
              paymentProfile: { select: { bakongAccountId: true } },
            },
          },
        },
      },
    },
  });
  if (!order) throw new PaymentError("payments.orderNotFound");
  assertCan(actor, "pay:orders:own", order.buyerId);
  const expiresAt = new Date(now.getTime() + env.KHQR_EXPIRY_MINUTES * 60_000);

  const payments: Extract<PaymentStart, { provider: "manual" }>["payments"] = [];
  for (const subOrder of order.subOrders) {
    const bakongAccountId = subOrder.cooperative.paymentProfile?.bakongAccountId;
    if (method === "KHQR" && !bakongAccountId) throw new PaymentError("payments.noBakongAccount");
    const reference = paymentReference(orderId, subOrder.id);
    // One open payment per sub-order: choosing another method changes it, never adds a second.
    const payment = await prisma.$transaction(async (tx) => {
      // One start at a time per sub-order (a double-submitted checkout starts twice at once).
      await tx.$queryRaw`SELECT "id" FROM "SubOrder" WHERE "id" = ${subOrder.id} FOR UPDATE`;
      const open = await tx.payment.findFirst({
        where: { subOrderId: subOrder.id, status: { in: ["PENDING", "SUCCEEDED"] } },
        select: { id: true, status: true, method: true },
      });
      if (open?.status === "SUCCEEDED") return open;
      if (open)
        return tx.payment.update({
          where: { id: open.id },
          data: { method },
          select: { id: true, status: true, method: true },
        });
      return tx.payment.create({
        data: {
          orderId,
          subOrderId: subOrder.id,
          provider: "MANUAL",
          method,
          currency: order.currency,
          amountMinor: subOrder.totalMinor,
          reference,
          recordedById: actor.id,
        },
        select: { id: true, status: true, method: true },
      });
    });
    payments.push({
      paymentId: payment.id,
      subOrderId: subOrder.id,
      cooperativeId: subOrder.cooperativeId,
      method: payment.method,
      currency: order.currency,
      amountMinor: subOrder.totalMinor,
      reference,
      khqr:
        payment.status === "PENDING" && method === "KHQR"
          ? generateKhqr(
              {
                bakongAccountId: bakongAccountId!,
                merchantName: subOrder.cooperative.nameEn,
                merchantCity: subOrder.cooperative.province.nameEn,
                currency: order.currency,
                amountMinor: subOrder.totalMinor,
                billNumber: reference,
                expiresAt,
              },
              now,
            )
          : null,
    });
  }
  return { provider: "manual", payments };
}

/**
 * The lead records that the cooperative gave a manual refund back to the buyer (the cooperative
 * held the money), with the bank or receipt reference. Once: a second record is refused.
 */
export async function markRefundHandedBack(
  refundId: number,
  input: { reference: string },
  actor: PaymentActor,
  now = new Date(),
) {
  const refund = await prisma.refund.findUnique({
    where: { id: refundId },
    select: {
      status: true,
      handedBackAt: true,
      payment: { select: { provider: true } },
      subOrder: { select: { cooperativeId: true, orderId: true } },
    },
  });
  if (!refund) throw new PaymentError("payments.refundNotFound");
  assertCan(actor, "manage:payments:own", refund.subOrder.cooperativeId);
  if (refund.payment.provider !== "MANUAL" || refund.status !== "SUCCEEDED")
    throw new PaymentError("payments.refundNotFound");
  const reference = input.reference.trim();
  if (!reference) throw new PaymentError("payments.referenceRequired");
  await prisma.$transaction(async (tx) => {
    const moved = await tx.refund.updateMany({
      where: { id: refundId, handedBackAt: null },
      data: { handedBackAt: now, handedBackReference: reference, handedBackById: actor.id },
    });
    if (moved.count !== 1) throw new PaymentError("payments.refundAlreadyHandedBack");
    await recordAudit(
      {
        action: "payment.refund_handed_back",
        actorUserId: actor.id,
        organizationId: refund.subOrder.cooperativeId,
        targetType: "Refund",
        targetId: refundId,
        details: { orderId: refund.subOrder.orderId, reference },
      },
      tx,
    );
  });
}

/**
 * The cooperative (or an admin) records the buyer's money as received. The amount must be exactly
 * what the sub-order costs; a second call for the same payment changes nothing. The sub-order then
 * moves from PLACED to CONFIRMED (payment secured).
 */
export async function markReceived(
  paymentId: number,
  input: { amountMinor: number; reference?: string },
  actor: PaymentActor,
) {
  const payment = await prisma.payment.findUnique({
    where: { id: paymentId },
    select: {
      orderId: true,
      provider: true,
      status: true,
      amountMinor: true,
      subOrder: { select: { id: true, cooperativeId: true, status: true } },
    },
  });
  if (!payment?.subOrder) throw new PaymentError("payments.paymentNotFound");
  const { subOrder } = payment;
  // Before anything about the payment (its provider, amount, status) shapes the answer.
  assertCan(actor, "manage:payments:own", subOrder.cooperativeId);
  if (payment.provider !== "MANUAL") throw new PaymentError("payments.paymentNotFound");
  if (input.amountMinor !== payment.amountMinor) throw new PaymentError("payments.amountMismatch");
  if (payment.status === "SUCCEEDED") {
    await confirmPaidSubOrders(payment.orderId, actor.id);
    return { recorded: false };
  }
  if (payment.status !== "PENDING" || !(payable as readonly string[]).includes(subOrder.status))
    throw new PaymentError("payments.notPayable");

  const recorded = await prisma.$transaction(async (tx) => {
    const moved = await tx.payment.updateMany({
      where: { id: paymentId, status: "PENDING" },
      data: {
        status: "SUCCEEDED",
        reference: input.reference?.trim() || undefined,
        recordedById: actor.id,
      },
    });
    if (moved.count !== 1) return false; // recorded by someone else a moment ago
    const { order, split } = await orderSplit(tx, payment.orderId);
    const share = shareOf(split, subOrder.id);
    if (share.grossMinor !== payment.amountMinor) throw new PaymentError("payments.amountMismatch");
    await recordSubOrderSale(tx, order.id, order.buyerId, order.currency, share);
    await postTransaction(tx, {
      kind: "PAYMENT",
      idempotencyKey: `payment:${paymentId}:received`,
      currency: order.currency,
      orderId: order.id,
      subOrderId: subOrder.id,
      entries: paymentEntries(order.buyerId, subOrder.cooperativeId, payment.amountMinor),
    });
    await recordAudit(
      {
        action: "payment.received",
        actorUserId: actor.id,
        organizationId: subOrder.cooperativeId,
        targetType: "Payment",
        targetId: paymentId,
        details: { amountMinor: payment.amountMinor, reference: input.reference ?? null },
      },
      tx,
    );
    return true;
  });
  await confirmPaidSubOrders(payment.orderId, actor.id);
  return { recorded };
}

async function loadPaidSubOrder(subOrderId: number) {
  const subOrder = await prisma.subOrder.findUnique({
    where: { id: subOrderId },
    select: {
      id: true,
      orderId: true,
      cooperativeId: true,
      status: true,
      order: { select: { currency: true, buyerId: true } },
      payments: {
        where: { provider: "MANUAL", status: { in: ["SUCCEEDED", "REFUNDED"] } },
        select: { id: true, amountMinor: true, refundedMinor: true },
      },
    },
  });
  if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
  const payment = subOrder.payments[0];
  if (!payment) throw new PaymentError("payments.notPaid");
  return { subOrder, payment };
}

/**
 * The cooperative keeps its net share of a delivered sub-order (it holds the buyer's money): the
 * payout is recorded once, with the cooperative's debt deducted, and the sub-order is settled.
 */
async function releaseSubOrder(
  subOrderId: number,
  actor: PaymentActor | null,
  reference?: string,
): Promise<Release> {
  await assertCanManageSubOrder(actor, subOrderId);
  const { subOrder } = await loadPaidSubOrder(subOrderId);
  if (subOrder.status !== "DELIVERED" && subOrder.status !== "SETTLED")
    throw new PaymentError("payments.notDelivered");
  const key = releaseKey(subOrder.orderId, subOrder.cooperativeId);
  const recordOnce = () =>
    prisma.$transaction(async (tx) => {
      const existing = await tx.transfer.findUnique({
        where: { idempotencyKey: key },
        select: { id: true, amountMinor: true, status: true },
      });
      if (existing)
        return {
          transferId: existing.id,
          amountMinor: existing.amountMinor,
          recoveredDebtMinor: 0,
          status: existing.status,
        };
      const { amountMinor, recoveredMinor } = await releasableShare(tx, subOrder);
      const transfer = await tx.transfer.create({
        data: {
          subOrderId,
          cooperativeId: subOrder.cooperativeId,
          currency: subOrder.order.currency,
          amountMinor,
          status: "PAID",
          reference: reference?.trim() || null,
          idempotencyKey: key,
        },
        select: { id: true },
      });
      await postTransaction(tx, {
        kind: "PAYOUT",
        idempotencyKey: key,
        currency: subOrder.order.currency,
        orderId: subOrder.orderId,
        subOrderId,
        entries: transferEntries(subOrder.cooperativeId, subOrder.cooperativeId, amountMinor),
      });
      await recordAudit(
        {
          action: "payment.paid_out",
          actorUserId: actor?.id ?? null,
          organizationId: subOrder.cooperativeId,
          targetType: "Transfer",
          targetId: transfer.id,
          details: { amountMinor, recoveredMinor },
        },
        tx,
      );
      return {
        transferId: transfer.id,
        amountMinor,
        recoveredDebtMinor: recoveredMinor,
        status: "PAID" as const,
      };
    });
  let release: Release;
  try {
    release = await recordOnce();
  } catch (error) {
    // Two payouts recorded at the same moment: the unique key let one through, which the
    // second now finds.
    if ((error as { code?: string }).code !== "P2002") throw error;
    release = await recordOnce();
  }
  await settleSubOrder(subOrderId, actor?.id ?? null);
  await allocateAfterPayout(subOrderId);
  return release;
}

/**
 * The cooperative gives part of a sub-order's money back to the buyer, before it is paid out
 * (afterwards the cooperative refunds from its own money, outside Phsar).
 */
async function refundSubOrder(
  subOrderId: number,
  amountMinor: number,
  actor: PaymentActor | null,
  reason?: string,
): Promise<RefundResult> {
  await assertCanManageSubOrder(actor, subOrderId);
  const { subOrder, payment } = await loadPaidSubOrder(subOrderId);
  return prisma.$transaction(async (tx) => {
    const released = await tx.transfer.count({ where: { subOrderId } });
    if (released > 0) throw new PaymentError("payments.refundAfterPayout");
    const share = await recordedShare(tx, subOrder);
    if (!share) throw new PaymentError("payments.notPaid");
    const before = await refundedSoFar(tx, subOrderId);
    const portion = refundPortion(share, before.grossMinor, amountMinor);
    const updated = await tx.payment.updateMany({
      where: { id: payment.id, refundedMinor: payment.refundedMinor },
      data: {
        refundedMinor: { increment: amountMinor },
        status:
          payment.refundedMinor + amountMinor === payment.amountMinor ? "REFUNDED" : undefined,
      },
    });
    if (updated.count !== 1) throw new PaymentError("payments.tryAgain");
    const refund = await tx.refund.create({
      data: {
        paymentId: payment.id,
        subOrderId,
        amountMinor,
        ...portion,
        status: "SUCCEEDED",
        reason,
      },
      select: { id: true },
    });
    await postTransaction(tx, {
      kind: "REFUND",
      idempotencyKey: `refund:${refund.id}`,
      currency: subOrder.order.currency,
      orderId: subOrder.orderId,
      subOrderId,
      entries: refundEntries(subOrder.cooperativeId, {
        totalMinor: amountMinor,
        feeMinor: portion.feeMinor,
        shares: [{ key: share.key, grossMinor: amountMinor, ...portion }],
      }),
    });
    await recordAudit(
      {
        action: "payment.refunded",
        actorUserId: actor?.id ?? null,
        organizationId: subOrder.cooperativeId,
        targetType: "Refund",
        targetId: refund.id,
        details: { amountMinor, reason: reason ?? null },
      },
      tx,
    );
    return { refundId: refund.id, amountMinor, ...portion, debtMinor: 0 };
  });
}

/**
 * A cooperative paid directly hands the union's fees over: an admin records it, once per reference.
 */
export async function recordFeeRemittance(
  cooperativeId: number,
  input: { amountMinor: number; currency: "KHR" | "USD"; reference: string },
  actor: PaymentActor,
) {
  if (!actor.isAdmin) throw new PaymentError("payments.forbidden");
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0)
    throw new PaymentError("payments.invalidAmount");
  const reference = input.reference.trim();
  if (!reference) throw new PaymentError("payments.referenceRequired");
  return prisma.$transaction(async (tx) => {
    const result = await postTransaction(tx, {
      kind: "FEE_REMITTANCE",
      idempotencyKey: `coop:${cooperativeId}:fee-remittance:${reference}`,
      currency: input.currency,
      memo: reference,
      entries: feeRemittanceEntries(cooperativeId, input.amountMinor),
    });
    if (result.created)
      await recordAudit(
        {
          action: "payment.fee_remitted",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          details: { amountMinor: input.amountMinor, reference },
        },
        tx,
      );
    return result;
  });
}

export const manualProvider: PaymentProvider<PaymentActor> = {
  name: "manual",
  startPayment: (orderId, method, actor) => startPayment(orderId, method, actor),
  releaseSubOrder,
  refundSubOrder,
};
