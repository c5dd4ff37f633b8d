import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { invariantResponse } from "~/http/responses";
import { getPublishedListing } from "~/supply/queries.server";
import { remainingOf } from "~/supply/rules";
import { formatCambodiaDateTime, formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { Photos } from "~/supply/photos";
import { useLanguage } from "~/ui/use-language";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.listing.product.nameKm} ${data.listing.product.nameEn} · ផ្សារ Phsar`
      : "ផ្សារ Phsar",
  },
];

export async function loader({ params }: LoaderFunctionArgs) {
  const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(params.listingId);
  invariantResponse(id.success, "Not found", { status: 404 });
  // Drafts, paused and closed listings are not for buyers.
  const listing = await getPublishedListing(id.data);
  invariantResponse(listing, "Not found", { status: 404 });
  return { listing };
}

export default function Listing() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { listing } = useLoaderData<typeof loader>();
  const unit = t(`unit.${listing.product.unit}`);
  const description =
    lng === "km"
      ? listing.descriptionKm || listing.descriptionEn
      : listing.descriptionEn || listing.descriptionKm;
  return (
    <article aria-labelledby="listing-title" className="space-y-6">
      <header>
        <h1 id="listing-title" className="text-3xl font-bold text-leaf-800">
          <LocalName item={listing.product} />
        </h1>
        <p className="text-lg">
          <strong>{formatMoney(listing.priceMinor, listing.currency, lng)}</strong>{" "}
          {t("supply.perUnit", { unit })} · {t("supply.gradeLabel", { grade: listing.grade })}
          {listing.certification !== "NONE"
            ? ` · ${t(`supply.certifications.${listing.certification}`)}`
            : ""}
          {listing.variety ? ` · ${listing.variety}` : ""}
        </p>
        <p>
          <Link
            to={`/cooperatives/${listing.cooperative.slug}`}
            className="text-leaf-700 underline"
          >
            <LocalName item={listing.cooperative} />
          </Link>{" "}
          · <LocalName item={listing.cooperative.province} />
        </p>
        <p className="text-sm text-stone-600">
          {t("supply.minOrder", { quantity: formatNumber(listing.minOrderQuantity, lng), unit })}
        </p>
      </header>
      <section aria-labelledby="areas-title">
        <h2 id="areas-title" className="text-xl font-semibold">
          {t("supply.deliversTo")}
        </h2>
        <ul className="mt-1 flex flex-wrap gap-2">
          {listing.deliveryAreas.map((area) => (
            <li
              key={`${area.province.code}-${area.district?.code ?? ""}`}
              className="rounded-full bg-leaf-100 px-3 py-1 text-sm"
            >
              {area.district ? (
                <>
                  <LocalName item={area.district} />,{" "}
                </>
              ) : null}
              <LocalName item={area.province} />
            </li>
          ))}
        </ul>
      </section>
      <Photos
        photos={listing.photos}
        alt={t("supply.photoOf", { product: listing.product.nameKm })}
      />
      {description ? <p className="max-w-2xl whitespace-pre-line">{description}</p> : null}
      <section aria-labelledby="open-windows-title">
        <h2 id="open-windows-title" className="text-xl font-semibold">
          {t("supply.openWindows")}
        </h2>
        {listing.windows.length === 0 ? <p>{t("supply.noOpenWindows")}</p> : null}
        <ul className="mt-2 divide-y rounded-lg bg-white shadow-sm">
          {listing.windows.map((w) => (
            <li key={w.id} className="flex flex-wrap justify-between gap-2 p-3">
              <span className="font-semibold">
                {formatDate(w.deliveryDate, lng, { weekday: true })}
              </span>
              <span>
                {t("supply.remainingOf", {
                  remaining: formatNumber(remainingOf(w), lng),
                  capacity: formatNumber(w.capacity, lng),
                  unit,
                })}
              </span>
              <span className="w-full text-sm text-stone-600">
                {t("supply.closesAt", {
                  when: formatCambodiaDateTime(w.cutoffAt, lng),
                })}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
