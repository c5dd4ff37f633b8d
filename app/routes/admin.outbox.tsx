import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAdmin } from "~/auth/session.server";
import { env } from "~/env.server";
import { nextCursor, pageCursor, PAGE_SIZE } from "~/http/paging";
import { listOutbox } from "~/messages/outbox.server";
import { formatCambodiaDateTime } from "~/ui/format";
import { OlderLink } from "~/ui/older-link";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("outbox");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const before = pageCursor(request);
  // The embedded catcher keeps nothing for a person to read: the content is shown here instead.
  const messages = await listOutbox({
    take: PAGE_SIZE,
    before,
    showContent: !env.SMTP_URL,
  });
  return { messages, next: nextCursor(messages) };
}

export default function Outbox() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { messages, next } = useLoaderData<typeof loader>();
  const columns = [
    "when",
    "channel",
    "recipient",
    "kind",
    "status",
    "attempts",
    "lastError",
  ] as const;
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("messages.outbox")}
      </h1>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full bg-white text-left text-sm shadow-sm">
          <thead>
            <tr className="border-b">
              {columns.map((c) => (
                <th key={c} scope="col" className="p-2">
                  {t(`messages.columns.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id} className="border-b align-top">
                <td className="p-2 whitespace-nowrap">
                  {formatCambodiaDateTime(m.createdAt, lng)}
                </td>
                <td className="p-2">{m.channel}</td>
                <td className="p-2">{m.recipient}</td>
                <td className="p-2">
                  {m.kind}
                  {m.content ? (
                    <details>
                      <summary>{m.content.subject}</summary>
                      <pre className="whitespace-pre-wrap break-all">{m.content.text}</pre>
                    </details>
                  ) : null}
                </td>
                <td className="p-2">{m.status}</td>
                <td className="p-2">{m.attempts}</td>
                <td className="p-2 break-all">{m.lastError ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <OlderLink next={next} label={t("messages.older")} />
    </section>
  );
}
