// What each member farmer is owed for a settled sub-order, and the cooperative's statement of it.
import { prisma } from "~/db/db.server";
import { type Currency } from "~/db/generated/enums";
import { allocateByDelivery, clawBack } from "./allocation";
import { type Tx } from "./ledger.server";
import { allocationsByPledge, postAllocationToLedger } from "./member-payments.server";
import { SplitError } from "./split";
import { recordedShare, refundedSoFar, PaymentError } from "./settlement.server";

/**
 * Allocates a settled (or delivered) sub-order's net amount to its members by what each delivered
 * (docs/decisions/024-collection-allocation.md), once, and again when a refund after the payout
 * lowers what the cooperative kept. The cooperative keeps its own fee
 * (`PaymentProfile.serviceFeeBps` of the cooperative); the rest goes to each line in proportion to
 * its amount, then to the members collected for that line in proportion to what was collected (the
 * window's pledges when nothing was, and `basis` says so). A later refund takes back from each
 * member in proportion to their share, recorded as `MemberClawback` rows. Each member's outstanding
 * input credit is repaid from their share, oldest credit first. The parts add up exactly.
 */
export async function allocateSubOrder(subOrderId: number) {
  return prisma.$transaction(async (tx) => {
    // One allocation per sub-order, even when two settlements race.
    await tx.$executeRaw`SELECT 1 FROM "SubOrder" WHERE "id" = ${subOrderId} FOR UPDATE`;
    const existing = await tx.memberAllocation.findMany({
      where: { subOrderId },
      orderBy: { farmerId: "asc" },
      select: { farmerId: true, shareMinor: true, repaymentMinor: true, basis: true },
    });
    const subOrder = await tx.subOrder.findUnique({
      where: { id: subOrderId },
      select: {
        id: true,
        orderId: true,
        cooperativeId: true,
        status: true,
        order: { select: { currency: true } },
        cooperative: { select: { paymentProfile: { select: { serviceFeeBps: true } } } },
        lines: {
          orderBy: { id: "asc" },
          select: {
            id: true,
            amountMinor: true,
            finalAmountMinor: true,
            // Newest first, so the first record per member is the one that counts.
            collections: {
              orderBy: { id: "desc" },
              select: { farmerId: true, quantityMilli: true },
            },
            window: {
              select: {
                pledges: {
                  orderBy: { farmerId: "asc" },
                  select: { farmerId: true, quantity: true },
                },
              },
            },
          },
        },
      },
    });
    if (!subOrder) throw new PaymentError("payments.subOrderNotFound");
    if (subOrder.status !== "DELIVERED" && subOrder.status !== "SETTLED")
      throw new PaymentError("payments.notDelivered");
    const share = await recordedShare(tx, subOrder);
    if (!share) throw new PaymentError("payments.notPaid");
    const refunded = await refundedSoFar(tx, subOrderId);
    const netMinor = share.netMinor - refunded.netMinor;
    const { currency } = subOrder.order;

    const fresh = allocateByDelivery(
      netMinor,
      subOrder.cooperative.paymentProfile?.serviceFeeBps ?? 0,
      subOrder.lines.map((l) => ({
        amountMinor: l.finalAmountMinor ?? l.amountMinor,
        collected: newestPerMember(l.collections),
        pledged: l.window.pledges,
      })),
    );
    let shares = fresh.shares;
    let basis = fresh.basis;

    // Allocated before a refund made after the payout: members share what the cooperative kept.
    const allocatedBefore = existing.reduce((sum, a) => sum + a.shareMinor, 0);
    const allocatedNow = [...shares.values()].reduce((sum, v) => sum + v, 0);
    if (existing.length > 0 && allocatedBefore === allocatedNow) return { created: false };
    if (existing.length > 0) {
      if (allocatedNow < allocatedBefore) {
        // Taken back in proportion to what each was allocated, so nobody loses more than they got.
        const before = new Map(existing.map((a) => [a.farmerId, a.shareMinor]));
        const taken = clawBack(allocatedBefore - allocatedNow, before);
        shares = new Map([...before].map(([id, v]) => [id, v - (taken.get(id) ?? 0)]));
        basis = existing[0]!.basis;
        await tx.memberClawback.createMany({
          data: [...taken].map(([farmerId, amountMinor]) => ({
            subOrderId,
            farmerId,
            currency,
            amountMinor,
          })),
        });
      }
      await undoAllocation(tx, subOrder.cooperativeId, subOrderId, currency, existing);
    }

    const farmerIds = [...shares.keys()].sort((a, b) => a - b);
    // Locked, so a credit the lead cancels meanwhile is either cancelled first (and skipped here)
    // or waits and then finds it being repaid (app/payments/credits.server.ts).
    const credits = await tx.$queryRaw<
      { id: number; farmerId: number; amountMinor: number; repaidMinor: number }[]
    >`
      SELECT "id", "farmerId", "amountMinor", "repaidMinor" FROM "FarmerCredit"
       WHERE "cooperativeId" = ${subOrder.cooperativeId} AND "currency" = ${currency}::"Currency"
         AND "farmerId" = ANY(${farmerIds}::int[]) AND "cancelledAt" IS NULL
       ORDER BY "id" FOR UPDATE`;
    // Each member's input credit is repaid from their own share, never taking them below zero.
    const final = farmerIds.map((id) => {
      const shareMinor = shares.get(id)!;
      const due = credits
        .filter((c) => c.farmerId === id)
        .reduce((sum, c) => sum + c.amountMinor - c.repaidMinor, 0);
      const repaymentMinor = Math.min(shareMinor, due);
      return { key: id, shareMinor, repaymentMinor, payableMinor: shareMinor - repaymentMinor };
    });
    for (const m of final) {
      let toRepay = m.repaymentMinor;
      for (const credit of credits.filter((c) => c.farmerId === m.key)) {
        if (toRepay === 0) break;
        const part = Math.min(toRepay, credit.amountMinor - credit.repaidMinor);
        if (part === 0) continue;
        await tx.farmerCredit.update({
          where: { id: credit.id },
          data: { repaidMinor: { increment: part } },
          select: { id: true },
        });
        toRepay -= part;
      }
    }
    await tx.memberAllocation.createMany({
      data: final
        .filter((m) => m.shareMinor > 0)
        .map((m) => ({
          subOrderId,
          farmerId: m.key,
          currency,
          shareMinor: m.shareMinor,
          repaymentMinor: m.repaymentMinor,
          payableMinor: m.payableMinor,
          basis,
        })),
    });
    // What the cooperative now owes its members is in the ledger, committed with the allocation.
    await postAllocationToLedger(tx, {
      subOrderId,
      orderId: subOrder.orderId,
      cooperativeId: subOrder.cooperativeId,
      currency,
      beforeMinor:
        existing.length > 0
          ? existing.reduce((sum, a) => sum + a.shareMinor - a.repaymentMinor, 0)
          : null,
      afterMinor: final.reduce((sum, m) => sum + m.payableMinor, 0),
    });
    return {
      created: true,
      netMinor,
      cooperativeFeeMinor: fresh.cooperativeFeeMinor,
      basis,
      members: final,
    };
  });
}

/** The newest collection record of each member (records come newest first). */
function newestPerMember(records: readonly { farmerId: number; quantityMilli: number }[]) {
  const seen = new Map<number, number>();
  for (const r of records) if (!seen.has(r.farmerId)) seen.set(r.farmerId, r.quantityMilli);
  return [...seen].map(([farmerId, quantityMilli]) => ({ farmerId, quantityMilli }));
}

/** Gives back the credit repayments an allocation took (newest credit first) and removes it. */
async function undoAllocation(
  tx: Tx,
  cooperativeId: number,
  subOrderId: number,
  currency: Currency,
  allocations: { farmerId: number; repaymentMinor: number }[],
) {
  for (const allocation of allocations) {
    let toUndo = allocation.repaymentMinor;
    const credits = await tx.farmerCredit.findMany({
      where: { cooperativeId, currency, farmerId: allocation.farmerId, repaidMinor: { gt: 0 } },
      orderBy: { id: "desc" },
      select: { id: true, repaidMinor: true },
    });
    for (const credit of credits) {
      if (toUndo === 0) break;
      const part = Math.min(toUndo, credit.repaidMinor);
      await tx.farmerCredit.update({
        where: { id: credit.id },
        data: { repaidMinor: { decrement: part } },
        select: { id: true },
      });
      toUndo -= part;
    }
  }
  await tx.memberAllocation.deleteMany({ where: { subOrderId } });
}

/**
 * Called after a payout: the payout stands even when the allocation cannot be made (a window
 * without pledges), and the lead's statement then lacks that sub-order until it is fixed.
 */
export async function allocateAfterPayout(subOrderId: number) {
  try {
    await allocateSubOrder(subOrderId);
  } catch (error) {
    if (!(error instanceof SplitError || error instanceof PaymentError)) throw error;
    console.warn(`Sub-order ${subOrderId} paid out but not allocated to members: ${error.key}`);
  }
}

export type MemberStatementRow = {
  farmerId: number;
  name: string;
  village: string;
  shareMinor: number;
  repaymentMinor: number;
  payableMinor: number;
  /** Allocations shared by pledge (wholly or partly) because no collection was recorded. */
  allocationsByPledge: number;
};

/** What the cooperative owes each member, summed over its allocated sub-orders in one currency. */
export async function memberStatement(cooperativeId: number, currency: Currency) {
  const rows = await prisma.memberAllocation.groupBy({
    by: ["farmerId"],
    where: { currency, subOrder: { cooperativeId } },
    _sum: { shareMinor: true, repaymentMinor: true, payableMinor: true },
  });
  const farmers = await prisma.farmer.findMany({
    where: { id: { in: rows.map((r) => r.farmerId) }, cooperativeId },
    select: { id: true, name: true, village: true },
  });
  const byId = new Map(farmers.map((f) => [f.id, f]));
  const byPledge = await allocationsByPledge(cooperativeId, currency);
  return rows
    .map((r) => ({
      farmerId: r.farmerId,
      name: byId.get(r.farmerId)?.name ?? "",
      village: byId.get(r.farmerId)?.village ?? "",
      shareMinor: r._sum.shareMinor ?? 0,
      repaymentMinor: r._sum.repaymentMinor ?? 0,
      payableMinor: r._sum.payableMinor ?? 0,
      allocationsByPledge: byPledge.get(r.farmerId) ?? 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "km") || a.farmerId - b.farmerId);
}

const csvCell = (value: string | number) => {
  const text = String(value);
  // Quote what CSV needs quoted, and defuse cells a spreadsheet would run as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** The statement as CSV (UTF-8 with a byte-order mark, so spreadsheets show Khmer names). */
export function statementCsv(rows: MemberStatementRow[], currency: Currency) {
  const header = [
    "farmer_id",
    "name",
    "village",
    "currency",
    "share_minor",
    "repayment_minor",
    "payable_minor",
    "allocations_by_pledge",
  ];
  const lines = rows.map((r) =>
    [
      r.farmerId,
      r.name,
      r.village,
      currency,
      r.shareMinor,
      r.repaymentMinor,
      r.payableMinor,
      r.allocationsByPledge,
    ]
      .map(csvCell)
      .join(","),
  );
  return `\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
