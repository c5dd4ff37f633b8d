// How a cooperative's net amount for one sub-order is shared among its member farmers. Pure.
import { BASIS_POINTS, SplitError } from "./split";

export type MemberContribution<K> = {
  /** The farmer, e.g. a farmer id. Keys must be distinct. */
  key: K;
  /** What the member delivered, as a weight (e.g. the value of their pledge at the order's price). */
  delivered: number;
  /** What the member still owes the cooperative (input credit and the like), in minor units. */
  repaymentDueMinor: number;
};

export type MemberAllocation<K> = {
  key: K;
  /** The member's proportional share of what is left after the cooperative's fee. */
  shareMinor: number;
  /** Taken from the share to repay what the member owes; never more than the share. */
  repaymentMinor: number;
  /** What the cooperative pays the member. */
  payableMinor: number;
};

export type Allocation<K> = {
  netMinor: number;
  cooperativeFeeMinor: number;
  repaymentsMinor: number;
  members: MemberAllocation<K>[];
};

/**
 * Allocates `netMinor` (what the cooperative receives for a sub-order) to the members who delivered
 * it: the cooperative keeps its service fee (rounded half up), the rest is shared in proportion to
 * what each member delivered with largest-remainder rounding (ties: the order given), and each
 * member's repayments come out of their own share, never taking them below zero. So
 * cooperative fee + repayments + payables = net, exactly.
 */
export function allocateToMembers<K>(
  netMinor: number,
  cooperativeFeeBps: number,
  members: readonly MemberContribution<K>[],
): Allocation<K> {
  if (!Number.isSafeInteger(netMinor) || netMinor < 0)
    throw new SplitError("payments.invalidAmount");
  if (
    !Number.isInteger(cooperativeFeeBps) ||
    cooperativeFeeBps < 0 ||
    cooperativeFeeBps > BASIS_POINTS
  )
    throw new SplitError("payments.invalidFeeRate");
  for (const m of members) {
    if (!Number.isSafeInteger(m.delivered) || m.delivered < 0)
      throw new SplitError("payments.invalidDelivered");
    if (!Number.isSafeInteger(m.repaymentDueMinor) || m.repaymentDueMinor < 0)
      throw new SplitError("payments.invalidAmount");
  }
  if (new Set(members.map((m) => m.key)).size !== members.length)
    throw new SplitError("payments.duplicatePart");
  const totalDelivered = members.reduce((sum, m) => sum + BigInt(m.delivered), 0n);
  if (totalDelivered === 0n) throw new SplitError("payments.nothingDelivered");

  const bps = BigInt(BASIS_POINTS);
  const net = BigInt(netMinor);
  const fee = (net * BigInt(cooperativeFeeBps) * 2n + bps) / (2n * bps);
  const distributable = net - fee;

  const exact = members.map((m) => distributable * BigInt(m.delivered));
  const shares = exact.map((e) => e / totalDelivered);
  const remainders = exact.map((e) => e % totalDelivered);
  let leftover = distributable - shares.reduce((a, b) => a + b, 0n);
  const order = members
    .map((_, index) => index)
    .sort((a, b) =>
      remainders[b]! > remainders[a]! ? 1 : remainders[b]! < remainders[a]! ? -1 : a - b,
    );
  for (const index of order) {
    if (leftover === 0n) break;
    shares[index]! += 1n;
    leftover -= 1n;
  }

  const allocations = members.map((m, index) => {
    const shareMinor = Number(shares[index]!);
    const repaymentMinor = Math.min(shareMinor, m.repaymentDueMinor);
    return { key: m.key, shareMinor, repaymentMinor, payableMinor: shareMinor - repaymentMinor };
  });
  return {
    netMinor,
    cooperativeFeeMinor: Number(fee),
    repaymentsMinor: allocations.reduce((sum, a) => sum + a.repaymentMinor, 0),
    members: allocations,
  };
}

export type LineDelivery = {
  /** What the line is worth to the cooperative (its final amount once packed), the line's weight. */
  amountMinor: number;
  /** What each member was collected for on this line (newest record per member), thousandths. */
  collected: readonly { farmerId: number; quantityMilli: number }[];
  /** The window's pledges, used only when nothing was collected for the line. */
  pledged: readonly { farmerId: number; quantity: number }[];
};

export type AllocationBasis = "COLLECTION" | "PLEDGE" | "MIXED";

/**
 * Shares `netMinor` among members by what each delivered: the cooperative's fee first, the rest to
 * each line in proportion to its amount, then to the members collected for that line in proportion
 * to what was collected. A line with nothing collected falls back to the window's pledges, and the
 * basis says so. Shares (before credit repayments) add up to net − fee, exactly.
 */
export function allocateByDelivery(
  netMinor: number,
  cooperativeFeeBps: number,
  lines: readonly LineDelivery[],
) {
  const byLine = allocateToMembers(
    netMinor,
    cooperativeFeeBps,
    lines.map((l, i) => ({ key: i, delivered: l.amountMinor, repaymentDueMinor: 0 })),
  );
  const shares = new Map<number, number>();
  const bases = new Set<"COLLECTION" | "PLEDGE">();
  lines.forEach((line, i) => {
    const lineShare = byLine.members[i]!.shareMinor;
    if (lineShare === 0) return;
    const collected = line.collected.filter((c) => c.quantityMilli > 0);
    const basis = collected.length > 0 ? "COLLECTION" : "PLEDGE";
    bases.add(basis);
    const parts =
      basis === "COLLECTION"
        ? collected.map((c) => ({ key: c.farmerId, delivered: c.quantityMilli }))
        : line.pledged.map((p) => ({ key: p.farmerId, delivered: p.quantity }));
    const perMember = allocateToMembers(
      lineShare,
      0,
      parts.map((p) => ({ ...p, repaymentDueMinor: 0 })),
    );
    for (const m of perMember.members) shares.set(m.key, (shares.get(m.key) ?? 0) + m.shareMinor);
  });
  const basis: AllocationBasis =
    bases.size === 2 ? "MIXED" : bases.has("COLLECTION") ? "COLLECTION" : "PLEDGE";
  return { cooperativeFeeMinor: byLine.cooperativeFeeMinor, shares, basis };
}

/**
 * Takes `amountMinor` back from `shares` in proportion to each (largest remainder, so exact); no
 * member gives back more than their share. Used when a refund after allocation lowers what the
 * cooperative kept.
 */
export function clawBack(amountMinor: number, shares: ReadonlyMap<number, number>) {
  const total = [...shares.values()].reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > total)
    throw new SplitError("payments.invalidAmount");
  const result = new Map<number, number>();
  if (amountMinor === 0) return result;
  const keys = [...shares.keys()];
  const parts = allocateToMembers(
    amountMinor,
    0,
    keys.map((k) => ({ key: k, delivered: shares.get(k)!, repaymentDueMinor: 0 })),
  );
  for (const m of parts.members) if (m.shareMinor > 0) result.set(m.key, m.shareMinor);
  return result;
}
