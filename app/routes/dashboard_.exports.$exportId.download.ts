// GET /dashboard/exports/<id>/download: the CSV a background export wrote (UTF-8 with BOM).
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { exportCsv } from "~/monitoring/exports.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  const id = Number(params.exportId);
  const row = Number.isInteger(id) && id > 0 ? await exportCsv(id) : null;
  if (!row || row.status !== "DONE" || row.csv === null)
    throw new Response("Not found", { status: 404 });
  return new Response(row.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="phsar-${row.table}-export-${id}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
