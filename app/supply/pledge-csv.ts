// Pledges imported from a spreadsheet: "member,quantity" lines read with csv-parse, so a quoted
// name may hold a comma or a line break. Pure: the route and the import module share it.
import { CsvError, parse } from "csv-parse/sync";
import { MAX_QUANTITY } from "./rules";

export type PledgeCsvError = {
  line: number;
  problem:
    | "supply.csvColumns"
    | "supply.csvQuantity"
    | "supply.csvFarmer"
    | "supply.csvDuplicate"
    | "supply.csvFormat";
};

/** What a member left out of the sheet means: keep their pledge, or remove it. */
export const MISSING_MEMBER_RULES = ["keep", "remove"] as const;
export type MissingMemberRule = (typeof MISSING_MEMBER_RULES)[number];

const KHMER_DIGIT = /[\u17E0-\u17E9]/g;

/**
 * Reads "farmer,quantity" lines (a header line is allowed; the farmer is a member id or exact name;
 * comma, semicolon or tab between them). Quantity 0 removes the member's pledge. Every problem is
 * reported with the line it starts on, and nothing is imported unless all lines are good.
 */
export function parsePledgeCsv(
  text: string,
  farmers: readonly { id: number; name: string }[],
): { pledges: { farmerId: number; quantity: number }[]; errors: PledgeCsvError[] } {
  // The line each record ends on, as csv-parse counts them.
  const endLines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [",", ";", "\t"],
      record_delimiter: ["\r\n", "\n", "\r"],
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        endLines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === "number" ? error.lines : 1;
    return { pledges: [], errors: [{ line, problem: "supply.csvFormat" }] };
  }
  const errors: PledgeCsvError[] = [];
  const pledges = new Map<number, number>();
  records.forEach((record, index) => {
    // A quoted line break inside a record makes it start before the line it ends on.
    const breaks = record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    const line = endLines[index]! - breaks;
    const cells = record.map((cell) => cell.normalize("NFC"));
    // A first line whose quantity column holds no digit at all is a header.
    if (index === 0 && cells[1] !== undefined && !/[\d\u17E0-\u17E9]/.test(cells[1])) return;
    if (cells.length !== 2) return void errors.push({ line, problem: "supply.csvColumns" });
    const [who, amount] = cells as [string, string];
    const ascii = amount.replace(KHMER_DIGIT, (d) => String(d.charCodeAt(0) - 0x17e0));
    const quantity = /^\d+$/.test(ascii) ? Number(ascii) : NaN;
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY)
      return void errors.push({ line, problem: "supply.csvQuantity" });
    const farmer = /^\d+$/.test(who)
      ? farmers.find((f) => f.id === Number(who))
      : farmers.find((f) => f.name.normalize("NFC") === who);
    if (!farmer) return void errors.push({ line, problem: "supply.csvFarmer" });
    if (pledges.has(farmer.id)) return void errors.push({ line, problem: "supply.csvDuplicate" });
    pledges.set(farmer.id, quantity);
  });
  return { pledges: [...pledges].map(([farmerId, quantity]) => ({ farmerId, quantity })), errors };
}

/**
 * The pledges to save for an imported sheet: what it lists (0 removes), and, when members left out
 * mean "remove", a 0 for every member who pledged to the date but is not in the sheet.
 */
export function pledgesToSave(
  sheet: { farmerId: number; quantity: number }[],
  pledgedNow: readonly number[],
  missing: MissingMemberRule,
) {
  if (missing === "keep") return sheet;
  const listed = new Set(sheet.map((p) => p.farmerId));
  return [
    ...sheet,
    ...pledgedNow
      .filter((farmerId) => !listed.has(farmerId))
      .map((farmerId) => ({ farmerId, quantity: 0 })),
  ];
}
