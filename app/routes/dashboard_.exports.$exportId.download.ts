// GET /dashboard/exports/<id>/download: the CSV a background export wrote (UTF-8 with BOM).
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { exportCsv } from "~/monitoring/exports.server";
import { dbId } from "~/validation/schemas";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  // An id past int4 (found by the route-wide fuzz) made the query fail: a 500.
  const parsed = dbId.safeParse(params.exportId);
  const id = parsed.success ? parsed.data : null;
  const row = id ? await exportCsv(id) : null;
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
