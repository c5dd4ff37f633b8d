// Who brings what: the quantity ordered from a delivery window shared among the member farmers who
// pledged to it. Pure, so the rounding is tested without a database.

export type PledgeShare = { farmerId: number; pledged: number };

/**
 * Splits `ordered` whole units among farmers in proportion to their pledges, largest remainder
 * first (ties to the larger pledge, then the lower farmer id), so the shares always add up to
 * `ordered` and nobody is asked for more than they pledged.
 */
export function shareByPledges(ordered: number, pledges: PledgeShare[]) {
  const pledged = pledges.reduce((sum, p) => sum + p.pledged, 0);
  if (ordered <= 0 || pledged <= 0)
    return pledges.map((p) => ({ farmerId: p.farmerId, quantity: 0 }));
  const take = Math.min(ordered, pledged);
  const shares = pledges.map((p) => {
    const exact = BigInt(take) * BigInt(p.pledged);
    return {
      farmerId: p.farmerId,
      pledged: p.pledged,
      quantity: Number(exact / BigInt(pledged)),
      remainder: Number(exact % BigInt(pledged)),
    };
  });
  let left = take - shares.reduce((sum, s) => sum + s.quantity, 0);
  const order = [...shares].sort(
    (a, b) => b.remainder - a.remainder || b.pledged - a.pledged || a.farmerId - b.farmerId,
  );
  for (const share of order) {
    if (left === 0) break;
    if (share.quantity < share.pledged) {
      share.quantity += 1;
      left -= 1;
    }
  }
  return shares.map(({ farmerId, quantity }) => ({ farmerId, quantity }));
}
