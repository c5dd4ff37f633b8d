import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can } from "~/auth/permissions";
import { requirePermission } from "~/auth/session.server";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { payoutDetails } from "~/payments/bank.server";
import { LocalName } from "~/ui/local-name";
import { namedTitle } from "~/ui/page-title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: namedTitle(matches, data?.organization) },
];

// An organization's own page: its members (and platform admins) only.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:members:own", organization.id);
  return {
    organization,
    canEdit: can(user, "update:organization:own", organization.id),
    canManageMembers: can(user, "manage:members:own", organization.id),
    canRecordPledges: can(user, "record:pledges:own", organization.id),
    canRecordFarmers: can(user, "record:farmers:own", organization.id),
    canFulfilOrders: can(user, "fulfil:orders:own", organization.id),
    canManagePayments: can(user, "manage:payments:own", organization.id),
    canPay: can(user, "pay:orders:own", organization.id),
    canRecordCredits: can(user, "record:credits:own", organization.id),
    payout: organization.kind === "COOPERATIVE" ? await payoutDetails(organization.id) : null,
  };
}

export default function OrganizationHome() {
  const { t } = useTranslation();
  const {
    organization,
    canEdit,
    canManageMembers,
    canRecordPledges,
    canRecordFarmers,
    canFulfilOrders,
    canManagePayments,
    canPay,
    canRecordCredits,
    payout,
  } = useLoaderData<typeof loader>();
  return (
    <article className="space-y-6" aria-labelledby="organization-title">
      <header>
        <p className="text-sm font-semibold uppercase text-stone-600">
          {t(`kinds.${organization.kind}`)}
        </p>
        <h1 id="organization-title" className="text-3xl font-bold text-leaf-800">
          <LocalName item={organization} />
        </h1>
        <p>
          {organization.district ? (
            <>
              <LocalName item={organization.district} />,{" "}
            </>
          ) : null}
          <LocalName item={organization.province} />
        </p>
      </header>
      <dl className="grid gap-3 rounded-lg bg-white p-4 shadow-sm sm:grid-cols-2">
        <div>
          <dt className="text-sm text-stone-600">{t("organization.phone")}</dt>
          <dd>{organization.phone ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-sm text-stone-600">{t("organization.email")}</dt>
          <dd>{organization.email ?? "—"}</dd>
        </div>
        {payout ? (
          <div className="sm:col-span-2">
            <dt className="text-sm text-stone-600">{t("organization.payout")}</dt>
            <dd className="text-stone-700">
              {payout.bank ? (
                <span className="block">
                  {t("organization.payoutBank", {
                    bank: payout.bank.bankName,
                    name: payout.bank.bankAccountName,
                    number: payout.bank.bankAccountNumber,
                  })}
                </span>
              ) : (
                <span className="block">{t("organization.payoutNoBank")}</span>
              )}
              <span className="block">
                {payout.bakongAccountId
                  ? t("organization.payoutBakong", { account: payout.bakongAccountId })
                  : t("organization.payoutNoBakong")}
              </span>
              {canManagePayments && (!payout.bank || !payout.bakongAccountId) ? (
                <Link to="payments" className="underline">
                  {t("organization.payoutSetUp")}
                </Link>
              ) : null}
            </dd>
          </div>
        ) : null}
      </dl>
      <nav className="flex flex-wrap gap-3" aria-label={t("organization.members")}>
        {canEdit ? (
          <Link to="edit" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
            {t("organization.edit")}
          </Link>
        ) : null}
        <Link
          to="members"
          className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
        >
          {canManageMembers ? t("organization.manageMembers") : t("organization.members")}
        </Link>
        {organization.kind === "COOPERATIVE" && canRecordPledges ? (
          <Link to="listings" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
            {t("supply.listings")}
          </Link>
        ) : null}
        {organization.kind === "COOPERATIVE" && canRecordFarmers ? (
          <Link to="farmers" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
            {t("farmers.title")}
          </Link>
        ) : null}
        {organization.kind === "COOPERATIVE" && canFulfilOrders ? (
          <>
            <Link to="orders" className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white">
              {t("orders.inbox")}
            </Link>
            <Link
              to="pick-list"
              className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
            >
              {t("orders.pickList")}
            </Link>
          </>
        ) : null}
        {organization.kind === "COOPERATIVE" && canManagePayments ? (
          <Link
            to="payments"
            className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
          >
            {t("payments.title")}
          </Link>
        ) : null}
        {organization.kind === "COOPERATIVE" && canRecordCredits ? (
          <Link
            to="credits"
            className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
          >
            {t("credits.title")}
          </Link>
        ) : null}
        {organization.kind === "BUYER" && canPay ? (
          <Link
            to="statement"
            className="rounded-lg border border-leaf-700 px-4 py-2 font-semibold text-leaf-800"
          >
            {t("payments.statementTitle")}
          </Link>
        ) : null}
        {organization.kind === "COOPERATIVE" ? (
          <Link
            to={`/cooperatives/${organization.slug}`}
            className="px-4 py-2 text-leaf-700 underline"
          >
            {t("nav.cooperatives")}
          </Link>
        ) : null}
      </nav>
    </article>
  );
}
