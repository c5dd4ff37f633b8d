// Reading and writing the member list as a spreadsheet (CSV through csv-parse, XLSX through
// exceljs), one row at a time so a whole union's membership never sits in memory as objects.
import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";
import { normalizeText } from "~/search/normalize";
import { looksLikeFormula } from "./farmer-rules";
import { DomainError } from "~/validation/errors";

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export type SheetFormat = "csv" | "xlsx";

/** The columns of the template, the export and the import, in order. */
export const FARMER_COLUMNS = [
  { key: "memberNumber", km: "លេខសមាជិក", en: "Member number", required: true },
  { key: "name", km: "ឈ្មោះ (ខ្មែរ)", en: "Name (Khmer)", required: true },
  { key: "nameLatin", km: "ឈ្មោះ (ឡាតាំង)", en: "Name (Latin)", required: false },
  { key: "gender", km: "ភេទ", en: "Gender", required: true },
  { key: "birthYear", km: "ឆ្នាំកំណើត", en: "Birth year", required: true },
  { key: "phone", km: "ទូរស័ព្ទ", en: "Phone", required: false },
  { key: "district", km: "ស្រុក", en: "District", required: false },
  { key: "commune", km: "ឃុំ", en: "Commune", required: true },
  { key: "village", km: "ភូមិ", en: "Village", required: true },
  { key: "selfHelpGroup", km: "ក្រុមជួយខ្លួនឯង", en: "Self-help group", required: false },
  { key: "joinedOn", km: "ថ្ងៃចូលជាសមាជិក", en: "Date joined", required: false },
  { key: "nationalId", km: "លេខអត្តសញ្ញាណប័ណ្ណ", en: "National ID", required: false },
] as const;

export type ColumnKey = (typeof FARMER_COLUMNS)[number]["key"];

export const headerLabel = (column: (typeof FARMER_COLUMNS)[number]) =>
  `${column.km} / ${column.en}`;

export class SheetError extends DomainError {
  constructor(
    public readonly key:
      | "farmersImport.wrongType"
      | "farmersImport.oldExcel"
      | "farmersImport.tooLarge"
      | "farmersImport.empty"
      | "farmersImport.encoding"
      | "farmersImport.missingColumn"
      | "farmersImport.unknownColumn"
      | "farmersImport.unreadable",
    public readonly line?: number,
    public readonly column?: string,
  ) {
    super(key);
    this.name = "SheetError";
  }
}

/** The file's kind, from its first bytes (the name can lie), or a SheetError. */
export function detectFormat(fileName: string, content: Buffer): SheetFormat {
  if (content.length > MAX_IMPORT_BYTES) throw new SheetError("farmersImport.tooLarge");
  if (content.length === 0) throw new SheetError("farmersImport.empty");
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? "";
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    if (extension && extension !== "xlsx") throw new SheetError("farmersImport.wrongType");
    return "xlsx";
  }
  if (content.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    throw new SheetError("farmersImport.oldExcel");
  if (extension && !["csv", "txt"].includes(extension))
    throw new SheetError("farmersImport.wrongType");
  const head = content.subarray(0, 8192);
  if (head.includes(0)) {
    // UTF-16 text (Excel's "Unicode text") has NUL bytes too: say it is the encoding.
    const bom = head.subarray(0, 2);
    if (bom.equals(Buffer.from([0xff, 0xfe])) || bom.equals(Buffer.from([0xfe, 0xff])))
      throw new SheetError("farmersImport.encoding", 1);
    throw new SheetError("farmersImport.wrongType");
  }
  return "csv";
}

/** The first line that is not UTF-8 (Khmer saved as ANSI, Latin-1, …), or null. */
function firstNonUtf8Line(content: Buffer): number | null {
  if (isUtf8(content)) return null;
  let line = 1;
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    if (!isUtf8(content.subarray(start, end))) return line;
    line++;
    start = end + 1;
  }
  return 1;
}

export type SheetCell = { text: string; formula: boolean; numeric: boolean };
export type SheetRow = { line: number; cells: Partial<Record<ColumnKey, SheetCell>> };
export type SheetHeader = Partial<Record<ColumnKey, string>>; // key → column letter

export function columnLetter(index: number) {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

const aliases = new Map<string, ColumnKey>();
for (const column of FARMER_COLUMNS)
  for (const alias of [column.key, column.km, column.en, headerLabel(column)])
    aliases.set(normalizeText(alias).replace(/\s+/g, " ").trim(), column.key);

/** Maps a header row to column keys; every required column must be there, nothing unknown. */
function readHeader(cells: string[]): { keys: (ColumnKey | null)[]; letters: SheetHeader } {
  const keys: (ColumnKey | null)[] = [];
  const letters: SheetHeader = {};
  cells.forEach((cell, index) => {
    const label = normalizeText(cell).replace(/\s+/g, " ").trim();
    if (!label) {
      keys.push(null);
      return;
    }
    const key = aliases.get(label);
    if (!key || letters[key])
      throw new SheetError("farmersImport.unknownColumn", 1, columnLetter(index));
    keys.push(key);
    letters[key] = columnLetter(index);
  });
  const missing = FARMER_COLUMNS.find((c) => c.required && !letters[c.key]);
  if (missing) throw new SheetError("farmersImport.missingColumn", 1, headerLabel(missing));
  return { keys, letters };
}

function toRow(line: number, keys: (ColumnKey | null)[], cells: SheetCell[]): SheetRow {
  const row: SheetRow = { line, cells: {} };
  cells.forEach((cell, index) => {
    const key = keys[index];
    if (key) row.cells[key] = cell;
  });
  return row;
}

// Fed in slices so the parser waits for the rows to be checked instead of parsing the whole file
// into its buffer at once.
function* slices(content: Buffer, size = 64 * 1024) {
  for (let start = 0; start < content.length; start += size)
    yield content.subarray(start, start + size);
}

async function* csvRows(content: Buffer) {
  const bad = firstNonUtf8Line(content);
  if (bad !== null) throw new SheetError("farmersImport.encoding", bad);
  const parser = Readable.from(slices(content)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }),
  );
  try {
    for await (const record of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      // `info.lines` is the line the record ends on; a quoted line break makes a record span lines.
      yield { line: record.info.lines, cells: record.record };
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new SheetError("farmersImport.unreadable", typeof line === "number" ? line : undefined);
  }
}

function cellOf(value: ExcelJS.CellValue): SheetCell {
  if (value === null || value === undefined) return { text: "", formula: false, numeric: false };
  if (value instanceof Date)
    return { text: value.toISOString().slice(0, 10), formula: false, numeric: false };
  if (typeof value === "number") return { text: String(value), formula: false, numeric: true };
  if (typeof value === "string" || typeof value === "boolean")
    return { text: String(value), formula: false, numeric: false };
  if ("formula" in value || "sharedFormula" in value)
    return { text: "", formula: true, numeric: false };
  if ("richText" in value)
    return { text: value.richText.map((r) => r.text).join(""), formula: false, numeric: false };
  if ("text" in value) return { text: String(value.text), formula: false, numeric: false };
  return { text: "", formula: false, numeric: false };
}

async function* xlsxRows(content: Buffer) {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(slices(content)), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache", // dates are numbers with a date style
    hyperlinks: "ignore",
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const cells: SheetCell[] = [];
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          cells[column - 1] = cellOf(cell.value);
        });
        for (let i = 0; i < cells.length; i++)
          cells[i] ??= { text: "", formula: false, numeric: false };
        yield { line: row.number, cells };
      }
      return; // the first sheet is the member list
    }
  } catch (error) {
    if (error instanceof SheetError) throw error;
    throw new SheetError("farmersImport.unreadable");
  }
}

/** The data rows of an uploaded member list, each with its line (row) number and cells by column. */
export async function* readFarmerSheet(
  content: Buffer,
  format: SheetFormat,
  onHeader: (letters: SheetHeader) => void,
): AsyncGenerator<SheetRow> {
  let keys: (ColumnKey | null)[] | null = null;
  const source =
    format === "csv"
      ? (async function* () {
          for await (const { line, cells } of csvRows(content))
            yield {
              line,
              cells: cells.map((text) => ({
                text,
                formula: looksLikeFormula(text),
                numeric: false,
              })),
            };
        })()
      : xlsxRows(content);
  for await (const { line, cells } of source) {
    if (cells.every((c) => !c.text && !c.formula)) continue;
    if (!keys) {
      const header = readHeader(cells.map((c) => c.text));
      keys = header.keys;
      onHeader(header.letters);
      continue;
    }
    yield toRow(line, keys, cells);
  }
  if (!keys) throw new SheetError("farmersImport.empty");
}

const csvCell = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/** The CSV header line (UTF-8 with a BOM, so Excel shows Khmer). */
export const csvHeader = () =>
  `\uFEFF${FARMER_COLUMNS.map((c) => csvCell(headerLabel(c))).join(",")}\r\n`;
export const csvLine = (row: string[]) => `${row.map(csvCell).join(",")}\r\n`;

/** An XLSX workbook with one sheet: the header and the rows. */
export async function xlsxBuffer(rows: Iterable<string[]>) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Members");
  sheet.addRow(FARMER_COLUMNS.map(headerLabel));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => {
    column.width = 22;
  });
  for (const row of rows) sheet.addRow(row);
  // Every cell is text, so Excel keeps a phone's leading 0 and a member number like 0012.
  sheet.eachRow((row) =>
    row.eachCell((cell) => {
      cell.numFmt = "@";
    }),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
