import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listAuditEvents } from "~/audit/audit.server";
import { requireAdmin } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { formatCambodiaDateTime } from "~/ui/format";
import { dbId } from "~/validation/schemas";

export const meta: MetaFunction = () => [{ title: "កំណត់ហេតុសវនកម្ម Audit log · ផ្សារ Phsar" }];

const QuerySchema = z.object({ before: dbId.optional() });
const PAGE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(query.success, "Bad query", { status: 400 });
  const events = await listAuditEvents({ take: PAGE, before: query.data.before });
  return { events, next: events.length === PAGE ? events[events.length - 1]!.id : null };
}

export default function AuditLog() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { events, next } = useLoaderData<typeof loader>();
  const formatDate = (value: Date | string) => formatCambodiaDateTime(value, lng);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("audit.title")}
      </h1>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full bg-white text-left text-sm shadow-sm">
          <thead>
            <tr className="border-b">
              <th scope="col" className="p-2">
                {t("audit.when")}
              </th>
              <th scope="col" className="p-2">
                {t("audit.who")}
              </th>
              <th scope="col" className="p-2">
                {t("audit.action")}
              </th>
              <th scope="col" className="p-2">
                {t("audit.target")}
              </th>
              <th scope="col" className="p-2">
                {t("audit.from")}
              </th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} className="border-b align-top">
                <td className="p-2 whitespace-nowrap">{formatDate(event.createdAt)}</td>
                <td className="p-2">
                  {event.actor
                    ? `${event.actor.name} (${event.actor.email ?? event.actor.phone})`
                    : "—"}
                </td>
                <td className="p-2 font-mono">{event.action}</td>
                <td className="p-2">
                  {event.organization ? <LocalName item={event.organization} /> : null}
                  {event.details ? (
                    <pre className="whitespace-pre-wrap text-xs">
                      {JSON.stringify(event.details)}
                    </pre>
                  ) : null}
                </td>
                <td className="p-2">{event.ipAddress ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next ? (
        <Link to={`?before=${next}`} className="mt-3 inline-block text-leaf-700 underline">
          {t("audit.older")}
        </Link>
      ) : null}
    </section>
  );
}
