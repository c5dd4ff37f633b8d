// The union's monitoring dashboard (issue #8). Filters are a GET form, so they live in the URL and
// work without JavaScript; the figures come from app/monitoring/. Monitors import market prices here.
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requirePermission } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { Chart } from "~/monitoring/charts";
import { loadDashboard } from "~/monitoring/dashboard.server";
import { alertPercent } from "~/monitoring/figures";
import { parseMonitoringParams, toMonitoringSearch } from "~/monitoring/filters";
import { importMarketPrices } from "~/monitoring/market-prices.server";
import { STAT_TABLES, type StatTable } from "~/monitoring/tables.server";
import { requestExport } from "~/monitoring/exports.server";
import { share } from "~/organizations/inclusion";
import { membershipByProvince } from "~/organizations/organizations.server";
import { formatNumber, formatPercent, formatRiel } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("dashboard");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  const parsed = parseMonitoringParams(new URL(request.url).searchParams);
  // A bad filter shows the default view with the problem named, rather than an error page.
  const filters = parsed.ok
    ? parsed.value
    : (parseMonitoringParams(new URLSearchParams()) as { ok: true; value: never }).value;
  const [dashboard, provinces] = await Promise.all([
    loadDashboard(filters),
    membershipByProvince(),
  ]);
  return {
    ...dashboard,
    problem: parsed.ok ? null : parsed.problem,
    search: toMonitoringSearch(filters),
    provinces,
  };
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("import-market-prices"), csv: z.string().min(1).max(2_000_000) }),
  z.object({ intent: z.literal("export"), table: z.enum(STAT_TABLES) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "view:dashboard:any");
  const parsed = ActionSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success)
    return Response.json(
      { imported: 0, errors: [{ line: 0, column: "csv", message: "is empty" }] },
      { status: 400 },
    );
  if (parsed.data.intent === "export") {
    const filters = parseMonitoringParams(new URL(request.url).searchParams);
    if (!filters.ok) return Response.json({ error: filters.problem }, { status: 400 });
    const id = await requestExport(parsed.data.table, filters.value, user.id);
    return redirect(`/dashboard/exports/${id}`);
  }
  const result = await importMarketPrices(parsed.data.csv, user.id);
  return Response.json(result, { status: result.errors.length > 0 ? 400 : 200 });
}

type ImportResult = {
  imported: number;
  errors: { line: number; column: string; message: string }[];
};

type VolumeView = Record<
  "productKm" | "productEn" | "provinceKm" | "provinceEn" | "cooperativeKm" | "cooperativeEn",
  string
>;
type InclusionView = Omit<VolumeView, "productKm" | "productEn">;

const cell = "p-2 text-right tabular-nums";

function Section({
  id,
  title,
  table,
  search,
  children,
}: {
  id: string;
  title: string;
  table?: StatTable;
  search: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={id} className="mt-8">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="text-2xl font-bold text-leaf-800">
          {title}
        </h2>
        {table ? (
          <a
            href={`/dashboard/export/${table}.csv?${search}`}
            className="text-leaf-800 underline"
            download
          >
            {t("dashboard.export")} <span className="sr-only">({title})</span>
          </a>
        ) : null}
        {table ? (
          // Large ranges: the job queue writes the CSV and a status page shows its progress.
          <Form method="post" action={`/dashboard?${search}`}>
            <input type="hidden" name="intent" value="export" />
            <input type="hidden" name="table" value={table} />
            <button type="submit" className="text-sm text-leaf-800 underline">
              {t("dashboard.exports.prepare")} <span className="sr-only">({title})</span>
            </button>
          </Form>
        ) : null}
      </div>
      {children}
    </section>
  );
}

function Table({
  caption,
  head,
  rows,
  total = rows.length,
}: {
  caption: string;
  head: { label: string; numeric?: boolean }[];
  rows: { key: string; cells: ReactNode[] }[];
  /** All rows of the figure when the page shows only the newest (the CSV has them all). */
  total?: number;
}) {
  const { t } = useTranslation();
  return (
    <>
      {/* A wide table scrolls on its own; focusable so keyboard users can scroll it too. */}
      <div className="mt-3 overflow-x-auto" role="region" aria-label={caption} tabIndex={0}>
        <table className="w-full rounded-lg bg-white text-left shadow-sm">
          <caption className="p-2 text-left font-semibold">{caption}</caption>
          <thead>
            <tr className="border-b">
              {head.map((h) => (
                <th key={h.label} scope="col" className={h.numeric ? cell : "p-2"}>
                  {h.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={head.length} className="p-2 text-stone-600">
                  {t("dashboard.noData")}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.key} className="border-b last:border-0">
                  {row.cells.map((c, i) =>
                    i === 0 ? (
                      <th key={i} scope="row" className="p-2 font-normal">
                        {c}
                      </th>
                    ) : (
                      <td key={i} className={head[i]?.numeric ? cell : "p-2"}>
                        {c}
                      </td>
                    ),
                  )}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {total > rows.length ? (
        <p className="mt-1 text-sm text-stone-700">
          {t("dashboard.newestRows", { shown: rows.length, total })}
        </p>
      ) : null}
    </>
  );
}

const inputClass = "mt-1 block w-full rounded border border-stone-400 bg-white p-2";

/** One filter of the GET form: "all" first, the current value selected. */
function FilterSelect({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | number | undefined;
  options: { value: string | number; label: string }[];
}) {
  const { t } = useTranslation();
  return (
    <div>
      <label htmlFor={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">{t("dashboard.filters.all")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function Dashboard() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ImportResult>();
  const navigation = useNavigation();
  const { filters, options, volumes, search } = data;
  const n = (v: number) => formatNumber(Math.round(v * 1000) / 1000, lng);
  const riel = (v: number | null) => (v === null ? "–" : formatRiel(v, lng));
  const pct = (v: number | null) => formatPercent(v, lng);
  const unit = (u: string) => t(`unit.${u}`);
  const name = (km: string, en: string) => <LocalName item={{ nameKm: km, nameEn: en }} />;

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title" className="text-3xl font-bold text-leaf-800">
        {t("dashboard.title")}
      </h1>
      <p className="mb-4 text-stone-700">{t("dashboard.intro")}</p>

      <Form method="get" className="rounded-lg bg-white p-4 shadow-sm">
        <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <legend className="mb-2 text-lg font-semibold">{t("dashboard.filters.legend")}</legend>
          <div>
            <label htmlFor="filter-from">{t("dashboard.filters.from")}</label>
            <input
              type="date"
              id="filter-from"
              name="from"
              defaultValue={filters.from}
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="filter-to">{t("dashboard.filters.to")}</label>
            <input
              type="date"
              id="filter-to"
              name="to"
              defaultValue={filters.to}
              className={inputClass}
            />
          </div>
          <FilterSelect
            name="product"
            label={t("dashboard.filters.product")}
            value={filters.product}
            options={options.products.map((p) => ({
              value: p.id,
              label: lng === "km" ? `${p.nameKm} · ${p.nameEn}` : `${p.nameEn} · ${p.nameKm}`,
            }))}
          />
          <FilterSelect
            name="province"
            label={t("dashboard.filters.province")}
            value={filters.province}
            options={options.provinces.map((p) => ({
              value: p.code,
              label: lng === "km" ? p.nameKm : p.nameEn,
            }))}
          />
          <FilterSelect
            name="cooperative"
            label={t("dashboard.filters.cooperative")}
            value={filters.cooperative}
            options={options.cooperatives.map((c) => ({
              value: c.id,
              label: lng === "km" ? c.nameKm : c.nameEn,
            }))}
          />
          <div>
            <label htmlFor="filter-below">{t("dashboard.filters.below")}</label>
            <input
              type="number"
              id="filter-below"
              name="below"
              min={0}
              max={100}
              step="any"
              defaultValue={filters.below}
              className={inputClass}
            />
          </div>
        </fieldset>
        <button
          type="submit"
          className="mt-3 rounded bg-leaf-700 px-4 py-2 font-semibold text-white hover:bg-leaf-800"
        >
          {t("dashboard.filters.apply")}
        </button>
        {data.problem ? (
          <p role="alert" className="mt-2 text-red-800">
            {t("dashboard.filters.invalid", data.problem)}
          </p>
        ) : null}
      </Form>

      <Section id="volumes" title={t("dashboard.volumes.title")} table="volumes" search={search}>
        <div className="mt-3 grid gap-4 lg:grid-cols-2">
          {volumes.weekly.map((w) => (
            <Chart
              key={w.unit}
              kind="bar"
              title={t("dashboard.volumes.chartTitle", { unit: unit(w.unit) })}
              description={t("dashboard.volumes.chartDescription", {
                unit: unit(w.unit),
                from: data.weekLabels[0],
                to: data.weekLabels.at(-1),
              })}
              labels={data.weekLabels}
              series={[
                { name: t("dashboard.volumes.ordered"), values: w.ordered, color: "#a8a29e" },
                { name: t("dashboard.volumes.delivered"), values: w.delivered, color: "#166534" },
              ]}
              format={n}
              tableCaption={t("dashboard.week")}
            />
          ))}
        </div>
        {(
          [
            ["byProduct", volumes.byProduct, (r: VolumeView) => name(r.productKm, r.productEn)],
            ["byProvince", volumes.byProvince, (r: VolumeView) => name(r.provinceKm, r.provinceEn)],
            [
              "byCooperative",
              volumes.byCooperative,
              (r: VolumeView) => name(r.cooperativeKm, r.cooperativeEn),
            ],
          ] as const
        ).map(([key, rows, label]) => (
          <Table
            key={key}
            caption={t(`dashboard.volumes.${key}`)}
            head={[
              {
                label: t(
                  `dashboard.${key === "byProduct" ? "product" : key === "byProvince" ? "province" : "cooperative"}`,
                ),
              },
              { label: t("dashboard.unit") },
              { label: t("dashboard.volumes.ordered"), numeric: true },
              { label: t("dashboard.volumes.delivered"), numeric: true },
            ]}
            rows={rows.map((r) => ({
              key: `${r.unit}:${r.productId}:${r.provinceCode}:${r.cooperativeId}`,
              cells: [label(r), unit(r.unit), n(r.ordered), n(r.delivered)],
            }))}
          />
        ))}
      </Section>

      <Section id="prices" title={t("dashboard.prices.title")} table="prices" search={search}>
        <p className="text-sm text-stone-700">{t("dashboard.prices.help")}</p>
        {data.priceChart ? (
          <div className="mt-3 lg:w-1/2">
            <Chart
              kind="line"
              title={t("dashboard.prices.chartTitle", {
                product:
                  lng === "km"
                    ? data.priceChart.product.productKm
                    : data.priceChart.product.productEn,
              })}
              description={t("dashboard.prices.chartDescription")}
              labels={data.weekLabels}
              series={[
                {
                  name: t("dashboard.prices.median"),
                  values: data.priceChart.median,
                  color: "#166534",
                },
                {
                  name: t("dashboard.prices.posted"),
                  values: data.priceChart.posted,
                  color: "#b45309",
                  dashed: true,
                },
                {
                  name: t("dashboard.prices.market"),
                  values: data.priceChart.market,
                  color: "#1d4ed8",
                  dashed: true,
                },
              ]}
              format={(v) => formatNumber(Math.round(v), lng)}
              tableCaption={t("dashboard.week")}
            />
          </div>
        ) : null}
        <Table
          caption={t("dashboard.prices.title")}
          head={[
            { label: t("dashboard.product") },
            { label: t("dashboard.week") },
            { label: t("dashboard.prices.lines"), numeric: true },
            { label: t("dashboard.prices.min"), numeric: true },
            { label: t("dashboard.prices.median"), numeric: true },
            { label: t("dashboard.prices.max"), numeric: true },
            { label: t("dashboard.prices.posted"), numeric: true },
            { label: t("dashboard.prices.market"), numeric: true },
          ]}
          total={data.prices.total}
          rows={data.prices.rows.map((r) => ({
            key: `${r.productId}:${r.week}`,
            cells: [
              <>
                {name(r.productKm, r.productEn)}{" "}
                <span className="text-stone-600">/ {unit(r.unit)}</span>
              </>,
              r.week,
              n(r.lines),
              riel(r.min),
              riel(r.median),
              riel(r.max),
              riel(r.posted),
              riel(r.market),
            ],
          }))}
        />
      </Section>

      <Section
        id="weighted-prices"
        title={t("dashboard.weighted.title")}
        table="weighted-prices"
        search={search}
      >
        <p className="text-sm text-stone-700">{t("dashboard.weighted.help")}</p>
        <Table
          caption={t("dashboard.weighted.title")}
          head={[
            { label: t("dashboard.product") },
            { label: t("dashboard.week") },
            { label: t("dashboard.weighted.grade") },
            { label: t("dashboard.weighted.certification") },
            { label: t("dashboard.weighted.sales"), numeric: true },
            { label: t("dashboard.weighted.cooperatives"), numeric: true },
            { label: t("dashboard.weighted.quantity"), numeric: true },
            { label: t("dashboard.weighted.q1"), numeric: true },
            { label: t("dashboard.weighted.median"), numeric: true },
            { label: t("dashboard.weighted.q3"), numeric: true },
            { label: t("dashboard.weighted.iqr"), numeric: true },
            { label: t("dashboard.weighted.market"), numeric: true },
          ]}
          total={data.weightedPrices.total}
          rows={data.weightedPrices.rows.map((r) => ({
            key: `${r.productId}:${r.week}:${r.grade}:${r.certification}`,
            cells: [
              <>
                {name(r.productKm, r.productEn)}{" "}
                <span className="text-stone-600">/ {unit(r.unit)}</span>
              </>,
              r.week,
              t("supply.gradeLabel", { grade: r.grade }),
              t(`supply.certifications.${r.certification}`),
              n(r.sales),
              n(r.cooperatives),
              n(r.quantity),
              riel(r.q1),
              riel(r.median),
              riel(r.q3),
              riel(r.iqr),
              riel(r.market),
            ],
          }))}
        />
      </Section>

      <Section
        id="performance"
        title={t("dashboard.performance.title")}
        table="performance"
        search={search}
      >
        <p className="text-sm text-stone-700">{t("dashboard.performance.help")}</p>
        <Table
          caption={t("dashboard.performance.title")}
          head={[
            { label: t("dashboard.cooperative") },
            { label: t("dashboard.performance.subOrders"), numeric: true },
            { label: t("dashboard.performance.acceptance"), numeric: true },
            { label: t("dashboard.performance.fill"), numeric: true },
            { label: t("dashboard.performance.onTime"), numeric: true },
          ]}
          rows={data.performance.map((r) => ({
            key: String(r.cooperativeId),
            cells: [
              name(r.cooperativeKm, r.cooperativeEn),
              n(r.subOrders),
              pct(r.acceptanceRate),
              pct(r.fillRate),
              pct(r.onTimeRate),
            ],
          }))}
        />
      </Section>

      <Section
        id="inclusion"
        title={t("dashboard.inclusion.title")}
        table="inclusion"
        search={search}
      >
        <p className="text-sm text-stone-700">{t("dashboard.inclusion.help")}</p>
        {data.inclusion.monthly.length > 0 ? (
          <div className="mt-3 lg:w-1/2">
            <Chart
              kind="line"
              title={t("dashboard.inclusion.chartTitle")}
              description={t("dashboard.inclusion.chartDescription")}
              labels={data.inclusion.monthly.map((m) => m.month.slice(0, 7))}
              series={[
                {
                  name: t("dashboard.inclusion.womenShare"),
                  values: data.inclusion.monthly.map((m) => (m.womenShare ?? 0) * 100),
                  color: "#9d174d",
                },
                {
                  name: t("dashboard.inclusion.youngShare"),
                  values: data.inclusion.monthly.map((m) => (m.youngShare ?? 0) * 100),
                  color: "#1d4ed8",
                  dashed: true,
                },
              ]}
              format={(v) => `${Math.round(v)}%`}
              tableCaption={t("dashboard.month")}
            />
          </div>
        ) : null}
        {(
          [
            [
              "byCooperative",
              data.inclusion.byCooperative,
              (r: InclusionView) => name(r.cooperativeKm, r.cooperativeEn),
            ],
            [
              "byProvince",
              data.inclusion.byProvince,
              (r: InclusionView) => name(r.provinceKm, r.provinceEn),
            ],
          ] as const
        ).map(([key, rows, label]) => (
          <Table
            key={key}
            caption={t(`dashboard.inclusion.${key}`)}
            head={[
              { label: t(key === "byProvince" ? "dashboard.province" : "dashboard.cooperative") },
              { label: t("dashboard.inclusion.allocated"), numeric: true },
              { label: t("dashboard.inclusion.womenShare"), numeric: true },
              { label: t("dashboard.inclusion.youngShare"), numeric: true },
            ]}
            rows={rows.map((r) => ({
              key: key === "byProvince" ? r.provinceCode : String(r.cooperativeId),
              cells: [label(r), riel(r.allocated), pct(r.womenShare), pct(r.youngShare)],
            }))}
          />
        ))}
        <Table
          caption={t("dashboard.inclusion.paidTitle")}
          head={[
            { label: t("dashboard.cooperative") },
            { label: t("dashboard.inclusion.allocated"), numeric: true },
            { label: t("dashboard.inclusion.paid"), numeric: true },
            { label: t("dashboard.inclusion.paidWomen"), numeric: true },
            { label: t("dashboard.inclusion.paidYoung"), numeric: true },
            { label: t("dashboard.inclusion.medianDays"), numeric: true },
          ]}
          rows={data.inclusion.paidByCooperative.map((r) => ({
            key: String(r.cooperativeId),
            cells: [
              name(r.cooperativeKm, r.cooperativeEn),
              riel(r.allocated),
              riel(r.paid),
              pct(r.paidWomenShare),
              pct(r.paidYoungShare),
              r.medianDays === null ? "—" : formatNumber(r.medianDays, lng),
            ],
          }))}
        />
      </Section>

      <Section id="market" title={t("dashboard.market.title")} table="market" search={search}>
        <h3 className="mt-3 text-xl font-semibold">
          {t("dashboard.market.alerts", { below: filters.below })}
        </h3>
        <p className="text-sm text-stone-700">
          {t("dashboard.market.alertRule", {
            sales: formatNumber(data.alertSample.minSales, lng),
            cooperatives: formatNumber(data.alertSample.minCooperatives, lng),
          })}
        </p>
        {data.alerts.length === 0 ? (
          <p className="text-stone-700">
            {t("dashboard.market.noAlerts", { below: filters.below })}
          </p>
        ) : (
          <>
            <ul className="mt-2 list-disc pl-6">
              {data.alerts.map((a) => (
                <li key={`${a.week}:${a.productId}:${a.grade}:${a.certification}`}>
                  {a.week} · {name(a.productKm, a.productEn)} ·{" "}
                  {t("supply.gradeLabel", { grade: a.grade })} ·{" "}
                  {t(`supply.certifications.${a.certification}`)}: {riel(a.median)} /{" "}
                  {riel(a.market)} (−{formatNumber(alertPercent(a.median, a.market ?? 0), lng)}%) ·{" "}
                  {t("dashboard.market.alertSample", {
                    sales: formatNumber(a.sales, lng),
                    cooperatives: formatNumber(a.cooperatives, lng),
                  })}
                </li>
              ))}
            </ul>
            <a
              href={`/dashboard/export/alerts.csv?${search}`}
              className="text-leaf-800 underline"
              download
            >
              {t("dashboard.export")}{" "}
              <span className="sr-only">
                ({t("dashboard.market.alerts", { below: filters.below })})
              </span>
            </a>
          </>
        )}
        <Table
          caption={t("dashboard.market.comparison")}
          head={[
            { label: t("dashboard.cooperative") },
            { label: t("dashboard.week") },
            { label: t("dashboard.product") },
            { label: t("dashboard.market.median"), numeric: true },
            { label: t("dashboard.market.market"), numeric: true },
            { label: t("dashboard.market.percentBelow"), numeric: true },
          ]}
          total={data.market.total}
          rows={data.market.rows.map((r) => ({
            key: `${r.week}:${r.cooperativeId}:${r.productId}`,
            cells: [
              name(r.cooperativeKm, r.cooperativeEn),
              r.week,
              name(r.productKm, r.productEn),
              riel(r.median),
              riel(r.market),
              `${formatNumber(Math.round(r.percentBelow * 10) / 10, lng)}%`,
            ],
          }))}
        />

        <Form method="post" className="mt-6 rounded-lg bg-white p-4 shadow-sm">
          <h3 className="text-xl font-semibold">{t("dashboard.market.importTitle")}</h3>
          <p id="market-csv-help" className="text-sm text-stone-700">
            {t("dashboard.market.importHelp")}
          </p>
          <input type="hidden" name="intent" value="import-market-prices" />
          <label htmlFor="market-csv" className="mt-2 block font-semibold">
            {t("dashboard.market.csv")}
          </label>
          <textarea
            id="market-csv"
            name="csv"
            required
            rows={6}
            aria-describedby={`market-csv-help${result?.errors.length ? " market-csv-errors" : ""}`}
            aria-invalid={result?.errors.length ? true : undefined}
            placeholder="date,province,commodity,price_khr"
            className={`${inputClass} font-mono text-sm`}
          />
          <button
            type="submit"
            disabled={navigation.state === "submitting"}
            className="mt-3 rounded bg-leaf-700 px-4 py-2 font-semibold text-white hover:bg-leaf-800"
          >
            {t("dashboard.market.import")}
          </button>
          {result && result.errors.length === 0 ? (
            <p role="status" className="mt-2 text-leaf-800">
              {t("dashboard.market.imported", { count: result.imported })}
            </p>
          ) : null}
          {result && result.errors.length > 0 ? (
            <div id="market-csv-errors" role="alert" className="mt-2 text-red-800">
              <p>{t("dashboard.market.errors")}</p>
              <ul className="list-disc pl-6">
                {result.errors.map((e, i) => (
                  <li key={i}>{t("dashboard.market.errorLine", e)}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </Form>
      </Section>

      <Section id="membership" title={t("dashboard.membership")} search={search}>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full rounded-lg bg-white text-left shadow-sm">
            <thead>
              <tr className="border-b">
                <th scope="col" className="p-2">
                  {t("dashboard.province")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("dashboard.cooperatives")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("dashboard.farmers")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("dashboard.women")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("dashboard.young")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.provinces.map((p) => (
                <tr key={p.code} className="border-b last:border-0">
                  <th scope="row" className="p-2 font-normal">
                    <LocalName item={p} />
                  </th>
                  <td className="p-2 text-right">{formatNumber(p.cooperatives, lng)}</td>
                  <td className="p-2 text-right">{formatNumber(p.farmers, lng)}</td>
                  <td className="p-2 text-right">
                    {formatPercent(share(p.women, p.farmers), lng)}
                  </td>
                  <td className="p-2 text-right">
                    {formatPercent(share(p.young, p.farmers), lng)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </section>
  );
}
