// GET /api/v1/stats/<table>: a monitoring table as JSON, for monitors and admins (README, "Stats
// API"). Bad parameters answer 400 naming the parameter.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { parseMonitoringParams } from "~/monitoring/filters";
import { isStatTable, STAT_TABLES, statRows } from "~/monitoring/tables.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  const table = params.table ?? "";
  if (!isStatTable(table))
    return Response.json(
      { error: { parameter: "table", message: `must be one of ${STAT_TABLES.join(", ")}` } },
      { status: 404 },
    );
  const parsed = parseMonitoringParams(new URL(request.url).searchParams);
  if (!parsed.ok) return Response.json({ error: parsed.problem }, { status: 400 });
  return Response.json({ table, filters: parsed.value, rows: await statRows(table, parsed.value) });
}
