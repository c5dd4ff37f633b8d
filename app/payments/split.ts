// How one payment is divided between the cooperatives of an order and the union's service fee.
// Pure and integer-only: amounts are minor units (whole riel, US cents), rates basis points.

import { DomainError } from "~/validation/errors";

export class SplitError extends DomainError {
  constructor(key: string) {
    super(key);
    this.name = "SplitError";
  }
}

export const BASIS_POINTS = 10_000;

export type SplitPart<K> = {
  /** Who the share belongs to, e.g. a sub-order id. Keys must be distinct. */
  key: K;
  /** What this cooperative's sub-order is worth, in minor units. */
  amountMinor: number;
  /** The service fee rate of the union this cooperative belongs to, in basis points (250 = 2.5%). */
  feeRateBps: number;
};

export type Share<K> = { key: K; grossMinor: number; feeMinor: number; netMinor: number };

export type Split<K> = { totalMinor: number; feeMinor: number; shares: Share<K>[] };

function checkMinor(value: number) {
  if (!Number.isSafeInteger(value) || value < 0) throw new SplitError("payments.invalidAmount");
}

/**
 * Splits `totalMinor` (which must equal the sum of the parts: a payment that does not match the
 * order is refused) into each cooperative's net share and the union's fee. The total fee is the
 * exact fee (sum of amount × rate) rounded half up to a whole minor unit; each part's fee starts at
 * its floor and the units left over go to the parts with the largest remainders (ties: the order
 * the parts were given in). So shares + fee = total, every share is between 0 and its amount, and
 * the same input always gives the same split.
 */
export function splitPayment<K>(totalMinor: number, parts: readonly SplitPart<K>[]): Split<K> {
  checkMinor(totalMinor);
  if (parts.length === 0) throw new SplitError("payments.nothingToSplit");
  let sum = 0;
  for (const part of parts) {
    checkMinor(part.amountMinor);
    if (!Number.isInteger(part.feeRateBps) || part.feeRateBps < 0 || part.feeRateBps > BASIS_POINTS)
      throw new SplitError("payments.invalidFeeRate");
    sum += part.amountMinor;
  }
  if (sum !== totalMinor) throw new SplitError("payments.amountMismatch");
  if (new Set(parts.map((p) => p.key)).size !== parts.length)
    throw new SplitError("payments.duplicatePart");

  // BigInt keeps amount × rate exact even for totals near Number.MAX_SAFE_INTEGER.
  const bps = BigInt(BASIS_POINTS);
  const exact = parts.map((p) => BigInt(p.amountMinor) * BigInt(p.feeRateBps));
  const floors = exact.map((e) => e / bps);
  const remainders = exact.map((e) => e % bps);
  const exactTotal = exact.reduce((a, b) => a + b, 0n);
  const feeTotal = (exactTotal * 2n + bps) / (2n * bps); // round half up
  let leftover = Number(feeTotal - floors.reduce((a, b) => a + b, 0n));

  // leftover ≤ the number of non-zero remainders, so only parts with a remainder get a unit.
  const order = parts
    .map((_, index) => index)
    .sort((a, b) =>
      remainders[b]! > remainders[a]! ? 1 : remainders[b]! < remainders[a]! ? -1 : a - b,
    );
  const fees = floors.map(Number);
  for (const index of order) {
    if (leftover === 0) break;
    fees[index]! += 1;
    leftover -= 1;
  }

  const shares = parts.map((part, index) => ({
    key: part.key,
    grossMinor: part.amountMinor,
    feeMinor: fees[index]!,
    netMinor: part.amountMinor - fees[index]!,
  }));
  return { totalMinor, feeMinor: Number(feeTotal), shares };
}
