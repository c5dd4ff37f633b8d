// Everything the union dashboard shows for one set of filters, shaped for the page: the query rows
// plus their roll-ups by product, province, cooperative and week (empty weeks as zero).
import { type Unit } from "~/db/generated/enums";
import { type IsoDate } from "~/calendar/dates";
import { fillWeeks, isoWeek, newestRows, PAGE_ROWS, rate, rollUp, weeksBetween } from "./figures";
import { type MonitoringFilters } from "./filters";
import { memberPayoutRows } from "./member-payouts.server";
import {
  defaultAlertSample,
  filterOptions,
  inclusionRows,
  marketComparisonRows,
  performanceRows,
  priceRows,
  volumeRows,
  weightedPriceRows,
} from "./stats.server";

const UNITS: Unit[] = ["KG", "HEAD", "BUNCH", "TRAY"];

export async function loadDashboard(f: MonitoringFilters) {
  const alertSample = defaultAlertSample();
  const [options, volumes, prices, weightedPrices, performance, inclusion, market, payouts] =
    await Promise.all([
      filterOptions(),
      volumeRows(f),
      priceRows(f),
      weightedPriceRows(f, { sample: alertSample }),
      performanceRows(f),
      inclusionRows(f),
      marketComparisonRows(f),
      memberPayoutRows(f),
    ]);
  const weeks = weeksBetween(f.from, f.to);
  const fields = ["ordered", "delivered"] as const;

  // Units are never added together: each has its own weekly series.
  const weekly = UNITS.filter((unit) => volumes.some((v) => v.unit === unit)).map((unit) => {
    const rows = volumes.filter((v) => v.unit === unit);
    return {
      unit,
      ordered: fillWeeks(f.from, f.to, rows, (r) => r.ordered).map((w) => w.value),
      delivered: fillWeeks(f.from, f.to, rows, (r) => r.delivered).map((w) => w.value),
    };
  });

  // The price chart follows the chosen product, else the one with the most priced lines.
  const lineCounts = rollUp(prices, (r) => String(r.productId), ["lines"]).sort(
    (a, b) => b.lines - a.lines,
  );
  const chartProductId = f.product ?? lineCounts[0]?.productId;
  const chartPrices = prices.filter((p) => p.productId === chartProductId);
  const byWeek = (pick: (r: (typeof chartPrices)[number]) => number | null) =>
    weeks.map((w) => {
      const row = chartPrices.find((p) => p.week === w);
      return row ? pick(row) : null;
    });
  const priceChart = chartPrices[0]
    ? {
        product: chartPrices[0],
        median: byWeek((r) => r.median),
        posted: byWeek((r) => r.posted),
        market: byWeek((r) => r.market),
      }
    : null;

  const inclusionFields = ["allocated", "women", "young"] as const;
  const months = [...new Set(inclusion.map((r) => r.month))].sort();
  const monthly = rollUp(inclusion, (r) => r.month, inclusionFields);
  const withShares = <T extends { allocated: number; women: number; young: number }>(rows: T[]) =>
    rows.map((r) => ({
      ...r,
      womenShare: rate(r.women, r.allocated),
      youngShare: rate(r.young, r.allocated),
    }));

  return {
    filters: f,
    options,
    weekLabels: weeks.map((w: IsoDate) => isoWeek(w)),
    volumes: {
      rows: volumes,
      byProduct: rollUp(volumes, (r) => `${r.unit}:${r.productId}`, fields),
      byProvince: rollUp(volumes, (r) => `${r.unit}:${r.provinceCode}`, fields),
      byCooperative: rollUp(volumes, (r) => `${r.unit}:${r.cooperativeId}`, fields),
      weekly,
    },
    prices: newestRows(prices, PAGE_ROWS),
    weightedPrices: newestRows(weightedPrices, PAGE_ROWS),
    priceChart,
    performance,
    inclusion: {
      byCooperative: withShares(rollUp(inclusion, (r) => String(r.cooperativeId), inclusionFields)),
      byProvince: withShares(rollUp(inclusion, (r) => r.provinceCode, inclusionFields)),
      months,
      monthly: withShares(monthly),
      // Money actually paid to members beside what was allocated (app/monitoring/member-payouts.server.ts).
      paidByCooperative: payouts.map((p) => {
        const cooperative = options.cooperatives.find((c) => c.id === p.cooperativeId);
        const allocated = inclusion
          .filter((r) => r.cooperativeId === p.cooperativeId)
          .reduce((sum, r) => sum + r.allocated, 0);
        return {
          ...p,
          cooperativeKm: cooperative?.nameKm ?? "",
          cooperativeEn: cooperative?.nameEn ?? "",
          allocated,
          paidWomenShare: rate(p.paidWomen, p.paid),
          paidYoungShare: rate(p.paidYoung, p.paid),
        };
      }),
    },
    market: newestRows(market, PAGE_ROWS),
    // Alerts rest on weighted prices with enough sales and cooperatives (decision 033).
    alerts: weightedPrices.filter((r) => r.alert),
    alertSample,
  };
}

export type Dashboard = Awaited<ReturnType<typeof loadDashboard>>;
