// The double-entry ledger: every money movement is one balanced transaction, recorded once.
// Positive entry amounts are debits, negative ones credits. Asset accounts (CASH, BUYER_RECEIVABLE,
// COOPERATIVE_DEBT, DISPUTED) grow with debits; liability and revenue accounts
// (COOPERATIVE_PAYABLE, FEE_REVENUE) grow with credits.
import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";
import {
  type Currency,
  type LedgerAccountKind,
  type LedgerTransactionKind,
} from "~/db/generated/enums";
import { type Split } from "./split";
import { DomainError } from "~/validation/errors";

export type Tx = Prisma.TransactionClient;

/** Whose account: an organization, or the platform itself (null). */
export type AccountRef = { kind: LedgerAccountKind; organizationId: number | null };
export type Posting = AccountRef & { amountMinor: number };

export type TransactionInput = {
  kind: LedgerTransactionKind;
  /** Built from our own ids, e.g. "order:42:coop:7:release". A repeated key records nothing new. */
  idempotencyKey: string;
  currency: Currency;
  orderId?: number;
  subOrderId?: number;
  memo?: string;
  entries: readonly Posting[];
};

export class LedgerError extends DomainError {
  constructor(key: string) {
    super(key);
    this.name = "LedgerError";
  }
}

export function accountKey(ref: AccountRef, currency: Currency) {
  return `${ref.kind}:${ref.organizationId ?? "platform"}:${currency}`;
}

/** Refuses a transaction whose entries do not balance, are empty, or hold a zero or fractional amount. */
export function checkBalanced(entries: readonly Posting[]) {
  if (entries.length < 2) throw new LedgerError("payments.ledgerTooFewEntries");
  let sum = 0;
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.amountMinor) || entry.amountMinor === 0)
      throw new LedgerError("payments.ledgerBadAmount");
    sum += entry.amountMinor;
  }
  if (sum !== 0) throw new LedgerError("payments.ledgerUnbalanced");
}

async function accountId(tx: Tx, ref: AccountRef, currency: Currency) {
  const key = accountKey(ref, currency);
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO "LedgerAccount" ("key", "kind", "organizationId", "currency")
    VALUES (${key}, ${ref.kind}::"LedgerAccountKind", ${ref.organizationId}, ${currency}::"Currency")
    ON CONFLICT ("key") DO UPDATE SET "key" = EXCLUDED."key"
    RETURNING "id"`;
  return rows[0]!.id;
}

/**
 * Posts one balanced transaction inside `tx` (the caller's transaction, so the movement commits
 * with its cause). Returns `created: false` when the idempotency key was already recorded: a
 * retried movement records once.
 */
export async function postTransaction(tx: Tx, input: TransactionInput) {
  checkBalanced(input.entries);
  const inserted = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO "LedgerTransaction" ("kind", "idempotencyKey", "currency", "orderId", "subOrderId", "memo")
    VALUES (${input.kind}::"LedgerTransactionKind", ${input.idempotencyKey}, ${input.currency}::"Currency",
            ${input.orderId ?? null}, ${input.subOrderId ?? null}, ${input.memo ?? null})
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING "id"`;
  const id = inserted[0]?.id;
  if (id === undefined) {
    const existing = await tx.ledgerTransaction.findUniqueOrThrow({
      where: { idempotencyKey: input.idempotencyKey },
      select: { id: true, kind: true },
    });
    if (existing.kind !== input.kind) throw new LedgerError("payments.idempotencyConflict");
    return { id: existing.id, created: false };
  }
  // Merge postings to the same account, so one account appears once per transaction.
  const byAccount = new Map<string, Posting>();
  for (const entry of input.entries) {
    const key = accountKey(entry, input.currency);
    const seen = byAccount.get(key);
    byAccount.set(key, { ...entry, amountMinor: (seen?.amountMinor ?? 0) + entry.amountMinor });
  }
  const data = [];
  for (const entry of [...byAccount.values()].filter((e) => e.amountMinor !== 0)) {
    data.push({
      transactionId: id,
      accountId: await accountId(tx, entry, input.currency),
      amountMinor: entry.amountMinor,
    });
  }
  await tx.ledgerEntry.createMany({ data });
  return { id, created: true };
}

export const cash = (holderOrganizationId: number | null): AccountRef => ({
  kind: "CASH",
  organizationId: holderOrganizationId,
});
export const buyerReceivable = (buyerId: number): AccountRef => ({
  kind: "BUYER_RECEIVABLE",
  organizationId: buyerId,
});
export const cooperativePayable = (cooperativeId: number): AccountRef => ({
  kind: "COOPERATIVE_PAYABLE",
  organizationId: cooperativeId,
});
export const cooperativeDebt = (cooperativeId: number): AccountRef => ({
  kind: "COOPERATIVE_DEBT",
  organizationId: cooperativeId,
});
export const feeRevenue = (unionId: number | null): AccountRef => ({
  kind: "FEE_REVENUE",
  organizationId: unionId,
});

export type SplitShareRef = { subOrderId: number; cooperativeId: number; unionId: number | null };

const debit = (ref: AccountRef, amountMinor: number): Posting => ({ ...ref, amountMinor });
const credit = (ref: AccountRef, amountMinor: number): Posting => ({
  ...ref,
  amountMinor: -amountMinor,
});
const nonZero = (postings: Posting[]) => postings.filter((p) => p.amountMinor !== 0);

/**
 * The sale: the buyer owes the total; each cooperative is owed its net share; each union earns
 * its fee. Recorded once per order when payment is secured (or credit is granted).
 */
export function saleEntries(buyerId: number, split: Split<SplitShareRef>) {
  return nonZero([
    debit(buyerReceivable(buyerId), split.totalMinor),
    ...split.shares.map((s) => credit(cooperativePayable(s.key.cooperativeId), s.netMinor)),
    ...split.shares.map((s) => credit(feeRevenue(s.key.unionId), s.feeMinor)),
  ]);
}

/** Money from the buyer arrives with whoever holds it (the platform, or a cooperative paid directly). */
export function paymentEntries(buyerId: number, holderId: number | null, amountMinor: number) {
  return [debit(cash(holderId), amountMinor), credit(buyerReceivable(buyerId), amountMinor)];
}

/** A cooperative's share leaves the holder's cash (a Stripe transfer, or a manual payout). */
export function transferEntries(
  cooperativeId: number,
  holderId: number | null,
  amountMinor: number,
) {
  return [
    debit(cooperativePayable(cooperativeId), amountMinor),
    credit(cash(holderId), amountMinor),
  ];
}

/**
 * A refund undoes part of the sale: each cooperative is owed less (its net share of the refund),
 * the union earns less, and the money goes back to the buyer from the holder's cash.
 */
export function refundEntries(holderId: number | null, split: Split<SplitShareRef>) {
  return nonZero([
    ...split.shares.map((s) => debit(cooperativePayable(s.key.cooperativeId), s.netMinor)),
    ...split.shares.map((s) => debit(feeRevenue(s.key.unionId), s.feeMinor)),
    credit(cash(holderId), split.totalMinor),
  ]);
}

/** A transfer reversal takes money back from the cooperative's connected account. */
export function reversalEntries(cooperativeId: number, amountMinor: number) {
  return [debit(cash(null), amountMinor), credit(cooperativePayable(cooperativeId), amountMinor)];
}

/** What a cooperative was overpaid and could not give back becomes its debt. */
export function debtEntries(cooperativeId: number, amountMinor: number) {
  return [
    debit(cooperativeDebt(cooperativeId), amountMinor),
    credit(cooperativePayable(cooperativeId), amountMinor),
  ];
}

/** Part of what the cooperative is owed clears its debt, before the rest is transferred. */
export function debtRecoveryEntries(cooperativeId: number, amountMinor: number) {
  return [
    debit(cooperativePayable(cooperativeId), amountMinor),
    credit(cooperativeDebt(cooperativeId), amountMinor),
  ];
}

/** A card dispute takes the disputed amount out of the platform's balance. */
export function disputeEntries(amountMinor: number) {
  return [
    debit({ kind: "DISPUTED", organizationId: null }, amountMinor),
    credit(cash(null), amountMinor),
  ];
}

/** A cooperative paid directly hands the union's fee over. */
export function feeRemittanceEntries(cooperativeId: number, amountMinor: number) {
  return [debit(cash(null), amountMinor), credit(cash(cooperativeId), amountMinor)];
}

async function balance(ref: AccountRef, currency: Currency, db: Tx = prisma) {
  const result = await db.ledgerEntry.aggregate({
    where: { account: { key: accountKey(ref, currency) } },
    _sum: { amountMinor: true },
  });
  return result._sum.amountMinor ?? 0;
}

/**
 * A cooperative's position: what the platform still owes it, what it has been paid (transfers and
 * payouts, less reversals), and its debt.
 */
export async function cooperativeBalance(
  cooperativeId: number,
  currency: Currency,
  db: Tx = prisma,
) {
  const payable = await balance(cooperativePayable(cooperativeId), currency, db);
  const paid = await db.ledgerEntry.aggregate({
    where: {
      account: { key: accountKey(cooperativePayable(cooperativeId), currency) },
      transaction: { kind: { in: ["TRANSFER", "PAYOUT", "REVERSAL"] } },
    },
    _sum: { amountMinor: true },
  });
  return {
    owedMinor: payable === 0 ? 0 : -payable,
    paidMinor: paid._sum.amountMinor ?? 0,
    debtMinor: await balance(cooperativeDebt(cooperativeId), currency, db),
  };
}

/** What a buyer owes (positive) or has paid in advance (negative). */
export function buyerOwes(buyerId: number, currency: Currency, db: Tx = prisma) {
  return balance(buyerReceivable(buyerId), currency, db);
}

export function cashHeld(holderId: number | null, currency: Currency, db: Tx = prisma) {
  return balance(cash(holderId), currency, db);
}

export function feeEarned(unionId: number | null, currency: Currency, db: Tx = prisma) {
  return balance(feeRevenue(unionId), currency, db).then((b) => (b === 0 ? 0 : -b));
}

/** Transactions whose entries do not sum to zero, and the sum of every entry per currency: both should be empty / zero. */
export async function ledgerIntegrity(db: Tx = prisma) {
  const unbalanced = await db.$queryRaw<{ transactionId: number }[]>`
    SELECT e."transactionId" FROM "LedgerEntry" e GROUP BY e."transactionId" HAVING SUM(e."amountMinor") <> 0`;
  const mixed = await db.$queryRaw<{ transactionId: number }[]>`
    SELECT e."transactionId" FROM "LedgerEntry" e
      JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
      JOIN "LedgerAccount" a ON a."id" = e."accountId"
     WHERE a."currency" <> t."currency"`;
  const totals = await db.$queryRaw<{ currency: Currency; total: bigint }[]>`
    SELECT a."currency", SUM(e."amountMinor")::bigint AS "total"
      FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId" GROUP BY a."currency"`;
  return {
    unbalancedTransactions: unbalanced.map((r) => r.transactionId),
    mixedCurrencyTransactions: mixed.map((r) => r.transactionId),
    nonZeroCurrencies: totals.filter((t) => t.total !== 0n).map((t) => t.currency),
  };
}
