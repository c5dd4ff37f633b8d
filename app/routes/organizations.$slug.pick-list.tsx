import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireCooperativeOrders } from "~/orders/access.server";
import { deliveryDatesToPrepare, pickList } from "~/orders/queries.server";
import { cambodiaToday, dateOnly, type IsoDate } from "~/calendar/dates";
import { isoDate } from "~/validation/schemas";
import { formatDate, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("pickList");

const DateParam = isoDate();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { organization } = await requireCooperativeOrders(
    request,
    params.slug,
    "fulfil:orders:own",
  );
  const dates = await deliveryDatesToPrepare(organization.id);
  const asked = DateParam.safeParse(new URL(request.url).searchParams.get("date"));
  // No date (or a malformed one): the next date with something to prepare.
  const date: IsoDate = asked.success
    ? (asked.data as IsoDate)
    : dates[0]
      ? dateOnly(new Date(dates[0].deliveryDate))
      : cambodiaToday(new Date());
  const list = await pickList(organization.id, date);
  return { organization, date, dates: dates.map((d) => dateOnly(new Date(d.deliveryDate))), list };
}

export default function PickList() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, date, dates, list } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="pick-title" className="space-y-5">
      <h1 id="pick-title" className="text-3xl font-bold text-leaf-800">
        {t("orders.pickListFor", { date: formatDate(date, lng, { weekday: true }) })}
      </h1>
      <p>
        <LocalName item={organization} />
      </p>
      <Form method="get" className="flex flex-wrap items-end gap-2 print:hidden">
        <div>
          <label htmlFor="date" className="block font-semibold">
            {t("orders.chooseDate")}
          </label>
          <input
            id="date"
            name="date"
            type="date"
            defaultValue={date}
            list="pick-dates"
            className="mt-1 rounded-md border border-stone-400 bg-white px-3 py-2"
          />
          <datalist id="pick-dates">
            {dates.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </div>
        <button type="submit" className="rounded-md bg-leaf-700 px-4 py-2 font-semibold text-white">
          {t("orders.show")}
        </button>
      </Form>
      {list.products.length === 0 ? <p>{t("orders.noPickDates")}</p> : null}
      {list.products.length > 0 ? (
        <section aria-labelledby="by-product" className="rounded-lg bg-white p-4 shadow-sm">
          <h2 id="by-product" className="mb-2 text-xl font-semibold">
            {t("orders.byProduct")}
          </h2>
          <ul className="divide-y">
            {list.products.map((p) => {
              const unit = t(`unit.${p.listing.product.unit}`);
              return (
                <li key={p.windowId} className="py-2">
                  <p className="font-semibold">
                    <LocalName item={p.listing.product} /> (
                    {t("supply.gradeLabel", { grade: p.listing.grade })}):{" "}
                    {formatNumber(p.ordered, lng)} {unit}
                  </p>
                  <ul className="ml-4 text-sm">
                    {p.buyers.map((b) => (
                      <li key={b.subOrderId}>
                        <LocalName item={b.buyer} />: {formatNumber(b.quantity, lng)} {unit} ·{" "}
                        {t(`orders.statuses.${b.status}`)} ·{" "}
                        <Link
                          to={`/organizations/${organization.slug}/collection/${b.lineId}`}
                          className="inline-block py-2 font-semibold text-leaf-800 underline print:hidden"
                        >
                          {t("orders.collectionLink")}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
      {list.farmers.length > 0 ? (
        <section aria-labelledby="by-farmer" className="rounded-lg bg-white p-4 shadow-sm">
          <h2 id="by-farmer" className="mb-2 text-xl font-semibold">
            {t("orders.byFarmer")}
          </h2>
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b">
                <th scope="col" className="py-2 pr-2">
                  {t("orders.farmer")}
                </th>
                <th scope="col" className="py-2 pr-2">
                  {t("orders.village")}
                </th>
                <th scope="col" className="py-2">
                  {t("orders.product")}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.farmers.map((f) => (
                <tr key={f.farmer.id} className="border-b last:border-0 align-top">
                  <td className="py-2 pr-2 font-semibold">{f.farmer.name}</td>
                  <td className="py-2 pr-2">{f.farmer.village}</td>
                  <td className="py-2">
                    <ul>
                      {f.items.map((item) => (
                        <li key={item.listing.id}>
                          <LocalName item={item.listing.product} />:{" "}
                          {formatNumber(item.quantity, lng)}{" "}
                          {t(`unit.${item.listing.product.unit}`)}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
