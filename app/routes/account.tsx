import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listSessions, revokeAllSessions, revokeSession } from "~/auth/accounts.server";
import { currentSessionId, requireUser, sessionCookie } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { StatusMessage } from "~/ui/messages";
import { formatCambodiaDateTime } from "~/ui/format";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";
import {
  startTelegramLink,
  telegramEnabled,
  telegramLinkOf,
  unlinkTelegram,
} from "~/messages/telegram-link.server";

export const meta = titleMeta("account");

const AccountActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), sessionId: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ intent: z.literal("revoke-all") }),
  z.object({ intent: z.literal("telegram-link") }),
  z.object({ intent: z.literal("telegram-unlink") }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [sessions, current, telegram] = await Promise.all([
    listSessions(user.id),
    currentSessionId(request),
    telegramLinkOf(user.id),
  ]);
  return {
    user: { name: user.name, email: user.email, phone: user.phone, memberships: user.memberships },
    sessions: sessions.map((s) => ({ ...s, current: s.id === current })),
    telegram: telegramEnabled()
      ? { linkedAt: telegram.telegramLinkedAt, failedAt: telegram.telegramFailedAt }
      : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = AccountActionSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success)
    return Response.json({ error: "Unknown or malformed intent" }, { status: 400 });
  const info = requestInfo(request, context);
  if (parsed.data.intent === "telegram-link" || parsed.data.intent === "telegram-unlink") {
    if (!telegramEnabled()) return Response.json({ error: "Telegram is off" }, { status: 404 });
    if (parsed.data.intent === "telegram-unlink") {
      await unlinkTelegram(user.id);
      return { telegramUnlinked: true };
    }
    try {
      // The bot opens with the one-time code; its /start comes back to /telegram/webhook.
      return redirect((await startTelegramLink(user.id)).url);
    } catch {
      return Response.json({ telegramUnavailable: true }, { status: 503 });
    }
  }
  if (parsed.data.intent === "revoke-all") {
    await revokeAllSessions(user.id, info);
    return redirect("/login", {
      headers: { "Set-Cookie": await sessionCookie.serialize("", { maxAge: 0 }) },
    });
  }
  await revokeSession(user.id, parsed.data.sessionId, info);
  if (parsed.data.sessionId === (await currentSessionId(request))) {
    return redirect("/login", {
      headers: { "Set-Cookie": await sessionCookie.serialize("", { maxAge: 0 }) },
    });
  }
  return { revoked: true };
}

export default function Account() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { user, sessions, telegram } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formatDate = (value: Date | string) => formatCambodiaDateTime(value, lng);
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-3xl font-bold text-leaf-800">{t("account.title")}</h1>
        <p>
          {user.name} · {user.email ?? user.phone}
        </p>
      </header>

      <section aria-labelledby="memberships-title">
        <h2 id="memberships-title" className="text-xl font-semibold">
          {t("account.memberships")}
        </h2>
        <ul className="mt-2 space-y-1">
          {user.memberships.map((m) => (
            <li key={m.organizationId}>
              <Link
                to={`/organizations/${m.organization.slug}`}
                className="text-leaf-700 underline"
              >
                <LocalName item={m.organization} />
              </Link>{" "}
              · {t(`roles.${m.role}`)}
            </li>
          ))}
        </ul>
      </section>

      {telegram ? (
        <section aria-labelledby="telegram-title">
          <h2 id="telegram-title" className="text-xl font-semibold">
            {t("account.telegram")}
          </h2>
          <p className="text-stone-700">{t("account.telegramIntro")}</p>
          {result && "telegramUnlinked" in result ? (
            <StatusMessage>{t("account.telegramUnlinked")}</StatusMessage>
          ) : null}
          {result && "telegramUnavailable" in result ? (
            <StatusMessage>{t("account.telegramUnavailable")}</StatusMessage>
          ) : null}
          {telegram.linkedAt ? (
            <p>{t("account.telegramLinked", { when: formatDate(telegram.linkedAt) })}</p>
          ) : null}
          {telegram.failedAt ? (
            <p role="alert" className="font-semibold text-red-800">
              {t("account.telegramFailing", { when: formatDate(telegram.failedAt) })}
            </p>
          ) : null}
          <div className="mt-2 flex flex-wrap gap-2">
            <Form method="post" reloadDocument>
              <input type="hidden" name="intent" value="telegram-link" />
              <button
                type="submit"
                className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
              >
                {t("account.telegramLink")}
              </button>
            </Form>
            {telegram.linkedAt ? (
              <Form method="post">
                <input type="hidden" name="intent" value="telegram-unlink" />
                <button type="submit" className="rounded-md border border-stone-400 px-3 py-2">
                  {t("account.telegramUnlink")}
                </button>
              </Form>
            ) : null}
          </div>
        </section>
      ) : null}

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title" className="text-xl font-semibold">
          {t("account.sessions")}
        </h2>
        <p className="text-stone-700">{t("account.sessionsIntro")}</p>
        {result && "revoked" in result ? (
          <StatusMessage>{t("account.revoked")}</StatusMessage>
        ) : null}
        <ul className="mt-2 divide-y rounded-lg bg-white shadow-sm">
          {sessions.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
              <div>
                <p className="font-semibold">
                  {session.userAgent ?? t("account.unknownDevice")}
                  {session.current ? ` (${t("account.thisDevice")})` : ""}
                </p>
                <p className="text-sm text-stone-600">
                  {t("account.lastSeen", { when: formatDate(session.lastSeenAt) })}
                  {session.ipAddress ? ` · ${session.ipAddress}` : ""}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="sessionId" value={session.id} />
                <button type="submit" className="rounded-md border border-stone-400 px-3 py-1">
                  {t("account.revoke")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="revoke-all" />
          <button
            type="submit"
            className="rounded-lg bg-red-700 px-4 py-2 font-semibold text-white"
          >
            {t("account.revokeAll")}
          </button>
        </Form>
      </section>
    </div>
  );
}
