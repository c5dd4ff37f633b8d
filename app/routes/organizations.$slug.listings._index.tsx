import { type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can } from "~/auth/permissions";
import { requirePermission } from "~/auth/session.server";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { listListingsForCooperative } from "~/supply/queries.server";
import { formatMoney } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("listings");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "record:pledges:own", organization.id);
  return {
    organization,
    listings: await listListingsForCooperative(organization.id),
    canPost: can(user, "manage:listings:own", organization.id),
  };
}

export default function CooperativeListings() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, listings, canPost } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="listings-title" className="space-y-4">
      <h1 id="listings-title" className="text-3xl font-bold text-leaf-800">
        {t("supply.listings")}
      </h1>
      <p>
        <LocalName item={organization} />
      </p>
      {canPost ? (
        <Link
          to="new"
          className="inline-block rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
        >
          {t("supply.newListing")}
        </Link>
      ) : null}
      {listings.length === 0 ? <p>{t("supply.noListings")}</p> : null}
      <ul className="divide-y rounded-lg bg-white shadow-sm">
        {listings.map((listing) => (
          <li key={listing.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
            <div>
              <Link to={String(listing.id)} className="font-semibold text-leaf-800 underline">
                <LocalName item={listing.product} />
              </Link>
              <p className="text-sm text-stone-600">
                {t("supply.gradeLabel", { grade: listing.grade })} ·{" "}
                {formatMoney(listing.priceMinor, listing.currency, lng)}{" "}
                {t("supply.perUnit", { unit: t(`unit.${listing.product.unit}`) })} ·{" "}
                {t(`supply.statuses.${listing.status}`)}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
