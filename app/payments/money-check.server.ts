// Account invariants, not only balanced transactions (docs/decisions/014-money-exact.md). For every
// sub-order whose sale is recorded: what the buyer paid (or owes) less what was given back is what
// was delivered; a paid-out cooperative holds its share less its part of refunds, plus the debt it
// could not give back; its members are allocated what it kept; each buyer's receivable is what its
// sales still ask for. Used by `npm run money:check`, after every payments test and in the fuzz suite.
import { prisma } from "~/db/db.server";
import { allocateToMembers } from "./allocation";
import { ledgerIntegrity, type Tx } from "./ledger.server";
import { amountDue, amountToKeep } from "./settlement.server";

export type MoneyProblem = { subOrderId?: number; buyerId?: number; problem: string };

const kindOf = (key: string | null) =>
  key?.includes(":credit:")
    ? "credit"
    : key?.includes(":refund:requested:")
      ? "requested"
      : "follow";

/**
 * Every broken invariant, as a list (empty when the books are right). Outcomes still unknown
 * (PENDING at Stripe) count as made; they are reported once older than `staleAfterMs`.
 */
export async function checkMoney(
  db: Tx = prisma,
  { staleAfterMs = 60 * 60_000, now = new Date() } = {},
): Promise<MoneyProblem[]> {
  const problems: MoneyProblem[] = [];
  const integrity = await ledgerIntegrity(db);
  for (const id of integrity.unbalancedTransactions)
    problems.push({ problem: `ledger transaction ${id} does not balance` });
  for (const id of integrity.mixedCurrencyTransactions)
    problems.push({ problem: `ledger transaction ${id} mixes currencies` });
  for (const currency of integrity.nonZeroCurrencies)
    problems.push({ problem: `ledger entries in ${currency} do not sum to zero` });

  const sales = await db.$queryRaw<
    { subOrderId: number; count: number; gross: number; net: number }[]
  >`
    SELECT t."subOrderId", COUNT(DISTINCT t."id")::int AS "count",
           COALESCE(SUM(e."amountMinor") FILTER (WHERE a."kind" = 'BUYER_RECEIVABLE'), 0)::int AS "gross",
           COALESCE(-SUM(e."amountMinor") FILTER (WHERE a."kind" = 'COOPERATIVE_PAYABLE'), 0)::int AS "net"
      FROM "LedgerTransaction" t
      JOIN "LedgerEntry" e ON e."transactionId" = t."id"
      JOIN "LedgerAccount" a ON a."id" = e."accountId"
     WHERE t."kind" = 'SALE' AND t."subOrderId" IS NOT NULL
     GROUP BY t."subOrderId"`;
  const saleOf = new Map(sales.map((s) => [s.subOrderId, s]));
  const ledgerKeys = new Set(
    (
      await db.ledgerTransaction.findMany({
        where: { kind: "REFUND" },
        select: { idempotencyKey: true },
      })
    ).map((t) => t.idempotencyKey),
  );
  const recoveries = await db.$queryRaw<{ subOrderId: number; amount: number }[]>`
    SELECT t."subOrderId", SUM(e."amountMinor")::int AS "amount"
      FROM "LedgerTransaction" t
      JOIN "LedgerEntry" e ON e."transactionId" = t."id"
      JOIN "LedgerAccount" a ON a."id" = e."accountId"
     WHERE t."kind" = 'DEBT_RECOVERY' AND a."kind" = 'COOPERATIVE_PAYABLE'
     GROUP BY t."subOrderId"`;
  const recoveredOf = new Map(recoveries.map((r) => [r.subOrderId, r.amount]));

  const subOrders = await db.subOrder.findMany({
    orderBy: { id: "asc" },
    select: {
      id: true,
      status: true,
      totalMinor: true,
      finalTotalMinor: true,
      order: {
        select: {
          buyerId: true,
          currency: true,
          payments: {
            where: { subOrderId: null, status: { in: ["SUCCEEDED", "REFUNDED"] } },
            select: { id: true },
          },
        },
      },
      payments: { select: { status: true, amountMinor: true, dueAt: true, provider: true } },
      refunds: {
        where: { status: { not: "FAILED" } },
        select: {
          id: true,
          status: true,
          amountMinor: true,
          netMinor: true,
          debtMinor: true,
          reversalSettledAt: true,
          idempotencyKey: true,
          createdAt: true,
        },
      },
      transfers: {
        select: { id: true, status: true, amountMinor: true, reversedMinor: true, createdAt: true },
      },
      memberAllocations: { select: { shareMinor: true } },
      lines: { orderBy: { id: "asc" }, select: { id: true, amountMinor: true } },
      cooperative: { select: { paymentProfile: { select: { serviceFeeBps: true } } } },
    },
  });

  const expectedReceivable = new Map<string, number>();
  const stale = now.getTime() - staleAfterMs;
  for (const s of subOrders) {
    const report = (problem: string) => problems.push({ subOrderId: s.id, problem });
    const due = amountDue(s);
    const sale = saleOf.get(s.id);
    const received = s.payments.filter((p) => p.status === "SUCCEEDED" || p.status === "REFUNDED");
    const paidByCard = s.order.payments.length > 0;
    for (const r of s.refunds)
      if (r.status === "PENDING" && r.createdAt.getTime() < stale)
        report(`refund ${r.id} outcome unknown since ${r.createdAt.toISOString()}`);
    for (const t of s.transfers)
      if (t.status === "PENDING" && t.createdAt.getTime() < stale)
        report(`transfer ${t.id} outcome unknown since ${t.createdAt.toISOString()}`);

    if (!sale) {
      if (received.length > 0 || paidByCard) report("paid, but no sale recorded");
      if (s.refunds.length > 0 || s.transfers.some((t) => t.status !== "FAILED"))
        report("refund or payout without a sale");
      for (const p of s.payments)
        if (p.status === "PENDING" && p.provider === "MANUAL" && p.amountMinor !== due && due > 0)
          report(`waiting payment asks for ${p.amountMinor}, ${due} is due`);
      continue;
    }
    if (sale.count > 1) report(`${sale.count} sales recorded`);
    let credited = 0;
    let back = 0;
    let requested = 0;
    let refundedNet = 0;
    let debt = 0;
    for (const r of s.refunds) {
      const kind = kindOf(r.idempotencyKey);
      if (kind === "credit") credited += r.amountMinor;
      else back += r.amountMinor;
      if (kind === "requested") requested += r.amountMinor;
      refundedNet += r.netMinor;
      debt += r.debtMinor;
      if (r.status === "SUCCEEDED" && r.idempotencyKey && !ledgerKeys.has(r.idempotencyKey))
        report(`refund ${r.id} succeeded but is not in the ledger`);
    }
    // Paid (or owed) less given back is what was delivered, less the refunds asked for
    // (concessions, whichever came first: settlement.server.ts amountToKeep).
    const kept = sale.gross - credited - back;
    const expected = amountToKeep(due, { requestedMinor: requested });
    if (kept !== expected)
      report(
        `sold ${sale.gross}, credited ${credited}, refunded ${back}: ${kept} kept, ${expected} due`,
      );
    const waiting = s.payments.filter((p) => p.status === "PENDING" && p.provider === "MANUAL");
    if (received.length === 0 && !paidByCard)
      for (const p of waiting)
        if (p.amountMinor !== sale.gross - credited)
          report(
            `on account: the waiting payment asks for ${p.amountMinor}, ${sale.gross - credited} is owed`,
          );
    const receivedMinor = received.reduce((sum, p) => sum + p.amountMinor, 0);
    const account = `${s.order.buyerId}:${s.order.currency}`;
    expectedReceivable.set(
      account,
      (expectedReceivable.get(account) ?? 0) + sale.gross - credited - receivedMinor,
    );

    // Paid out: the share, less its part of refunds, plus what the cooperative could not give back.
    const paid = s.transfers.filter((t) => t.status === "PAID" || t.status === "REVERSED");
    if (s.status === "SETTLED" && paid.length === 0) report("settled without a payout");
    if (paid.length > 0 && !s.transfers.some((t) => t.status === "PENDING")) {
      const paidOut =
        paid.reduce((sum, t) => sum + t.amountMinor - t.reversedMinor, 0) +
        (recoveredOf.get(s.id) ?? 0);
      const owed = sale.net - refundedNet + debt;
      if (paidOut !== owed) report(`cooperative paid ${paidOut}, owed ${owed}`);
    }
    if (paid.length > 1) report(`${paid.length} payouts`);

    if (s.memberAllocations.length > 0) {
      const allocated = s.memberAllocations.reduce((sum, a) => sum + a.shareMinor, 0);
      const keptByCooperative = sale.net - refundedNet;
      try {
        const { cooperativeFeeMinor } = allocateToMembers(
          keptByCooperative,
          s.cooperative.paymentProfile?.serviceFeeBps ?? 0,
          s.lines.map((l) => ({ key: l.id, delivered: l.amountMinor, repaymentDueMinor: 0 })),
        );
        if (allocated !== keptByCooperative - cooperativeFeeMinor)
          report(
            `members allocated ${allocated}, the cooperative kept ${keptByCooperative - cooperativeFeeMinor} for them`,
          );
      } catch {
        report(`members allocated ${allocated} of a share that cannot be allocated`);
      }
    }
  }

  // A card payment covers the whole order.
  const orderPayments = await db.payment.findMany({
    where: { subOrderId: null, status: { in: ["SUCCEEDED", "REFUNDED"] } },
    select: { amountMinor: true, currency: true, order: { select: { buyerId: true } } },
  });
  for (const p of orderPayments) {
    const account = `${p.order.buyerId}:${p.currency}`;
    expectedReceivable.set(account, (expectedReceivable.get(account) ?? 0) - p.amountMinor);
  }

  const receivables = await db.$queryRaw<{ buyerId: number; currency: string; owed: number }[]>`
    SELECT a."organizationId" AS "buyerId", a."currency"::text AS "currency", SUM(e."amountMinor")::int AS "owed"
      FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId"
     WHERE a."kind" = 'BUYER_RECEIVABLE'
     GROUP BY a."organizationId", a."currency"`;
  const accounts = new Set([
    ...expectedReceivable.keys(),
    ...receivables.map((r) => `${r.buyerId}:${r.currency}`),
  ]);
  for (const account of accounts) {
    const [buyerId, currency] = account.split(":");
    const ledger = receivables.find((r) => `${r.buyerId}:${r.currency}` === account)?.owed ?? 0;
    const expected = expectedReceivable.get(account) ?? 0;
    if (ledger !== expected)
      problems.push({
        buyerId: Number(buyerId),
        problem: `buyer owes ${ledger} ${currency} in the ledger, ${expected} by its sales and payments`,
      });
  }
  // What a cooperative owes its members (MEMBERS_PAYABLE) is what its allocations left to pay,
  // per sub-order as posted and per cooperative after the payments to members.
  const allocationPosts = await db.$queryRaw<
    { subOrderId: number; ledger: number; rows: number }[]
  >`
    SELECT s."id" AS "subOrderId",
           COALESCE((SELECT -SUM(e."amountMinor") FROM "LedgerTransaction" t
                       JOIN "LedgerEntry" e ON e."transactionId" = t."id"
                       JOIN "LedgerAccount" a ON a."id" = e."accountId"
                      WHERE t."subOrderId" = s."id" AND t."kind" = 'MEMBER_ALLOCATION'
                        AND a."kind" = 'MEMBERS_PAYABLE'), 0)::int AS "ledger",
           COALESCE((SELECT SUM(m."payableMinor") FROM "MemberAllocation" m
                      WHERE m."subOrderId" = s."id"), 0)::int AS "rows"
      FROM "SubOrder" s`;
  for (const p of allocationPosts)
    if (p.ledger !== p.rows)
      problems.push({
        subOrderId: p.subOrderId,
        problem: `members owed ${p.rows} by the allocation, ${p.ledger} in the ledger`,
      });
  const membersOwed = await db.$queryRaw<
    { cooperativeId: number; currency: string; ledger: number; rows: number }[]
  >`
    WITH owed AS (
      SELECT s."cooperativeId", m."currency", SUM(m."payableMinor") AS "amount"
        FROM "MemberAllocation" m JOIN "SubOrder" s ON s."id" = m."subOrderId"
       GROUP BY s."cooperativeId", m."currency"
      UNION ALL
      SELECT p."cooperativeId", p."currency", -SUM(p."amountMinor")
        FROM "MemberPayment" p GROUP BY p."cooperativeId", p."currency"
    ), books AS (
      SELECT a."organizationId" AS "cooperativeId", a."currency", -SUM(e."amountMinor") AS "amount"
        FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId"
       WHERE a."kind" = 'MEMBERS_PAYABLE' GROUP BY a."organizationId", a."currency"
    )
    SELECT k."cooperativeId", k."currency"::text AS "currency",
           COALESCE((SELECT SUM(b."amount") FROM books b
                      WHERE b."cooperativeId" = k."cooperativeId" AND b."currency" = k."currency"), 0)::int AS "ledger",
           COALESCE((SELECT SUM(o."amount") FROM owed o
                      WHERE o."cooperativeId" = k."cooperativeId" AND o."currency" = k."currency"), 0)::int AS "rows"
      FROM (SELECT "cooperativeId", "currency" FROM owed UNION SELECT "cooperativeId", "currency" FROM books) k`;
  for (const o of membersOwed)
    if (o.ledger !== o.rows)
      problems.push({
        problem: `cooperative ${o.cooperativeId} owes its members ${o.rows} ${o.currency} by allocations and payments, ${o.ledger} in the ledger`,
      });
  const unpaidRows = await db.$queryRaw<{ id: number }[]>`
    SELECT p."id" FROM "MemberPayment" p
     WHERE NOT EXISTS (SELECT 1 FROM "LedgerTransaction" t WHERE t."idempotencyKey" = p."idempotencyKey")`;
  for (const r of unpaidRows)
    problems.push({ problem: `member payment ${r.id} is not in the ledger` });

  // What a card charge shows as refunded is what Phsar refunded plus what waits for allocation.
  const cardPayments = await db.payment.findMany({
    where: { provider: "STRIPE", status: { in: ["SUCCEEDED", "REFUNDED"] } },
    select: {
      id: true,
      refundedMinor: true,
      refunds: { where: { status: { not: "FAILED" } }, select: { amountMinor: true } },
      outsideRefunds: {
        where: { allocatedAt: null },
        select: { id: true, amountMinor: true, createdAt: true },
      },
    },
  });
  for (const p of cardPayments) {
    const refunded = p.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    const waiting = p.outsideRefunds.reduce((sum, r) => sum + r.amountMinor, 0);
    if (p.refundedMinor !== refunded + waiting)
      problems.push({
        problem: `card payment ${p.id} refunded ${p.refundedMinor}, ${refunded} by its refunds and ${waiting} waiting for allocation`,
      });
    for (const r of p.outsideRefunds)
      if (r.createdAt.getTime() < stale)
        problems.push({
          problem: `outside refund ${r.id} (${r.amountMinor}) not allocated since ${r.createdAt.toISOString()}`,
        });
  }
  return problems;
}

export function formatProblems(problems: MoneyProblem[]) {
  return problems
    .map((p) => {
      const who = p.subOrderId
        ? `sub-order ${p.subOrderId}`
        : p.buyerId
          ? `buyer ${p.buyerId}`
          : "ledger";
      return `${who}: ${p.problem}`;
    })
    .join("\n");
}
