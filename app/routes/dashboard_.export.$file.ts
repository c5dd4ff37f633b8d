// GET /dashboard/export/<table>.csv: a dashboard table as CSV (UTF-8 with BOM), same filters as the
// page. Thin: see app/monitoring/tables.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { parseMonitoringParams } from "~/monitoring/filters";
import { isStatTable, statCsv } from "~/monitoring/tables.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  const table = (params.file ?? "").replace(/\.csv$/, "");
  if (!isStatTable(table)) throw new Response("Not found", { status: 404 });
  const parsed = parseMonitoringParams(new URL(request.url).searchParams);
  if (!parsed.ok)
    return new Response(`${parsed.problem.parameter}: ${parsed.problem.message}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  const { from, to } = parsed.value;
  return new Response(await statCsv(table, parsed.value), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="phsar-${table}-${from}-${to}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
