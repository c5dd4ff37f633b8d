import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { publicUrl } from "~/http/public-url.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import { orRefuse } from "~/organizations/onboarding-http.server";
import { getManagedUnion, inviteUnionStaff } from "~/organizations/unions.server";
import { formatCambodiaDateTime, localNames } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

const SlugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

async function actorAndSlug({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const slug = SlugSchema.safeParse(params.slug);
  invariantResponse(slug.success, "Not found", { status: 404 });
  return {
    slug: slug.data,
    actor: { ...user, ipAddress: requestInfo(request, context).ipAddress },
  };
}

export const meta = titleMeta("union");

export async function loader(args: LoaderFunctionArgs) {
  const { slug, actor } = await actorAndSlug(args);
  return { union: await orRefuse(() => getManagedUnion(slug, actor)) };
}

/** The one thing this page changes: a new staff invitation link (admins only). */
export async function action(args: ActionFunctionArgs) {
  const { slug, actor } = await actorAndSlug(args);
  const union = await orRefuse(() => getManagedUnion(slug, actor));
  const token = await orRefuse(() => inviteUnionStaff(union.id, actor));
  return { inviteLink: publicUrl(`/invitations/${token}`) };
}

export default function UnionPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { union } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-8">
      <header>
        <LocalName item={union} as="h1" className="text-3xl font-bold text-leaf-800" />
        <p className="text-stone-700">{localNames(union.province, lng).primary}</p>
      </header>

      <section aria-labelledby="cooperatives-title" className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="cooperatives-title" className="text-xl font-semibold">
            {t("onboarding.cooperatives.title")}
          </h2>
          <Link
            to={`/unions/${union.slug}/cooperatives/new`}
            className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
          >
            {t("onboarding.cooperatives.new")}
          </Link>
        </div>
        {union.cooperatives.length ? (
          <ul className="divide-y rounded-lg bg-white shadow-sm">
            {union.cooperatives.map((c) => (
              <li key={c.id} className="p-3">
                <Link
                  to={`/unions/${union.slug}/cooperatives/${c.slug}`}
                  className="font-semibold text-leaf-700 underline"
                >
                  <LocalName item={c} />
                </Link>
                <p className="text-sm text-stone-600">
                  {[c.district, c.province]
                    .filter((p) => p !== null)
                    .map((p) => localNames(p, lng).primary)
                    .join(", ")}{" "}
                  · {c.registrationNumber ?? "—"} ·{" "}
                  {c.deactivatedAt
                    ? t("onboarding.cooperatives.deactivated", {
                        when: formatCambodiaDateTime(c.deactivatedAt, lng),
                      })
                    : t("onboarding.cooperatives.active")}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("onboarding.cooperatives.none")}</p>
        )}
      </section>

      <section aria-labelledby="staff-title" className="rounded-lg bg-white p-4 shadow-sm">
        <h2 id="staff-title" className="text-xl font-semibold">
          {t("onboarding.unions.staff")}
        </h2>
        {union.staff.length ? (
          <ul className="text-sm">
            {union.staff.map((m) => (
              <li key={m.id}>
                {m.user.name} · {m.user.email ?? m.user.phone} · {t(`roles.${m.role}`)}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("onboarding.unions.noStaff")}</p>
        )}
        {union.canInviteStaff ? (
          <>
            <Form method="post" className="mt-3">
              <button
                type="submit"
                className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
              >
                {t("onboarding.unions.inviteStaffSubmit")}
              </button>
            </Form>
            {result?.inviteLink ? (
              <StatusMessage>
                <p>{t("onboarding.unions.inviteLink")}</p>
                <input
                  readOnly
                  value={result.inviteLink}
                  aria-label={t("onboarding.unions.inviteLink")}
                  className="mt-1 w-full rounded border bg-white px-2 py-1 font-mono text-sm"
                />
              </StatusMessage>
            ) : null}
            {union.invitations.length ? (
              <>
                <h3 className="mt-4 font-semibold">{t("onboarding.unions.openInvitations")}</h3>
                <ul className="text-sm">
                  {union.invitations.map((invitation) => (
                    <li key={invitation.id}>
                      {t(`roles.${invitation.role}`)} · {invitation.createdBy.name} ·{" "}
                      {t("organization.expires", {
                        when: formatCambodiaDateTime(invitation.expiresAt, lng),
                      })}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </section>
    </div>
  );
}
