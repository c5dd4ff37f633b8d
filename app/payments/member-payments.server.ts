// Paying member farmers (docs/decisions/025-member-payments.md). What a cooperative owes its members
// is the ledger's MEMBERS_PAYABLE account: each allocation credits it (members.server.ts), each
// payment recorded here debits it. A member's balance = allocated − credit repaid − paid.
import { recordAudit } from "~/audit/audit.server";
import { type Actor, can } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import {
  type AllocationBasis,
  type Currency,
  type MemberPaymentMethod,
} from "~/db/generated/enums";
import { dateColumn, type IsoDate } from "~/calendar/dates";
import { allocateToMembers } from "./allocation";
import { type AccountRef, type Posting, postTransaction, type Tx } from "./ledger.server";
import { PaymentError } from "./settlement.server";

export type MemberPaymentActor = Actor & { id: number };

export const membersPayableAccount = (cooperativeId: number): AccountRef => ({
  kind: "MEMBERS_PAYABLE",
  organizationId: cooperativeId,
});
export const memberProduce = (cooperativeId: number): AccountRef => ({
  kind: "MEMBER_PRODUCE",
  organizationId: cooperativeId,
});

/** An allocation (or the change a re-allocation makes): the cooperative now owes its members more. */
export function allocationEntries(cooperativeId: number, amountMinor: number): Posting[] {
  return [
    { ...memberProduce(cooperativeId), amountMinor },
    { ...membersPayableAccount(cooperativeId), amountMinor: -amountMinor },
  ];
}

/** Paying a member: the cooperative owes less, and the money leaves the cooperative's cash. */
export function memberPaymentEntries(cooperativeId: number, amountMinor: number): Posting[] {
  return [
    { ...membersPayableAccount(cooperativeId), amountMinor },
    { kind: "CASH", organizationId: cooperativeId, amountMinor: -amountMinor },
  ];
}

/**
 * Posts what one sub-order's allocation owes members, inside the allocation's transaction. The
 * first allocation posts the whole payable amount; a re-allocation (a refund after the payout)
 * posts the difference, keyed by the totals it moves between, so a retry records nothing new.
 */
export async function postAllocationToLedger(
  tx: Tx,
  input: {
    subOrderId: number;
    orderId: number;
    cooperativeId: number;
    currency: Currency;
    beforeMinor: number | null;
    afterMinor: number;
  },
) {
  const delta = input.afterMinor - (input.beforeMinor ?? 0);
  if (delta === 0) return;
  await postTransaction(tx, {
    kind: "MEMBER_ALLOCATION",
    idempotencyKey:
      input.beforeMinor === null
        ? `subOrder:${input.subOrderId}:members:allocated`
        : `subOrder:${input.subOrderId}:members:reallocated:${input.beforeMinor}:${input.afterMinor}`,
    currency: input.currency,
    orderId: input.orderId,
    subOrderId: input.subOrderId,
    entries:
      delta > 0
        ? allocationEntries(input.cooperativeId, delta)
        : allocationEntries(input.cooperativeId, -delta).map((p) => ({
            ...p,
            amountMinor: -p.amountMinor,
          })),
  });
}

export type MemberPaymentInput = {
  currency: Currency;
  method: MemberPaymentMethod;
  /** Required for transfers (the transfer's reference); optional receipt number for cash. */
  reference: string;
  paidOn: IsoDate;
  /** The form's own key (a UUID put in the form when it was shown): a resubmit names the same fact. */
  formKey: string;
  payments: { farmerId: number; amountMinor: number }[];
};

/** Largest single payment a form may record: 100 million riel or 100,000 dollars. */
const MAX_PAYMENT_MINOR: Record<Currency, number> = { KHR: 100_000_000, USD: 10_000_000 };
const FORM_KEY = /^[A-Za-z0-9-]{8,64}$/;

export const memberPaymentKey = (cooperativeId: number, farmerId: number, formKey: string) =>
  `coop:${cooperativeId}:member:${farmerId}:paid:${formKey}`;

type Pause = (step: "locked") => Promise<void>;

/**
 * Records payments to one or many members at once: all of them or none. Each member's row is
 * locked (in id order, so two batches never deadlock) before their balance is read, so two leads
 * paying the same member at once cannot pay more than is owed. A repeated form key returns the
 * payments already recorded; the same key with other amounts is refused.
 */
export async function recordMemberPayments(
  cooperativeId: number,
  input: MemberPaymentInput,
  actor: MemberPaymentActor,
  { ipAddress, pause }: { ipAddress?: string; pause?: Pause } = {},
) {
  if (!can(actor, "pay:members:own", cooperativeId)) throw new PaymentError("payments.forbidden");
  if (!FORM_KEY.test(input.formKey)) throw new PaymentError("memberPayments.badFormKey");
  if (input.payments.length === 0) throw new PaymentError("memberPayments.nobody");
  const reference = input.reference.trim();
  if (input.method !== "CASH" && !reference) throw new PaymentError("payments.referenceRequired");
  if (reference.length > 100) throw new PaymentError("memberPayments.referenceTooLong");
  const farmerIds = input.payments.map((p) => p.farmerId);
  if (new Set(farmerIds).size !== farmerIds.length)
    throw new PaymentError("memberPayments.duplicateMember");
  for (const p of input.payments)
    if (
      !Number.isSafeInteger(p.amountMinor) ||
      p.amountMinor <= 0 ||
      p.amountMinor > MAX_PAYMENT_MINOR[input.currency]
    )
      throw new PaymentError("memberPayments.amountInvalid");

  const batchKey = `coop:${cooperativeId}:members:paid:${input.formKey}`;
  return prisma.$transaction(async (tx) => {
    const sorted = [...farmerIds].sort((a, b) => a - b);
    const locked = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Farmer" WHERE "id" = ANY(${sorted}::int[]) AND "cooperativeId" = ${cooperativeId}
       ORDER BY "id" FOR UPDATE`;
    if (locked.length !== sorted.length) throw new PaymentError("memberPayments.notAMember");
    await pause?.("locked");

    const existing = await tx.memberPayment.findMany({
      where: { batchKey },
      select: { id: true, farmerId: true, amountMinor: true, currency: true },
    });
    if (existing.length > 0) {
      const same =
        existing.length === input.payments.length &&
        input.payments.every((p) =>
          existing.some(
            (e) =>
              e.farmerId === p.farmerId &&
              e.amountMinor === p.amountMinor &&
              e.currency === input.currency,
          ),
        );
      if (!same) throw new PaymentError("payments.idempotencyConflict");
      return { created: false, batchKey, paymentIds: existing.map((e) => e.id) };
    }

    const balances = await balancesOf(tx, cooperativeId, input.currency, sorted);
    for (const p of input.payments)
      if (p.amountMinor > (balances.get(p.farmerId)?.balanceMinor ?? 0))
        throw new PaymentError("memberPayments.moreThanOwed");

    const paymentIds: number[] = [];
    for (const p of input.payments) {
      const idempotencyKey = memberPaymentKey(cooperativeId, p.farmerId, input.formKey);
      const row = await tx.memberPayment.create({
        data: {
          cooperativeId,
          farmerId: p.farmerId,
          currency: input.currency,
          amountMinor: p.amountMinor,
          method: input.method,
          reference,
          paidOn: dateColumn(input.paidOn),
          idempotencyKey,
          batchKey,
          recordedById: actor.id,
        },
        select: { id: true },
      });
      await postTransaction(tx, {
        kind: "MEMBER_PAYMENT",
        idempotencyKey,
        currency: input.currency,
        memo: `member ${p.farmerId} ${input.method}${reference ? ` ${reference}` : ""}`,
        entries: memberPaymentEntries(cooperativeId, p.amountMinor),
      });
      await recordAudit(
        {
          action: "member.paid",
          actorUserId: actor.id,
          organizationId: cooperativeId,
          targetType: "MemberPayment",
          targetId: row.id,
          details: {
            farmerId: p.farmerId,
            amountMinor: p.amountMinor,
            currency: input.currency,
            method: input.method,
            reference,
          },
          ipAddress,
        },
        tx,
      );
      paymentIds.push(row.id);
    }
    return { created: true, batchKey, paymentIds };
  });
}

export type MemberBalance = {
  farmerId: number;
  allocatedMinor: number;
  creditRepaidMinor: number;
  paidMinor: number;
  balanceMinor: number;
};

async function balancesOf(
  db: Tx,
  cooperativeId: number,
  currency: Currency,
  farmerIds?: number[],
): Promise<Map<number, MemberBalance>> {
  const farmerFilter = farmerIds ? { farmerId: { in: farmerIds } } : {};
  // One after the other: inside a transaction both run on the same connection.
  const allocated = await db.memberAllocation.groupBy({
    by: ["farmerId"],
    where: { currency, subOrder: { cooperativeId }, ...farmerFilter },
    _sum: { shareMinor: true, repaymentMinor: true },
  });
  const paid = await db.memberPayment.groupBy({
    by: ["farmerId"],
    where: { currency, cooperativeId, ...farmerFilter },
    _sum: { amountMinor: true },
  });
  const result = new Map<number, MemberBalance>();
  const row = (farmerId: number) => {
    const seen = result.get(farmerId);
    if (seen) return seen;
    const fresh = {
      farmerId,
      allocatedMinor: 0,
      creditRepaidMinor: 0,
      paidMinor: 0,
      balanceMinor: 0,
    };
    result.set(farmerId, fresh);
    return fresh;
  };
  for (const a of allocated) {
    const r = row(a.farmerId);
    r.allocatedMinor = a._sum.shareMinor ?? 0;
    r.creditRepaidMinor = a._sum.repaymentMinor ?? 0;
  }
  for (const p of paid) row(p.farmerId).paidMinor = p._sum.amountMinor ?? 0;
  for (const r of result.values())
    r.balanceMinor = r.allocatedMinor - r.creditRepaidMinor - r.paidMinor;
  return result;
}

export type MembersPayableRow = MemberBalance & {
  /** How many of the member's allocations followed pledges (in whole or in part) because nothing
   * was collected from anyone for that order line: PLEDGE or MIXED. */
  allocationsByPledge: number;
  name: string;
  nameLatin: string;
  village: string;
  bakongAccount: string | null;
  wingAccount: string | null;
};

function assertCanRead(actor: MemberPaymentActor, cooperativeId: number) {
  if (!can(actor, "view:member-payments:own", cooperativeId))
    throw new PaymentError("payments.forbidden");
}

/** Every member with money allocated or paid in `currency`: allocated, credit repaid, paid, balance. */
export async function membersPayable(
  cooperativeId: number,
  currency: Currency,
  actor: MemberPaymentActor,
): Promise<MembersPayableRow[]> {
  assertCanRead(actor, cooperativeId);
  const balances = await balancesOf(prisma, cooperativeId, currency);
  const byPledge = await allocationsByPledge(cooperativeId, currency);
  const farmers = await prisma.farmer.findMany({
    where: { id: { in: [...balances.keys()] }, cooperativeId },
    select: {
      id: true,
      name: true,
      nameLatin: true,
      village: true,
      bakongAccount: true,
      wingAccount: true,
    },
  });
  return farmers
    .map((f) => ({
      ...balances.get(f.id)!,
      allocationsByPledge: byPledge.get(f.id) ?? 0,
      name: f.name,
      nameLatin: f.nameLatin,
      village: f.village,
      bakongAccount: f.bakongAccount,
      wingAccount: f.wingAccount,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "km") || a.farmerId - b.farmerId);
}

/**
 * Per member, how many allocations were shared by pledge (wholly or partly) because no collection was
 * recorded: the statement and the CSVs say so, since those shares follow a promise, not a weighing.
 */
export async function allocationsByPledge(cooperativeId: number, currency: Currency) {
  const rows = await prisma.memberAllocation.groupBy({
    by: ["farmerId"],
    where: { currency, subOrder: { cooperativeId }, basis: { in: ["PLEDGE", "MIXED"] } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.farmerId, r._count._all]));
}

/** The members-payable list as CSV rows (written by app/monitoring/csv.ts). */
export function membersPayableTable(rows: MembersPayableRow[], currency: Currency) {
  return {
    header: [
      "farmer_id",
      "name",
      "name_latin",
      "village",
      "currency",
      "allocated_minor",
      "credit_repaid_minor",
      "paid_minor",
      "balance_minor",
      "allocations_by_pledge",
      "bakong_account",
      "wing_account",
    ],
    rows: rows.map((r) => [
      r.farmerId,
      r.name,
      r.nameLatin,
      r.village,
      currency,
      r.allocatedMinor,
      r.creditRepaidMinor,
      r.paidMinor,
      r.balanceMinor,
      r.allocationsByPledge,
      r.bakongAccount ?? "",
      r.wingAccount ?? "",
    ]),
  };
}

export type SlipLine = {
  subOrderId: number;
  allocatedAt: Date;
  productKm: string;
  productEn: string;
  unit: string;
  /** What the shares followed: COLLECTION, PLEDGE (nothing collected for the sub-order) or MIXED
   * (pledges for the lines with nothing collected). The slip says so when pledges were used. */
  basis: AllocationBasis;
  /** What the allocation counted for the member, in thousandths of the unit: what was collected
   * from them for each line (the newest record), or their pledge where nothing was collected. */
  deliveredQuantityMilli: number;
  unitPriceMinor: number;
  /** The member's part of what the buyer paid for the sub-order. */
  grossMinor: number;
  /** Gross less the member's share: the union's and the cooperative's fees. */
  feeMinor: number;
  creditRepaidMinor: number;
  netMinor: number;
};

/**
 * A member's slip or statement over a period: each allocation with its gross, fees, credit repaid
 * and net; each payment; the balance before and after. `to` is exclusive.
 */
export async function memberStatementFor(
  cooperativeId: number,
  farmerId: number,
  currency: Currency,
  period: { from: Date; to: Date },
  actor: MemberPaymentActor,
) {
  assertCanRead(actor, cooperativeId);
  const farmer = await prisma.farmer.findFirst({
    where: { id: farmerId, cooperativeId },
    select: {
      id: true,
      name: true,
      nameLatin: true,
      village: true,
      phone: true,
      bakongAccount: true,
      wingAccount: true,
      cooperative: { select: { nameKm: true, nameEn: true } },
    },
  });
  if (!farmer) throw new PaymentError("memberPayments.notAMember");
  const before = await balanceAt(cooperativeId, farmerId, currency, period.from);
  const allocations = await prisma.memberAllocation.findMany({
    where: {
      farmerId,
      currency,
      subOrder: { cooperativeId },
      createdAt: { gte: period.from, lt: period.to },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      subOrderId: true,
      createdAt: true,
      shareMinor: true,
      repaymentMinor: true,
      payableMinor: true,
      basis: true,
      subOrder: {
        select: {
          memberAllocations: {
            orderBy: { farmerId: "asc" },
            select: { farmerId: true, shareMinor: true },
          },
          lines: {
            orderBy: { id: "asc" },
            select: {
              amountMinor: true,
              finalAmountMinor: true,
              unitPriceMinor: true,
              listing: {
                select: { product: { select: { nameKm: true, nameEn: true, unit: true } } },
              },
              window: {
                select: { pledges: { where: { farmerId }, select: { quantity: true } } },
              },
              collections: {
                where: { farmerId },
                orderBy: { id: "desc" },
                take: 1,
                select: { quantityMilli: true },
              },
              _count: { select: { collections: true } },
            },
          },
        },
      },
    },
  });
  const lines: SlipLine[] = allocations.map((a) => {
    const s = a.subOrder;
    const saleMinor = s.lines.reduce((sum, l) => sum + (l.finalAmountMinor ?? l.amountMinor), 0);
    // The buyer's money for the sub-order, shared in the same proportions as the members' shares.
    const gross = allocateToMembers(
      saleMinor,
      0,
      s.memberAllocations.map((m) => ({
        key: m.farmerId,
        delivered: m.shareMinor,
        repaymentDueMinor: 0,
      })),
    ).members.find((m) => m.key === farmerId)!.shareMinor;
    const first = s.lines[0]!;
    return {
      subOrderId: a.subOrderId,
      allocatedAt: a.createdAt,
      productKm: first.listing.product.nameKm,
      productEn: first.listing.product.nameEn,
      unit: first.listing.product.unit,
      basis: a.basis,
      // Same basis as allocateSubOrder: on a line with collection records, the member's newest one
      // (none: nothing delivered); on a line with none, their pledge.
      deliveredQuantityMilli: s.lines.reduce(
        (sum, l) =>
          sum +
          (l._count.collections > 0
            ? (l.collections[0]?.quantityMilli ?? 0)
            : (l.window.pledges[0]?.quantity ?? 0) * 1000),
        0,
      ),
      unitPriceMinor: first.unitPriceMinor,
      grossMinor: gross,
      feeMinor: gross - a.shareMinor,
      creditRepaidMinor: a.repaymentMinor,
      netMinor: a.payableMinor,
    };
  });
  const payments = await prisma.memberPayment.findMany({
    where: { farmerId, cooperativeId, currency, createdAt: { gte: period.from, lt: period.to } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      amountMinor: true,
      method: true,
      reference: true,
      paidOn: true,
      createdAt: true,
    },
  });
  const owedMinor = lines.reduce((sum, l) => sum + l.netMinor, 0);
  const paidMinor = payments.reduce((sum, p) => sum + p.amountMinor, 0);
  return {
    farmer,
    currency,
    period,
    openingBalanceMinor: before,
    lines,
    payments,
    owedMinor,
    paidMinor,
    closingBalanceMinor: before + owedMinor - paidMinor,
  };
}

async function balanceAt(cooperativeId: number, farmerId: number, currency: Currency, at: Date) {
  const [allocated, paid] = await Promise.all([
    prisma.memberAllocation.aggregate({
      where: { farmerId, currency, subOrder: { cooperativeId }, createdAt: { lt: at } },
      _sum: { payableMinor: true },
    }),
    prisma.memberPayment.aggregate({
      where: { farmerId, cooperativeId, currency, createdAt: { lt: at } },
      _sum: { amountMinor: true },
    }),
  ]);
  return (allocated._sum.payableMinor ?? 0) - (paid._sum.amountMinor ?? 0);
}

/**
 * The slip for one payment: what was allocated to the member since their previous payment, and
 * this payment. Numbers come from the allocation and payment rows the ledger was posted from.
 */
export async function payoutSlip(
  cooperativeId: number,
  paymentId: number,
  actor: MemberPaymentActor,
) {
  assertCanRead(actor, cooperativeId);
  const payment = await prisma.memberPayment.findFirst({
    where: { id: paymentId, cooperativeId },
    select: { id: true, farmerId: true, currency: true, createdAt: true },
  });
  if (!payment) throw new PaymentError("memberPayments.paymentNotFound");
  const previous = await prisma.memberPayment.findFirst({
    where: {
      cooperativeId,
      farmerId: payment.farmerId,
      currency: payment.currency,
      id: { lt: payment.id },
    },
    orderBy: { id: "desc" },
    select: { createdAt: true },
  });
  const statement = await memberStatementFor(
    cooperativeId,
    payment.farmerId,
    payment.currency,
    {
      from: new Date((previous?.createdAt.getTime() ?? -1) + 1),
      to: new Date(payment.createdAt.getTime() + 1),
    },
    actor,
  );
  const paid = statement.payments.find((p) => p.id === payment.id)!;
  return {
    ...statement,
    payment: paid,
    payments: [paid],
    paidMinor: paid.amountMinor,
    closingBalanceMinor: statement.openingBalanceMinor + statement.owedMinor - paid.amountMinor,
  };
}

/** The last payments recorded for members, newest first, for the slips. */
export async function recentMemberPayments(cooperativeId: number, actor: MemberPaymentActor) {
  assertCanRead(actor, cooperativeId);
  return prisma.memberPayment.findMany({
    where: { cooperativeId },
    orderBy: { id: "desc" },
    take: 50,
    select: {
      id: true,
      amountMinor: true,
      currency: true,
      method: true,
      reference: true,
      paidOn: true,
      farmer: { select: { id: true, name: true, nameLatin: true } },
    },
  });
}
