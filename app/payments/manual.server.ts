// Manual settlement, the default: the buyer pays each cooperative directly (bank transfer, cash on
// delivery or a dynamic KHQR for the cooperative's Bakong account); the cooperative's lead or a
// platform admin records the money received and paid out. Nothing here needs a secret.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type PaymentMethod } from "~/db/generated/enums";
import { env } from "~/env.server";
import { generateKhqr } from "./khqr.server";
import { allocateAfterPayout } from "./members.server";
import { followDueInLock, recordManualRefund } from "./due.server";
import {
  feeRemittanceEntries,
  paymentEntries,
  postTransaction,
  transferEntries,
  type Tx,
} from "./ledger.server";
import {
  type PaymentProvider,
  type PaymentStart,
  type RefundResult,
  type Release,
} from "./provider";
import {
  amountDue,
  assertCan,
  assertCanManageSubOrder,
  confirmPaidSubOrders,
  orderSplit,
  PaymentError,
  payoutKey,
  recordedShare,
  recordSubOrderSale,
  refundedSoFar,
  releasableShare,
  settleSubOrder,
  shareOf,
  withSubOrderLock,
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
          status: true,
          totalMinor: true,
          finalTotalMinor: true,
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
        select: { id: true, status: true, method: true, amountMinor: true },
      });
      if (open?.status === "SUCCEEDED") return open;
      if (open)
        return tx.payment.update({
          where: { id: open.id },
          data: { method },
          select: { id: true, status: true, method: true, amountMinor: true },
        });
      return tx.payment.create({
        data: {
          orderId,
          subOrderId: subOrder.id,
          provider: "MANUAL",
          method,
          currency: order.currency,
          // After delivery (a first payment that failed, a buyer paying late) what was delivered.
          amountMinor: amountDue(subOrder),
          reference,
          recordedById: actor.id,
        },
        select: { id: true, status: true, method: true, amountMinor: true },
      });
    });
    const khqr =
      payment.status === "PENDING" && method === "KHQR"
        ? generateKhqr(
            {
              bakongAccountId: bakongAccountId!,
              merchantName: subOrder.cooperative.nameEn,
              merchantCity: subOrder.cooperative.province.nameEn,
              currency: order.currency,
              amountMinor: payment.amountMinor,
              billNumber: reference,
              expiresAt,
            },
            now,
          )
        : null;
    // Kept so the Bakong job can tell, without a person, when this code was paid.
    if (khqr)
      await prisma.payment.update({
        where: { id: payment.id },
        data: { khqrMd5: khqr.md5, khqrExpiresAt: khqr.expiresAt },
        select: { id: true },
      });
    payments.push({
      paymentId: payment.id,
      subOrderId: subOrder.id,
      cooperativeId: subOrder.cooperativeId,
      method: payment.method,
      currency: order.currency,
      amountMinor: payment.amountMinor,
      reference,
      khqr: khqr && { qr: khqr.qr, expiresAt: khqr.expiresAt },
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
      subOrder: { select: { id: true, cooperativeId: true } },
    },
  });
  if (!payment?.subOrder) throw new PaymentError("payments.paymentNotFound");
  const cooperativeId = payment.subOrder.cooperativeId;
  // Before anything about the payment (its provider, amount, status) shapes the answer.
  assertCan(actor, "manage:payments:own", cooperativeId);
  if (payment.provider !== "MANUAL") throw new PaymentError("payments.paymentNotFound");
  return recordReceived(
    { id: paymentId, orderId: payment.orderId, subOrderId: payment.subOrder.id, cooperativeId },
    input,
    actor.id,
  );
}

/**
 * Records a manual payment's money as received, once, under the sub-order's lock. `actorId` null
 * is Phsar itself (the Bakong job confirming a paid KHQR); callers check permissions first.
 */
export async function recordReceived(
  payment: { id: number; orderId: number; subOrderId: number; cooperativeId: number },
  input: { amountMinor: number; reference?: string },
  actorId: number | null,
) {
  const paymentId = payment.id;
  const cooperativeId = payment.cooperativeId;
  const recorded = await withSubOrderLock(payment.subOrderId, async (tx, subOrder) => {
    const current = await tx.payment.findUniqueOrThrow({
      where: { id: paymentId },
      select: { status: true, amountMinor: true },
    });
    if (input.amountMinor !== current.amountMinor)
      throw new PaymentError("payments.amountMismatch");
    if (current.status === "SUCCEEDED") return false;
    if (current.status !== "PENDING" || !(payable as readonly string[]).includes(subOrder.status))
      throw new PaymentError("payments.notPayable");
    await tx.payment.update({
      where: { id: paymentId },
      data: {
        status: "SUCCEEDED",
        reference: input.reference?.trim() || undefined,
        recordedById: actorId,
      },
      select: { id: true },
    });
    const { order, split } = await orderSplit(tx, payment.orderId);
    // On account the sale was recorded when the order was placed, and follows delivery since.
    const sale = await recordedShare(tx, subOrder);
    const owed = sale
      ? sale.grossMinor - (await refundedSoFar(tx, subOrder.id)).grossMinor
      : shareOf(split, subOrder.id).grossMinor;
    if (owed !== current.amountMinor) throw new PaymentError("payments.amountMismatch");
    if (!sale)
      await recordSubOrderSale(
        tx,
        order.id,
        order.buyerId,
        order.currency,
        shareOf(split, subOrder.id),
      );
    await postTransaction(tx, {
      kind: "PAYMENT",
      idempotencyKey: `payment:${paymentId}:received`,
      currency: order.currency,
      orderId: order.id,
      subOrderId: subOrder.id,
      entries: paymentEntries(order.buyerId, cooperativeId, current.amountMinor),
    });
    await recordAudit(
      {
        action: "payment.received",
        actorUserId: actorId,
        organizationId: cooperativeId,
        targetType: "Payment",
        targetId: paymentId,
        details: { amountMinor: current.amountMinor, reference: input.reference ?? null },
      },
      tx,
    );
    return true;
  });
  await confirmPaidSubOrders(payment.orderId, actorId);
  return { recorded };
}

async function cooperativeOf(subOrderId: number) {
  const subOrder = await prisma.subOrder.findUnique({
    where: { id: subOrderId },
    select: { cooperativeId: true },
  });
  if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
  return subOrder.cooperativeId;
}

const manualPaymentOf = (tx: Tx, subOrderId: number) =>
  tx.payment.findFirst({
    where: { subOrderId, provider: "MANUAL", status: { in: ["SUCCEEDED", "REFUNDED"] } },
    select: { id: true },
  });

/**
 * The cooperative keeps its net share of a delivered sub-order (it holds the buyer's money). Under
 * the sub-order's lock: what is no longer due is refunded first, then the payout is recorded once,
 * with the cooperative's debt deducted, and the sub-order is settled.
 */
async function releaseSubOrder(
  subOrderId: number,
  actor: PaymentActor | null,
  reference?: string,
): Promise<Release> {
  // Before anything about the sub-order's payment shapes the answer.
  await assertCanManageSubOrder(actor, subOrderId);
  const cooperativeId = await cooperativeOf(subOrderId);
  const release = await withSubOrderLock(subOrderId, async (tx, subOrder) => {
    const existing = await tx.transfer.findFirst({
      where: { subOrderId, status: { not: "FAILED" } },
      select: { id: true, amountMinor: true, status: true },
    });
    if (existing)
      return {
        transferId: existing.id,
        amountMinor: existing.amountMinor,
        recoveredDebtMinor: 0,
        status: existing.status,
      };
    if (subOrder.status !== "DELIVERED" && subOrder.status !== "SETTLED")
      throw new PaymentError("payments.notDelivered");
    if (!(await manualPaymentOf(tx, subOrderId))) throw new PaymentError("payments.notPaid");
    // What the buyer no longer owes goes back before the cooperative keeps its share.
    await followDueInLock(tx, subOrder);
    const { currency } = await tx.order.findUniqueOrThrow({
      where: { id: subOrder.orderId },
      select: { currency: true },
    });
    const key = payoutKey(subOrderId);
    const { amountMinor, recoveredMinor } = await releasableShare(
      tx,
      { ...subOrder, order: { currency } },
      key,
    );
    const transfer = await tx.transfer.create({
      data: {
        subOrderId,
        cooperativeId,
        currency,
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
      currency,
      orderId: subOrder.orderId,
      subOrderId,
      entries: transferEntries(cooperativeId, cooperativeId, amountMinor),
    });
    await recordAudit(
      {
        action: "payment.paid_out",
        actorUserId: actor?.id ?? null,
        organizationId: cooperativeId,
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
  // Before anything about the sub-order's payment shapes the answer.
  await assertCanManageSubOrder(actor, subOrderId);
  return withSubOrderLock(subOrderId, async (tx, subOrder) => {
    const released = await tx.transfer.count({ where: { subOrderId, status: { not: "FAILED" } } });
    if (released > 0) throw new PaymentError("payments.refundAfterPayout");
    const payment = await manualPaymentOf(tx, subOrderId);
    if (!payment) throw new PaymentError("payments.notPaid");
    return recordManualRefund(tx, subOrder, {
      paymentId: payment.id,
      amountMinor,
      cause: "requested",
      reason,
      actorUserId: actor?.id ?? null,
    });
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
