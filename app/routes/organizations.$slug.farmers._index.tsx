import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { can } from "~/auth/permissions";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import { listFarmers, listSelfHelpGroups } from "~/organizations/farmers.server";
import { LocalName } from "~/ui/local-name";
import { StatusMessage } from "~/ui/messages";
import { titleMeta } from "~/ui/page-title";

const ListParams = z.object({
  q: z.string().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  group: dbId.optional().catch(undefined),
  status: z.enum(["active", "inactive", "all"]).catch("active"),
});

export const meta = titleMeta("farmers");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const url = new URL(request.url);
  const filter = ListParams.parse(Object.fromEntries(url.searchParams));
  try {
    const [list, groups] = await Promise.all([
      listFarmers(organization.id, actor, {
        query: filter.q,
        page: filter.page,
        selfHelpGroupId: filter.group,
        status: filter.status,
      }),
      listSelfHelpGroups(organization.id, actor),
    ]);
    return {
      organization,
      filter,
      list,
      groups,
      imported: url.searchParams.get("imported"),
      canDeactivate: can(actor, "manage:farmers:own", organization.id),
    };
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}

export default function Farmers() {
  const { t } = useTranslation();
  const { organization, filter, list, groups, imported } = useLoaderData<typeof loader>();
  const pageLink = (page: number) => {
    const search = new URLSearchParams({ q: filter.q, status: filter.status, page: String(page) });
    if (filter.group) search.set("group", String(filter.group));
    return `?${search}`;
  };
  const [created, updated] = (imported ?? "").split("-");
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-3xl font-bold text-leaf-800">{t("farmers.title")}</h1>
        <p>
          <LocalName item={organization} /> · {t("farmers.count", { count: list.total })}
        </p>
      </header>
      {imported ? (
        <StatusMessage>{t("farmers.imported", { created, updated })}</StatusMessage>
      ) : null}
      <nav className="flex flex-wrap gap-3">
        <Link to="new" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
          {t("farmers.add")}
        </Link>
        <Link
          to="import"
          className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
        >
          {t("farmers.import")}
        </Link>
        <Link
          to="../self-help-groups"
          relative="path"
          className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
        >
          {t("farmers.groups")}
        </Link>
        <a
          href={`/organizations/${organization.slug}/farmers/export/members.csv`}
          className="px-2 py-2 text-leaf-700 underline"
        >
          {t("farmers.exportCsv")}
        </a>
        <a
          href={`/organizations/${organization.slug}/farmers/export/members.xlsx`}
          className="px-2 py-2 text-leaf-700 underline"
        >
          {t("farmers.exportXlsx")}
        </a>
      </nav>
      <Form
        method="get"
        className="flex flex-wrap items-end gap-2 rounded-lg bg-white p-3 shadow-sm"
      >
        <div className="grow">
          <label htmlFor="farmer-search" className="block font-semibold">
            {t("farmers.search")}
          </label>
          <input
            id="farmer-search"
            name="q"
            type="search"
            defaultValue={filter.q}
            className="mt-1 w-full rounded-md border border-stone-400 px-3 py-2"
          />
        </div>
        <div>
          <label htmlFor="farmer-group" className="block font-semibold">
            {t("farmers.selfHelpGroup")}
          </label>
          <select
            id="farmer-group"
            name="group"
            defaultValue={filter.group ?? ""}
            className="mt-1 rounded-md border border-stone-400 px-2 py-2"
          >
            <option value="">{t("farmers.allGroups")}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="farmer-status" className="block font-semibold">
            {t("farmers.status")}
          </label>
          <select
            id="farmer-status"
            name="status"
            defaultValue={filter.status}
            className="mt-1 rounded-md border border-stone-400 px-2 py-2"
          >
            <option value="active">{t("farmers.statusActive")}</option>
            <option value="inactive">{t("farmers.statusInactive")}</option>
            <option value="all">{t("farmers.statusAll")}</option>
          </select>
        </div>
        <button type="submit" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
          {t("farmers.searchButton")}
        </button>
      </Form>
      {list.farmers.length ? (
        // A phone scrolls the table, not the page.
        <div className="overflow-x-auto">
          <table className="w-full rounded-lg bg-white text-left shadow-sm">
            <thead>
              <tr className="border-b">
                <th className="p-2">{t("farmers.memberNumber")}</th>
                <th className="p-2">{t("farmers.name")}</th>
                <th className="p-2">{t("farmers.gender")}</th>
                <th className="p-2">{t("farmers.birthYear")}</th>
                <th className="p-2">{t("farmers.village")}</th>
                <th className="p-2">{t("farmers.selfHelpGroup")}</th>
                <th className="p-2">{t("farmers.phone")}</th>
              </tr>
            </thead>
            <tbody>
              {list.farmers.map((farmer) => (
                <tr key={farmer.id} className="border-b">
                  <td className="p-2">{farmer.memberNumber ?? "—"}</td>
                  <td className="p-2">
                    <Link to={String(farmer.id)} className="font-semibold text-leaf-800 underline">
                      {farmer.name}
                    </Link>{" "}
                    <span lang="en" className="text-sm text-stone-600">
                      {farmer.nameLatin}
                    </span>
                    {farmer.deactivatedAt ? (
                      <span className="ml-2 rounded bg-stone-200 px-1 text-sm">
                        {t("farmers.deactivated")}
                      </span>
                    ) : null}
                  </td>
                  <td className="p-2">{t(`farmers.genders.${farmer.gender}`)}</td>
                  <td className="p-2">{farmer.birthYear}</td>
                  <td className="p-2">
                    {farmer.villageRef ? <LocalName item={farmer.villageRef} /> : farmer.village}
                    {farmer.commune ? (
                      <span className="block text-sm text-stone-600">
                        <LocalName item={farmer.commune} />,{" "}
                        <LocalName item={farmer.commune.district} />
                      </span>
                    ) : null}
                  </td>
                  <td className="p-2">{farmer.selfHelpGroup?.name ?? "—"}</td>
                  <td className="p-2">{farmer.phone ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("farmers.none")}</p>
      )}
      <nav
        className="flex items-center gap-4"
        aria-label={t("farmers.page", { page: list.page, pageCount: list.pageCount })}
      >
        {list.page > 1 ? (
          <Link to={pageLink(list.page - 1)} className="text-leaf-700 underline">
            {t("farmers.previous")}
          </Link>
        ) : null}
        <span>{t("farmers.page", { page: list.page, pageCount: list.pageCount })}</span>
        {list.page < list.pageCount ? (
          <Link to={pageLink(list.page + 1)} className="text-leaf-700 underline">
            {t("farmers.next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
