import { publicUrl } from "~/http/public-url.server";
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can, rolesByKind } from "~/auth/permissions";
import { requirePermission } from "~/auth/session.server";
import { MembershipRole } from "~/db/generated/enums";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import {
  changeMemberRole,
  createInvitation,
  listMembers,
  listOpenInvitations,
  MembershipError,
} from "~/organizations/members.server";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { formatCambodiaDateTime } from "~/ui/format";
import { readFormData } from "~/http/form-data.server";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

const role = z.enum(Object.values(MembershipRole) as [MembershipRole, ...MembershipRole[]], {
  error: "validation.role",
});
const MembersActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), role }),
  z.object({
    intent: z.literal("change-role"),
    membershipId: dbId,
    role,
  }),
  z.object({ intent: z.literal("remove"), membershipId: dbId }),
]);

export const meta = titleMeta("people");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:members:own", organization.id);
  const canManage = can(user, "manage:members:own", organization.id);
  const [members, invitations] = await Promise.all([
    listMembers(organization.id),
    canManage ? listOpenInvitations(organization.id) : [],
  ]);
  return { organization, members, invitations, canManage, roles: rolesByKind[organization.kind] };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "manage:members:own", organization.id);
  const parsed = MembersActionSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return Response.json({ error: "validation.role" }, { status: 400 });
  const actor = { userId: user.id, ipAddress: requestInfo(request, context).ipAddress };
  try {
    switch (parsed.data.intent) {
      case "invite": {
        const token = await createInvitation(organization, parsed.data.role, actor);
        return { inviteLink: publicUrl(`/invitations/${token}`) };
      }
      case "change-role":
        await changeMemberRole(organization, parsed.data.membershipId, parsed.data.role, actor);
        return { ok: true };
      case "remove":
        await changeMemberRole(organization, parsed.data.membershipId, null, actor);
        return { ok: true };
    }
  } catch (error) {
    if (error instanceof MembershipError)
      return Response.json({ error: error.key }, { status: 400 });
    throw error;
  }
}

export default function Members() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, members, invitations, canManage, roles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formatDate = (value: Date | string) => formatCambodiaDateTime(value, lng);
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-3xl font-bold text-leaf-800">{t("organization.members")}</h1>
        <p>
          <LocalName item={organization} />
        </p>
      </header>
      {result && "error" in result ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      <ul className="divide-y rounded-lg bg-white shadow-sm">
        {members.map((member) => (
          <li key={member.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
            <div>
              <p className="font-semibold">{member.user.name}</p>
              <p className="text-sm text-stone-600">
                {member.user.email ?? member.user.phone} · {t(`roles.${member.role}`)}
              </p>
            </div>
            {canManage ? (
              <div className="flex flex-wrap gap-2">
                <Form method="post" className="flex gap-1">
                  <input type="hidden" name="intent" value="change-role" />
                  <input type="hidden" name="membershipId" value={member.id} />
                  <label className="sr-only" htmlFor={`role-${member.id}`}>
                    {t("organization.changeRole")}
                  </label>
                  <select
                    id={`role-${member.id}`}
                    name="role"
                    defaultValue={member.role}
                    className="rounded-md border px-2"
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {t(`roles.${r}`)}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className="rounded-md border border-stone-400 px-3 py-1">
                    {t("organization.changeRole")}
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="membershipId" value={member.id} />
                  <button
                    type="submit"
                    className="rounded-md border border-red-700 px-3 py-1 text-red-800"
                  >
                    {t("organization.remove")}
                  </button>
                </Form>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      {canManage ? (
        <section aria-labelledby="invite-title" className="rounded-lg bg-white p-4 shadow-sm">
          <h2 id="invite-title" className="text-xl font-semibold">
            {t("organization.invite")}
          </h2>
          <Form method="post" className="mt-2 flex flex-wrap items-end gap-2">
            <input type="hidden" name="intent" value="invite" />
            <div>
              <label htmlFor="invite-role" className="block font-semibold">
                {t("organization.inviteRole")}
              </label>
              <select id="invite-role" name="role" className="rounded-md border px-2 py-1">
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
            >
              {t("organization.inviteCreate")}
            </button>
          </Form>
          {result && "inviteLink" in result ? (
            <StatusMessage>
              <p>{t("organization.inviteLink")}</p>
              <input
                readOnly
                value={result.inviteLink}
                aria-label={t("organization.inviteLink")}
                className="mt-1 w-full rounded border bg-white px-2 py-1 font-mono text-sm"
              />
            </StatusMessage>
          ) : null}
          {invitations.length ? (
            <>
              <h3 className="mt-4 font-semibold">{t("organization.pendingInvitations")}</h3>
              <ul className="text-sm">
                {invitations.map((invitation) => (
                  <li key={invitation.id}>
                    {t(`roles.${invitation.role}`)} · {invitation.createdBy.name} ·{" "}
                    {t("organization.expires", { when: formatDate(invitation.expiresAt) })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
