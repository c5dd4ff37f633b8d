// One row per figure, for the table `npm run bench` prints and bench/results/latest.json.
export type BenchRow = {
  /** What was measured, e.g. "orders: placeOrder, 50-way contention". */
  name: string;
  figure: number | null;
  unit: string;
  /** The same quantity for the reference it is compared with in the same run (raw SQL, …). */
  baseline?: number | null;
  /** figure / baseline. */
  ratio?: number | null;
  /** "error: …" when the part failed, or a short remark. */
  note?: string;
};

export function row(
  name: string,
  figure: number,
  unit: string,
  baseline?: number,
  note?: string,
): BenchRow {
  return {
    name,
    figure,
    unit,
    baseline: baseline ?? null,
    ratio: baseline ? figure / baseline : null,
    ...(note ? { note } : {}),
  };
}

export function percentile(values: number[], p: number) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs one part of the bench; a failure becomes an "error: …" row instead of ending the run. */
export async function softly(part: string, run: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const started = Date.now();
  try {
    const rows = await run();
    console.log(`[bench] ${part}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return rows;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`[bench] ${part}: failed: ${message}`);
    return [{ name: part, figure: null, unit: "", note: `error: ${message.split("\n")[0]}` }];
  }
}

const format = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value)
    ? "–"
    : value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

export function renderTable(rows: BenchRow[]) {
  const cells = rows.map((r) => [
    r.name,
    format(r.figure),
    r.unit,
    format(r.baseline),
    r.ratio === null || r.ratio === undefined ? "–" : `${format(r.ratio, 2)}×`,
    r.note ?? "",
  ]);
  const header = ["name", "figure", "unit", "baseline", "ratio", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i === 1 || i === 3 || i === 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 1 || i === 3 || i === 4 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`,
    ...cells.map(line),
  ].join("\n");
}
