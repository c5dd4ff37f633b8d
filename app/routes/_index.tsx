import { type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { share } from "~/organizations/inclusion";
import { getMembershipTotals, listCooperatives } from "~/organizations/cooperatives.server";
import { ListingCard } from "~/supply/listing-card";
import { listProductsByCategory } from "~/supply/products.server";
import { listPublishedListings } from "~/supply/queries.server";
import { formatNumber, formatPercent, formatRiel } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { brandTitle } from "~/ui/page-title";

export const meta: MetaFunction = () => [{ title: brandTitle }];

export async function loader() {
  const [catalogue, cooperatives, totals, listings] = await Promise.all([
    listProductsByCategory(),
    listCooperatives(),
    getMembershipTotals(),
    listPublishedListings({ take: 12 }),
  ]);
  return { catalogue, cooperatives, totals, listings };
}

export default function Market() {
  const { catalogue, cooperatives, totals, listings } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const lng = useLanguage();
  const productCount = catalogue.reduce((sum, group) => sum + group.products.length, 0);

  return (
    <div className="space-y-10">
      <section aria-labelledby="market-title">
        <h1 id="market-title" className="text-3xl font-bold text-leaf-800">
          {t("market.title")}
        </h1>
        <p className="mt-1 text-lg">{t("app.tagline")}</p>
        <p className="mt-2 max-w-2xl text-stone-700">{t("market.intro")}</p>
        <dl
          aria-label={t("market.stats.label")}
          className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4"
        >
          {[
            [t("market.stats.cooperatives"), formatNumber(totals.cooperatives, lng)],
            [t("market.stats.farmers"), formatNumber(totals.farmers, lng)],
            [t("market.stats.women"), formatPercent(share(totals.women, totals.farmers), lng)],
            [t("market.stats.products"), formatNumber(productCount, lng)],
          ].map(([label, value]) => (
            <div key={label} className="rounded-lg bg-white p-3 shadow-sm">
              <dt className="text-sm text-stone-600">{label}</dt>
              <dd className="text-2xl font-bold text-leaf-700">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      {listings.length ? (
        <section aria-labelledby="latest-listings-title">
          <h2 id="latest-listings-title" className="text-2xl font-bold">
            {t("supply.latestListings")}
          </h2>
          <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {listings.map((listing) => (
              <ListingCard key={listing.id} listing={listing} />
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="catalogue-title">
        <h2 id="catalogue-title" className="text-2xl font-bold">
          {t("market.catalogue")}
        </h2>
        <p className="text-sm text-stone-600">{t("market.referencePriceNote")}</p>
        {catalogue.map((group) => (
          <section
            key={group.category}
            aria-labelledby={`category-${group.category}`}
            className="mt-4"
          >
            <h3 id={`category-${group.category}`} className="text-xl font-semibold text-leaf-800">
              {t(`category.${group.category}`)}
            </h3>
            <ul className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {group.products.map((product) => (
                <li key={product.id} className="rounded-lg bg-white p-3 shadow-sm">
                  <LocalName item={product} className="block font-semibold" />
                  {product.referencePriceKhr ? (
                    <p className="text-sm text-stone-700">
                      {t("market.referencePrice")}:{" "}
                      <span className="font-semibold">
                        {formatRiel(product.referencePriceKhr, lng)}
                      </span>{" "}
                      {t("market.perUnit", { unit: t(`unit.${product.unit}`) })}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      <section aria-labelledby="cooperatives-title">
        <h2 id="cooperatives-title" className="text-2xl font-bold">
          {t("market.cooperativesHeading")}
        </h2>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2">
          {cooperatives.map((cooperative) => (
            <li key={cooperative.id} className="rounded-lg bg-white p-4 shadow-sm">
              <Link
                to={`/cooperatives/${cooperative.slug}`}
                className="font-semibold text-leaf-800 underline"
              >
                <LocalName item={cooperative} />
              </Link>
              <p className="text-sm text-stone-700">
                <LocalName item={cooperative.province} />
              </p>
              <p className="text-sm">
                {t("cooperatives.farmers", { count: cooperative.members.farmers })}
              </p>
            </li>
          ))}
        </ul>
        <Link
          to="/cooperatives"
          className="mt-3 inline-block font-semibold text-leaf-700 underline"
        >
          {t("market.allCooperatives")}
        </Link>
      </section>
    </div>
  );
}
