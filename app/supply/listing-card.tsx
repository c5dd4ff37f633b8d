import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { remainingOf } from "./rules";

type Card = {
  id: number;
  grade: string;
  priceMinor: number;
  currency: "KHR" | "USD";
  product: { nameKm: string; nameEn: string; unit: string };
  cooperative?: { nameKm: string; nameEn: string };
  windows: { id: number; deliveryDate: Date | string; capacity: number; reserved: number }[];
};

/** A published listing in a list: price, who offers it, and what is left on the next delivery dates. */
export function ListingCard({ listing }: { listing: Card }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const unit = t(`unit.${listing.product.unit}`);
  return (
    <li className="rounded-lg bg-white p-3 shadow-sm">
      <Link to={`/listings/${listing.id}`} className="font-semibold text-leaf-800 underline">
        <LocalName item={listing.product} />
      </Link>
      <p className="text-sm">
        <strong>{formatMoney(listing.priceMinor, listing.currency, lng)}</strong>{" "}
        {t("supply.perUnit", { unit })} · {t("supply.gradeLabel", { grade: listing.grade })}
      </p>
      {listing.cooperative ? (
        <p className="text-sm text-stone-600">
          <LocalName item={listing.cooperative} />
        </p>
      ) : null}
      <ul className="mt-1 text-sm">
        {listing.windows.map((w) => (
          <li key={w.id}>
            {formatDate(w.deliveryDate, lng)}:{" "}
            {t("supply.remainingOf", {
              remaining: formatNumber(remainingOf(w), lng),
              capacity: formatNumber(w.capacity, lng),
              unit,
            })}
          </li>
        ))}
      </ul>
    </li>
  );
}
