import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { invariantResponse } from "~/http/responses";
import { share } from "~/organizations/inclusion";
import { getCooperative } from "~/organizations/cooperatives.server";
import { ListingCard } from "~/supply/listing-card";
import { listPublishedListings } from "~/supply/queries.server";
import { formatNumber, formatPercent } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { namedTitle } from "~/ui/page-title";

const ParamsSchema = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,80}$/) });

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: namedTitle(matches, data?.cooperative) },
];

export async function loader({ params }: LoaderFunctionArgs) {
  const parsed = ParamsSchema.safeParse(params);
  invariantResponse(parsed.success, "Not found", { status: 404 });
  const cooperative = await getCooperative(parsed.data.slug);
  invariantResponse(cooperative, "Not found", { status: 404 });
  return { cooperative, listings: await listPublishedListings({ cooperativeId: cooperative.id }) };
}

export default function Cooperative() {
  const { cooperative, listings } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const lng = useLanguage();
  const { members } = cooperative;
  return (
    <article aria-labelledby="cooperative-title" className="space-y-6">
      <header>
        <h1 id="cooperative-title" className="text-3xl font-bold text-leaf-800">
          <LocalName item={cooperative} />
        </h1>
        <p className="text-stone-700">
          {cooperative.commune ? (
            <>
              <LocalName item={cooperative.commune} />,{" "}
            </>
          ) : null}
          {cooperative.district ? (
            <>
              <LocalName item={cooperative.district} />,{" "}
            </>
          ) : null}
          <LocalName item={cooperative.province} />
        </p>
      </header>

      <section aria-labelledby="live-listings-title">
        <h2 id="live-listings-title" className="text-xl font-semibold">
          {t("supply.liveListings")}
        </h2>
        {listings.length === 0 ? <p>{t("supply.noListings")}</p> : null}
        <ul className="mt-2 grid gap-3 sm:grid-cols-2">
          {listings.map((listing) => (
            <ListingCard key={listing.id} listing={listing} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="inclusion-title" className="rounded-lg bg-white p-4 shadow-sm">
        <h2 id="inclusion-title" className="text-xl font-semibold">
          {t("cooperatives.inclusion")}
        </h2>
        <dl className="mt-2 grid grid-cols-3 gap-2">
          <div>
            <dt className="text-sm text-stone-600">{t("cooperatives.members")}</dt>
            <dd className="text-2xl font-bold">{formatNumber(members.farmers, lng)}</dd>
          </div>
          <div>
            <dt className="text-sm text-stone-600">{t("cooperatives.womenLabel")}</dt>
            <dd className="text-2xl font-bold">
              {formatPercent(share(members.women, members.farmers), lng)}
            </dd>
          </div>
          <div>
            <dt className="text-sm text-stone-600">{t("cooperatives.youngLabel")}</dt>
            <dd className="text-2xl font-bold">
              {formatPercent(share(members.young, members.farmers), lng)}
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="groups-title">
        <h2 id="groups-title" className="text-xl font-semibold">
          {t("cooperatives.selfHelpGroups")}
        </h2>
        <ul className="mt-2 divide-y rounded-lg bg-white shadow-sm">
          {cooperative.selfHelpGroups.map((group) => (
            <li key={group.id} className="flex justify-between p-3">
              <span lang="km">{group.name}</span>
              <span className="text-stone-600">
                {t("cooperatives.farmers", { count: group._count.farmers })}
              </span>
            </li>
          ))}
        </ul>
      </section>

      {cooperative.phone ? (
        <section aria-labelledby="contact-title">
          <h2 id="contact-title" className="text-xl font-semibold">
            {t("cooperatives.contact")}
          </h2>
          <a href={`tel:${cooperative.phone}`} className="text-leaf-700 underline">
            {cooperative.phone}
          </a>
        </section>
      ) : null}
    </article>
  );
}
