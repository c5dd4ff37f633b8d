// Reading an official market price series from CSV (date, province, commodity, price_khr). Pure, so
// the dashboard's import form and the tests check rows the same way. Nothing is imported unless every
// row is good: errors name the line numbers (the header is line 1).
import { CsvError, parse } from "csv-parse/sync";
import { z } from "zod";
import { isoDate } from "~/validation/schemas";

export const MARKET_CSV_HEADER = ["date", "province", "commodity", "price_khr"] as const;
export const MAX_MARKET_ROWS = 10_000;

export type MarketPriceInput = {
  date: string;
  provinceCode: string | null;
  productId: number;
  priceKhr: number;
};
export type MarketCsvError = { line: number; column: string; message: string };

const khmerDigits = (text: string) =>
  text.replace(/[\u17E0-\u17E9]/g, (d) => String(d.charCodeAt(0) - 0x17e0));

const RowSchema = z.object({
  date: isoDate(),
  province: z.string(),
  commodity: z.string().min(1, "is empty"),
  price_khr: z
    .string()
    .transform((v) => khmerDigits(v).replaceAll(/[\s_]/g, ""))
    .pipe(z.string().regex(/^\d+$/, "must be a whole number of riel"))
    .transform(Number)
    .pipe(z.number().int().positive("must be more than 0").max(100_000_000, "is too large")),
});

const key = (text: string) => text.normalize("NFC").trim().toLowerCase();

export function parseMarketPriceCsv(
  text: string,
  products: readonly { id: number; slug: string; nameEn: string; nameKm: string }[],
  provinces: readonly { code: string; nameEn: string; nameKm: string }[],
): { rows: MarketPriceInput[]; errors: MarketCsvError[] } {
  const productBy = new Map<string, number>();
  for (const p of products)
    for (const name of [p.slug, p.nameEn, p.nameKm]) productBy.set(key(name), p.id);
  const provinceBy = new Map<string, string>();
  for (const p of provinces)
    for (const name of [p.code, p.nameEn, p.nameKm]) provinceBy.set(key(name), p.code);

  // csv-parse reads quoted commas, doubled quotes and line breaks inside quotes; `info.lines` is
  // the line a record ends on, so a record spanning lines is still named by where it is.
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const parsed: unknown[] = parse(text, {
      bom: true,
      relax_column_count: true,
      trim: true,
      info: true,
    });
    // With `info`, csv-parse gives { record, info } for each record (its types do not say so).
    records = parsed as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return {
      rows: [],
      errors: [
        {
          line: typeof error.lines === "number" ? error.lines : 1,
          column: "date",
          message: "is not valid CSV (unclosed quote?)",
        },
      ],
    };
  }
  const header = (records[0]?.record ?? []).map(key);
  const columns = MARKET_CSV_HEADER.map((name) => header.indexOf(name));
  const missing = MARKET_CSV_HEADER.filter((_, i) => columns[i] === -1);
  if (missing.length > 0)
    return {
      rows: [],
      errors: [{ line: 1, column: missing.join(","), message: "missing column" }],
    };

  const rows: MarketPriceInput[] = [];
  const errors: MarketCsvError[] = [];
  records.slice(1).forEach(({ record: cells, info }) => {
    const line = info.lines;
    if (cells.every((cell) => cell === "")) return;
    const record = Object.fromEntries(
      MARKET_CSV_HEADER.map((name, i) => [name, cells[columns[i]!] ?? ""]),
    );
    const parsed = RowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ line, column: String(issue.path[0]), message: issue.message });
      return;
    }
    const productId = productBy.get(key(parsed.data.commodity));
    if (productId === undefined)
      errors.push({
        line,
        column: "commodity",
        message: "is not a product (slug, English or Khmer name)",
      });
    const province = parsed.data.province;
    const provinceCode = province === "" ? null : (provinceBy.get(key(province)) ?? undefined);
    if (provinceCode === undefined)
      errors.push({
        line,
        column: "province",
        message: "is not a province (code or name; empty for national)",
      });
    if (productId !== undefined && provinceCode !== undefined)
      rows.push({
        date: parsed.data.date,
        provinceCode,
        productId,
        priceKhr: parsed.data.price_khr,
      });
  });
  if (rows.length + errors.length === 0)
    errors.push({ line: 2, column: "date", message: "no rows" });
  if (rows.length > MAX_MARKET_ROWS)
    errors.push({
      line: MAX_MARKET_ROWS + 2,
      column: "date",
      message: `more than ${MAX_MARKET_ROWS} rows`,
    });
  return { rows: errors.length > 0 ? [] : rows, errors };
}
