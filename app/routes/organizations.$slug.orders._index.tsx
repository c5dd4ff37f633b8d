import { type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { type SubOrderStatus } from "~/db/generated/enums";
import { requireCooperativeOrders } from "~/orders/access.server";
import { StatusBadge } from "~/orders/order-ui";
import { deliveryDatesToPrepare, listCooperativeSubOrders } from "~/orders/queries.server";
import { dateOnly } from "~/calendar/dates";
import { formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("orders");

const Filter = z.enum(["open", "all"]).catch("open");
const open: SubOrderStatus[] = ["PLACED", "CONFIRMED", "ACCEPTED", "PACKED"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { organization } = await requireCooperativeOrders(
    request,
    params.slug,
    "fulfil:orders:own",
  );
  const filter = Filter.parse(new URL(request.url).searchParams.get("show"));
  const [subOrders, dates] = await Promise.all([
    listCooperativeSubOrders(organization.id, filter === "open" ? open : undefined),
    deliveryDatesToPrepare(organization.id),
  ]);
  return { organization, subOrders, dates, filter };
}

export default function Inbox() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, subOrders, dates, filter } = useLoaderData<typeof loader>();
  const tab = (value: "open" | "all") =>
    `rounded-md px-3 py-1 font-semibold ${filter === value ? "bg-leaf-700 text-white" : "border border-leaf-700 text-leaf-800"}`;
  return (
    <section aria-labelledby="inbox-title" className="space-y-4">
      <h1 id="inbox-title" className="text-3xl font-bold text-leaf-800">
        {t("orders.inbox")} · <LocalName item={organization} />
      </h1>
      <nav className="flex gap-2" aria-label={t("orders.status")}>
        <Link
          to="?show=open"
          className={tab("open")}
          aria-current={filter === "open" ? "page" : undefined}
        >
          {t("orders.filters.open")}
        </Link>
        <Link
          to="?show=all"
          className={tab("all")}
          aria-current={filter === "all" ? "page" : undefined}
        >
          {t("orders.filters.all")}
        </Link>
      </nav>
      {dates.length > 0 ? (
        <p className="flex flex-wrap gap-2">
          <span className="font-semibold">{t("orders.pickList")}:</span>
          {dates.map((d) => (
            <Link
              key={String(d.deliveryDate)}
              to={`/organizations/${organization.slug}/pick-list?date=${dateOnly(new Date(d.deliveryDate))}`}
              className="text-leaf-700 underline"
            >
              {formatDate(d.deliveryDate, lng)} ({formatNumber(d.subOrders, lng)})
            </Link>
          ))}
        </p>
      ) : null}
      {subOrders.length === 0 ? <p>{t("orders.inboxEmpty")}</p> : null}
      <ul className="divide-y rounded-lg bg-white shadow-sm">
        {subOrders.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
            <Link
              to={`/organizations/${organization.slug}/orders/${s.id}`}
              className="font-semibold text-leaf-800 underline"
            >
              {formatDate(s.deliveryDate, lng, { weekday: true })} ·{" "}
              <LocalName item={s.order.buyer} />
            </Link>
            <span>{formatMoney(s.finalTotalMinor ?? s.totalMinor, s.order.currency, lng)}</span>
            <StatusBadge status={s.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}
