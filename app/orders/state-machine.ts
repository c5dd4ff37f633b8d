// The life of a cooperative's sub-order, in one place. Pure: the UI asks it which buttons to show.
import { type SubOrderStatus } from "~/db/generated/enums";

export const transitions: Record<SubOrderStatus, readonly SubOrderStatus[]> = {
  PLACED: ["CONFIRMED", "CANCELLED"], // payment secured, or the buyer cancels before the cutoff
  CONFIRMED: ["ACCEPTED", "REJECTED", "CANCELLED"],
  ACCEPTED: ["PACKED", "CANCELLED"],
  REJECTED: [],
  PACKED: ["DELIVERED"],
  DELIVERED: ["SETTLED"],
  SETTLED: [],
  CANCELLED: [],
};

export function canTransition(from: SubOrderStatus, to: SubOrderStatus) {
  return transitions[from].includes(to);
}

/** States in which the sub-order's reservations are given back to the delivery windows. */
export const releasesReservation: ReadonlySet<SubOrderStatus> = new Set(["REJECTED", "CANCELLED"]);
