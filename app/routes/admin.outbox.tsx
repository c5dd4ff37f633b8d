import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireAdmin } from "~/auth/session.server";
import { env } from "~/env.server";
import { invariantResponse } from "~/http/responses";
import { listOutbox } from "~/messages/outbox.server";
import { formatCambodiaDateTime } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { dbId } from "~/validation/schemas";

export const meta: MetaFunction = () => [{ title: "ប្រអប់សារចេញ Outbox · ផ្សារ Phsar" }];

const QuerySchema = z.object({ before: dbId.optional() });
const PAGE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(query.success, "Bad query", { status: 400 });
  // The embedded catcher keeps nothing for a person to read: the content is shown here instead.
  const messages = await listOutbox({
    take: PAGE,
    before: query.data.before,
    showContent: !env.SMTP_URL,
  });
  return { messages, next: messages.length === PAGE ? messages[messages.length - 1]!.id : null };
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
      {next ? (
        <Link to={`?before=${next}`} className="mt-4 inline-block text-leaf-800 underline">
          {t("messages.older")}
        </Link>
      ) : null}
    </section>
  );
}
