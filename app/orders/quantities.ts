// Quantities after ordering: what was packed and what arrived, in thousandths of the product's unit
// (grams for kg), and the amounts they are worth. Pure, so forms and tests share it.
import { type Unit } from "~/db/generated/enums";

export const MILLI = 1000;

/** Goods sold by weight are re-priced for the weight actually packed; the rest are counted. */
export function soldByWeight(unit: Unit) {
  return unit === "KG";
}

/**
 * Reads a quantity as typed ("12.35", "១២,៣", "7") into thousandths of the unit. By-weight units
 * take up to three decimals; counted units only whole numbers. Null when it is not a quantity.
 */
export function parseQuantityMilli(text: string, unit: Unit): number | null {
  const compact = text
    .trim()
    .replace(/[\u17E0-\u17E9]/g, (d) => String(d.charCodeAt(0) - 0x17e0))
    .replace(/,/g, ".");
  const match = /^(\d{1,7})(?:\.(\d{1,3}))?$/.exec(compact);
  if (!match) return null;
  if (match[2] && !soldByWeight(unit) && Number(match[2]) !== 0) return null;
  return Number(match[1]) * MILLI + Number((match[2] ?? "").padEnd(3, "0"));
}

/** Thousandths back to what a person reads and types: "12.35", "7". */
export function formatQuantityMilli(milli: number) {
  const whole = Math.floor(milli / MILLI);
  const fraction = String(milli % MILLI)
    .padStart(3, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * The amount for `milli` thousandths of a unit at `unitPriceMinor`, rounded half up to a whole minor
 * unit. BigInt keeps it exact where price × grams passes 2^53.
 */
export function amountForMilli(unitPriceMinor: number, milli: number) {
  const product = BigInt(unitPriceMinor) * BigInt(milli);
  return Number((product * 2n + BigInt(MILLI)) / (2n * BigInt(MILLI)));
}

export type PackProblem = "orders.packedTooMuch" | "orders.packedNotWhole";

/**
 * What a cooperative may pack for a line: counted goods up to what was ordered; goods sold by weight
 * up to the ordered weight plus the tolerance the buyer accepted at checkout. Less is allowed (the
 * buyer then pays less).
 */
export function checkPacked(
  packedMilli: number,
  line: { quantity: number; unit: Unit },
  weightTolerancePct: number,
): PackProblem | null {
  const orderedMilli = line.quantity * MILLI;
  if (!soldByWeight(line.unit)) {
    if (packedMilli % MILLI !== 0) return "orders.packedNotWhole";
    return packedMilli > orderedMilli ? "orders.packedTooMuch" : null;
  }
  return packedMilli * 100 > orderedMilli * (100 + weightTolerancePct)
    ? "orders.packedTooMuch"
    : null;
}

export type DeliveryProblem = "orders.deliveredMoreThanPacked" | "orders.packedNotWhole";

/** The buyer records what arrived: never more than was packed. */
export function checkDelivered(
  deliveredMilli: number,
  line: { packedMilli: number; unit: Unit },
): DeliveryProblem | null {
  if (!soldByWeight(line.unit) && deliveredMilli % MILLI !== 0) return "orders.packedNotWhole";
  return deliveredMilli > line.packedMilli ? "orders.deliveredMoreThanPacked" : null;
}

/** Tolerances a buyer can accept at checkout for goods sold by weight (percent). */
export const WEIGHT_TOLERANCES = [0, 5, 10, 15] as const;

/** The longest a standing order repeats, in weeks: a year. */
export const MAX_REPEAT_WEEKS = 52;
