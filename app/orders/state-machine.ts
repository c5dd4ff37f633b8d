// The life of a cooperative's sub-order, in one place. Pure: the UI asks it which buttons to show.
import { type SubOrderStatus } from "~/db/generated/enums";

export const transitions: Record<SubOrderStatus, readonly SubOrderStatus[]> = {
  PLACED: ["CONFIRMED", "CANCELLED"], // payment secured, or cancelled (buyer, unpaid expiry, payment failed)
  CONFIRMED: ["ACCEPTED", "REJECTED", "CANCELLED"],
  ACCEPTED: ["PACKED", "CANCELLED"],
  REJECTED: [],
  PACKED: ["DELIVERED"], // the buyer confirms, or the system after the configured days
  DELIVERED: ["SETTLED"],
  SETTLED: [],
  CANCELLED: [],
};

export function canTransition(from: SubOrderStatus, to: SubOrderStatus) {
  return transitions[from].includes(to);
}

/** States in which the sub-order's reservations are given back to the delivery windows. */
export const releasesReservation: ReadonlySet<SubOrderStatus> = new Set(["REJECTED", "CANCELLED"]);

/** States that still hold goods for the buyer (counted in pick lists and reservations). */
export const liveStatuses: readonly SubOrderStatus[] = [
  "PLACED",
  "CONFIRMED",
  "ACCEPTED",
  "PACKED",
  "DELIVERED",
  "SETTLED",
];

/** Who moves a sub-order: its buyer, its cooperative, or Phsar itself (payments, timers). */
export type Party = "BUYER" | "COOPERATIVE" | "SYSTEM";

const movers: Partial<Record<`${SubOrderStatus}>${SubOrderStatus}`, readonly Party[]>> = {
  "PLACED>CONFIRMED": ["SYSTEM"],
  "PLACED>CANCELLED": ["BUYER", "SYSTEM"],
  "CONFIRMED>ACCEPTED": ["COOPERATIVE"],
  "CONFIRMED>REJECTED": ["COOPERATIVE"],
  "CONFIRMED>CANCELLED": ["BUYER"],
  "ACCEPTED>PACKED": ["COOPERATIVE"],
  "ACCEPTED>CANCELLED": ["BUYER"],
  "PACKED>DELIVERED": ["BUYER", "SYSTEM"],
  "DELIVERED>SETTLED": ["SYSTEM"],
};

/**
 * May `party` move a sub-order from `from` to `to` now? A buyer cancels only before the order
 * cutoff of the sub-order's delivery windows.
 */
export function mayMove(
  party: Party,
  from: SubOrderStatus,
  to: SubOrderStatus,
  { beforeCutoff }: { beforeCutoff: boolean },
) {
  if (!canTransition(from, to)) return false;
  if (!movers[`${from}>${to}`]?.includes(party)) return false;
  if (party === "BUYER" && to === "CANCELLED") return beforeCutoff;
  return true;
}

/** The moves `party` can make from `status`: what the page offers as buttons. */
export function movesFor(party: Party, status: SubOrderStatus, when: { beforeCutoff: boolean }) {
  return transitions[status].filter((to) => mayMove(party, status, to, when));
}
