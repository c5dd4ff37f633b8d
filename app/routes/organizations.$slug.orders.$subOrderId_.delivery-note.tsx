import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { dbId } from "~/validation/schemas";
import { invariantResponse } from "~/http/responses";
import { i18nServer } from "~/i18n/i18next.server";
import { requireCooperativeOrders } from "~/orders/access.server";
import { formatQuantityMilli } from "~/orders/quantities";
import { getCooperativeSubOrder } from "~/orders/queries.server";
import { formatDate, formatMoney } from "~/ui/format";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("deliveryNote");

const labelKeys = [
  "orders.deliveryNote",
  "orders.buyer",
  "orders.cooperative",
  "orders.deliveryDate",
  "orders.product",
  "orders.ordered",
  "orders.packed",
  "orders.unitPrice",
  "orders.amount",
  "orders.total",
  "orders.signatureBuyer",
  "orders.signatureCooperative",
  "orders.print",
] as const;

// Printed and handed over with the goods: both languages on one page, whatever the reader's setting.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { organization } = await requireCooperativeOrders(
    request,
    params.slug,
    "fulfil:orders:own",
  );
  const subOrderId = dbId.safeParse(params.subOrderId);
  invariantResponse(subOrderId.success, "Not found", { status: 404 });
  const subOrder = await getCooperativeSubOrder(subOrderId.data, organization.id);
  invariantResponse(subOrder, "Not found", { status: 404 });
  const [km, en] = await Promise.all([i18nServer.getFixedT("km"), i18nServer.getFixedT("en")]);
  const labels = Object.fromEntries(labelKeys.map((key) => [key, { km: km(key), en: en(key) }]));
  const units = Object.fromEntries(
    (["KG", "HEAD", "BUNCH", "TRAY"] as const).map((u) => [
      u,
      { km: km(`unit.${u}`), en: en(`unit.${u}`) },
    ]),
  );
  return { subOrder, labels, units };
}

export default function DeliveryNote() {
  const { subOrder, labels, units } = useLoaderData<typeof loader>();
  const order = subOrder.order;
  const both = (key: (typeof labelKeys)[number]) => (
    <>
      {labels[key]!.km} <span lang="en">/ {labels[key]!.en}</span>
    </>
  );
  const amount = subOrder.finalTotalMinor ?? subOrder.totalMinor;
  return (
    <article
      aria-labelledby="note-title"
      className="mx-auto max-w-3xl space-y-4 bg-white p-6 print:p-0"
    >
      <div className="flex items-start justify-between gap-4">
        <h1 id="note-title" className="text-2xl font-bold">
          {both("orders.deliveryNote")} № {order.id}-{subOrder.id}
        </h1>
        <button
          type="button"
          onClick={() => window.print()}
          className="rounded-md border border-stone-500 px-3 py-1 print:hidden"
        >
          {both("orders.print")}
        </button>
      </div>
      <dl className="grid gap-3 sm:grid-cols-2">
        <div>
          <dt className="text-sm text-stone-600">{both("orders.cooperative")}</dt>
          <dd className="font-semibold">
            {subOrder.cooperative.nameKm} <span lang="en">/ {subOrder.cooperative.nameEn}</span>
          </dd>
          <dd>{subOrder.cooperative.phone}</dd>
        </div>
        <div>
          <dt className="text-sm text-stone-600">{both("orders.buyer")}</dt>
          <dd className="font-semibold">
            {order.buyer.nameKm} <span lang="en">/ {order.buyer.nameEn}</span>
          </dd>
          <dd>
            {order.buyer.district ? `${order.buyer.district.nameKm}, ` : ""}
            {order.buyer.province.nameKm} <span lang="en">/ {order.buyer.province.nameEn}</span>
          </dd>
          <dd>{order.buyer.phone}</dd>
        </div>
        <div>
          <dt className="text-sm text-stone-600">{both("orders.deliveryDate")}</dt>
          <dd className="font-semibold">
            {formatDate(subOrder.deliveryDate, "km", { weekday: true })}{" "}
            <span lang="en">/ {formatDate(subOrder.deliveryDate, "en", { weekday: true })}</span>
          </dd>
        </div>
      </dl>
      <table className="w-full border-collapse text-left text-sm">
        <thead>
          <tr className="border-b-2 border-stone-800">
            <th scope="col" className="py-1 pr-2">
              {both("orders.product")}
            </th>
            <th scope="col" className="py-1 pr-2 text-right">
              {both("orders.ordered")}
            </th>
            <th scope="col" className="py-1 pr-2 text-right">
              {both("orders.packed")}
            </th>
            <th scope="col" className="py-1 pr-2 text-right">
              {both("orders.unitPrice")}
            </th>
            <th scope="col" className="py-1 text-right">
              {both("orders.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {subOrder.lines.map((line) => {
            const unit = units[line.listing.product.unit]!;
            return (
              <tr key={line.id} className="border-b">
                <td className="py-1 pr-2">
                  {line.listing.product.nameKm}{" "}
                  <span lang="en">/ {line.listing.product.nameEn}</span>
                </td>
                <td className="py-1 pr-2 text-right">
                  {line.quantity} {unit.km}
                </td>
                <td className="py-1 pr-2 text-right">
                  {line.packedQuantityMilli === null
                    ? ""
                    : `${formatQuantityMilli(line.packedQuantityMilli)} ${unit.km}`}
                </td>
                <td className="py-1 pr-2 text-right">
                  {formatMoney(line.unitPriceMinor, order.currency, "en")}
                </td>
                <td className="py-1 text-right">
                  {formatMoney(line.finalAmountMinor ?? line.amountMinor, order.currency, "en")}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={4} className="py-2 pr-2 text-right">
              {both("orders.total")}
            </th>
            <td className="py-2 text-right font-bold">
              {formatMoney(amount, order.currency, "en")}
            </td>
          </tr>
        </tfoot>
      </table>
      <div className="grid gap-8 pt-10 sm:grid-cols-2">
        <p className="border-t border-stone-800 pt-1 text-sm">
          {both("orders.signatureCooperative")}
        </p>
        <p className="border-t border-stone-800 pt-1 text-sm">{both("orders.signatureBuyer")}</p>
      </div>
    </article>
  );
}
