// GET /dashboard/exports/<id>: the progress of a background export, refreshing itself every two
// seconds (a meta refresh: no JavaScript needed) until the CSV is ready.
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { exportStatus } from "~/monitoring/exports.server";
import { dbId } from "~/validation/schemas";
import { pageTitle } from "~/ui/page-title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(matches, "export") },
  ...(data && (data.status === "QUEUED" || data.status === "RUNNING")
    ? [{ httpEquiv: "refresh", content: "2" }]
    : []),
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  const id = dbId.safeParse(params.exportId);
  const status = id.success ? await exportStatus(id.data) : null;
  if (!status) throw new Response("Not found", { status: 404 });
  return status;
}

export default function ExportStatus() {
  const { t } = useTranslation();
  const e = useLoaderData<typeof loader>();
  const total = e.rowsTotal ?? 0;
  return (
    <section aria-labelledby="export-title" className="max-w-xl">
      <h1 id="export-title" className="text-3xl font-bold text-leaf-800">
        {t("dashboard.exports.title", { table: e.table })}
      </h1>
      <p role="status" className="mt-3">
        {t(`dashboard.exports.status.${e.status}`)}{" "}
        {e.rowsTotal !== null ? t("dashboard.exports.progress", { done: e.rowsDone, total }) : null}
      </p>
      <progress
        className="mt-2 w-full"
        aria-label={t("dashboard.exports.title", { table: e.table })}
        max={Math.max(total, 1)}
        value={e.status === "DONE" ? Math.max(total, 1) : e.rowsDone}
      />
      {e.status === "DONE" ? (
        <p className="mt-3">
          <a
            href={`/dashboard/exports/${e.id}/download`}
            className="text-leaf-800 underline"
            download
          >
            {t("dashboard.exports.download")}
          </a>
        </p>
      ) : null}
      <p className="mt-6">
        <Link to={`/dashboard?${e.search}`} className="text-leaf-800 underline">
          {t("dashboard.exports.back")}
        </Link>
      </p>
    </section>
  );
}
