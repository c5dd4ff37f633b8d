import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listAuditEvents } from "~/audit/audit.server";
import { requireAdmin } from "~/auth/session.server";
import { nextCursor, pageCursor, PAGE_SIZE } from "~/http/paging";
import { LocalName } from "~/ui/local-name";
import { OlderLink } from "~/ui/older-link";
import { useLanguage } from "~/ui/use-language";
import { formatCambodiaDateTime } from "~/ui/format";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("audit");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const before = pageCursor(request);
  const events = await listAuditEvents({ take: PAGE_SIZE, before });
  return { events, next: nextCursor(events) };
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
      <OlderLink next={next} label={t("audit.older")} />
    </section>
  );
}
