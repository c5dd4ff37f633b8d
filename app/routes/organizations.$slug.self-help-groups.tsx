import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { readFormData } from "~/http/form-data.server";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import {
  createSelfHelpGroup,
  listSelfHelpGroups,
  mergeSelfHelpGroups,
  renameSelfHelpGroup,
} from "~/organizations/farmers.server";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

const name = z.string().max(500);
const GroupAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name }),
  z.object({ intent: z.literal("rename"), groupId: dbId, name }),
  z.object({ intent: z.literal("merge"), fromId: dbId, intoId: dbId }),
]);

export const meta = titleMeta("selfHelpGroups");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  try {
    return {
      organization,
      groups: await listSelfHelpGroups(organization.id, actor),
      canMerge: can(actor, "manage:farmers:own", organization.id),
    };
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const parsed = GroupAction.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) throw new Response("Unknown or incomplete form", { status: 400 });
  try {
    switch (parsed.data.intent) {
      case "create":
        await createSelfHelpGroup(organization.id, parsed.data.name, actor);
        return { ok: "farmers.saved" as const };
      case "rename":
        await renameSelfHelpGroup(organization.id, parsed.data.groupId, parsed.data.name, actor);
        return { ok: "farmers.saved" as const };
      case "merge": {
        const moved = await mergeSelfHelpGroups(
          organization.id,
          parsed.data.fromId,
          parsed.data.intoId,
          actor,
        );
        return { ok: "farmers.groupMerged" as const, count: moved };
      }
    }
  } catch (error) {
    return { error: farmerErrorResponse(error).key };
  }
}

export default function SelfHelpGroups() {
  const { t } = useTranslation();
  const { organization, groups, canMerge } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-6">
      <p>
        <Link
          to={`/organizations/${organization.slug}/farmers`}
          className="text-leaf-700 underline"
        >
          {t("farmers.back")}
        </Link>
      </p>
      <h1 className="text-3xl font-bold text-leaf-800">{t("farmers.groups")}</h1>
      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      {result?.ok ? (
        <StatusMessage>{t(result.ok, { count: result.count ?? 0 })}</StatusMessage>
      ) : null}
      {groups.length ? (
        <ul className="divide-y rounded-lg bg-white shadow-sm">
          {groups.map((group) => (
            <li key={group.id} className="flex flex-wrap items-end justify-between gap-2 p-3">
              <div>
                <p className="font-semibold">
                  <Link
                    to={`/organizations/${organization.slug}/farmers?group=${group.id}`}
                    className="underline"
                  >
                    {group.name}
                  </Link>
                </p>
                <p className="text-sm text-stone-600">
                  {t("farmers.groupMembers", { count: group.members })}
                </p>
              </div>
              <Form method="post" className="flex items-end gap-1">
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="groupId" value={group.id} />
                <label className="sr-only" htmlFor={`group-name-${group.id}`}>
                  {t("farmers.groupName")}
                </label>
                <input
                  id={`group-name-${group.id}`}
                  name="name"
                  required
                  defaultValue={group.name}
                  className="rounded-md border border-stone-400 px-2 py-1"
                />
                <button type="submit" className="rounded-md border border-stone-400 px-3 py-1">
                  {t("farmers.groupRename")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("farmers.groupNone")}</p>
      )}
      <Form
        method="post"
        className="flex flex-wrap items-end gap-2 rounded-lg bg-white p-4 shadow-sm"
      >
        <input type="hidden" name="intent" value="create" />
        <div>
          <label htmlFor="group-new" className="block font-semibold">
            {t("farmers.groupName")}
          </label>
          <input
            id="group-new"
            name="name"
            required
            className="mt-1 rounded-md border border-stone-400 px-3 py-2"
          />
        </div>
        <button type="submit" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
          {t("farmers.groupCreate")}
        </button>
      </Form>
      {canMerge && groups.length > 1 ? (
        <Form
          method="post"
          className="flex flex-wrap items-end gap-2 rounded-lg bg-white p-4 shadow-sm"
        >
          <h2 className="w-full text-xl font-semibold">{t("farmers.groupMerge")}</h2>
          <input type="hidden" name="intent" value="merge" />
          <div>
            <label htmlFor="merge-from" className="block font-semibold">
              {t("farmers.groupMergeFrom")}
            </label>
            <select
              id="merge-from"
              name="fromId"
              className="mt-1 rounded-md border border-stone-400 px-2 py-2"
            >
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="merge-into" className="block font-semibold">
              {t("farmers.groupMergeInto")}
            </label>
            <select
              id="merge-into"
              name="intoId"
              className="mt-1 rounded-md border border-stone-400 px-2 py-2"
            >
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className="rounded-lg border border-red-700 px-4 py-2 font-semibold text-red-800"
          >
            {t("farmers.groupMergeButton")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
