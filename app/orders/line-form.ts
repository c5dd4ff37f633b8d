// Reads per-line quantities from the packing and delivery forms (fields `q-<lineId>`).
import { z } from "zod";
import { type Unit } from "~/db/generated/enums";
import { parseQuantityMilli } from "./quantities";

const LineFields = z.record(z.string().regex(/^q-\d{1,10}$/), z.string().max(20));

/**
 * The quantity typed for each line, in thousandths of the unit, or the problems beside the lines
 * whose text is not a quantity (keyed by line id).
 */
export function readLineQuantities(
  formData: FormData,
  lines: { id: number; listing: { product: { unit: Unit } } }[],
) {
  const fields = LineFields.safeParse(
    Object.fromEntries(
      [...formData].filter(([key, value]) => key.startsWith("q-") && typeof value === "string"),
    ),
  );
  const given = fields.success ? fields.data : {};
  const problems: Record<string, string> = {};
  const quantities: { lineId: number; milli: number }[] = [];
  for (const line of lines) {
    const milli = parseQuantityMilli(given[`q-${line.id}`] ?? "", line.listing.product.unit);
    if (milli === null) problems[String(line.id)] = "orders.quantityFormat";
    else quantities.push({ lineId: line.id, milli });
  }
  return Object.keys(problems).length
    ? { ok: false as const, problems }
    : { ok: true as const, quantities };
}
