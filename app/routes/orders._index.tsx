import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { requireBuyer } from "~/orders/access.server";
import { StatusBadge } from "~/orders/order-ui";
import { OrderError } from "~/orders/orders.server";
import { listBuyerOrders } from "~/orders/queries.server";
import {
  agreeToStandingPrices,
  listStandingOrders,
  stopStandingOrder,
} from "~/checkout/standing.server";
import { invariantResponse } from "~/http/responses";
import { formatCambodiaDateTime, formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";
import { refused } from "~/validation/errors";

export const meta = titleMeta("orders");

export async function loader({ request }: LoaderFunctionArgs) {
  const { buyerId } = await requireBuyer(request);
  const [orders, standing] = await Promise.all([
    listBuyerOrders(buyerId),
    listStandingOrders(buyerId),
  ]);
  return { orders, standing };
}

const StandingSchema = z.object({
  intent: z.enum(["stop-standing", "agree-prices"]),
  standingOrderId: dbId,
});

export async function action({ request }: ActionFunctionArgs) {
  const { buyerId } = await requireBuyer(request);
  const parsed = StandingSchema.safeParse(Object.fromEntries(await readFormData(request)));
  invariantResponse(parsed.success, "Bad request", { status: 400 });
  const { intent, standingOrderId } = parsed.data;
  try {
    if (intent === "stop-standing") await stopStandingOrder(standingOrderId, buyerId);
    else await agreeToStandingPrices(standingOrderId, buyerId);
  } catch (error) {
    const refusal = refused(error, OrderError);
    if (refusal.key === "orders.notFound") throw new Response("Not found", { status: 404 });
    return redirect(`/orders?refused=${encodeURIComponent(refusal.key)}`);
  }
  return redirect(intent === "stop-standing" ? "/orders?stopped=1" : "/orders?resumed=1");
}

/** Translation keys a refusal may name in the address: anything else is not shown. */
const REFUSALS = new Set(["orders.mixedCurrencies"]);

type Unfilled = { listingId: number; deliveryDate: string; quantity: number; reason: string };
type PriceChange = {
  listingId: number;
  deliveryDate: string;
  reason: string;
  agreedPriceMinor: number | null;
  agreedCurrency: "KHR" | "USD" | null;
  priceMinor: number;
  currency: "KHR" | "USD";
};

export default function Orders() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { orders, standing } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  return (
    <div className="space-y-8">
      <section aria-labelledby="orders-title">
        <h1 id="orders-title" className="mb-4 text-3xl font-bold text-leaf-800">
          {t("orders.history")}
        </h1>
        {orders.length === 0 ? <p>{t("orders.noOrders")}</p> : null}
        <ul className="space-y-3">
          {orders.map((order) => (
            <li key={order.id} className="rounded-lg bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <Link
                  to={`/orders/${order.id}`}
                  className="text-lg font-semibold text-leaf-800 underline"
                >
                  {t("orders.orderTitle", { id: order.id })}
                </Link>
                <span className="text-sm text-stone-600">
                  {formatCambodiaDateTime(order.createdAt, lng)} ·{" "}
                  {t(`orders.paymentMethods.${order.paymentMethod}`)}
                </span>
                <span className="font-semibold">
                  {formatMoney(order.totalMinor, order.currency, lng)}
                </span>
              </div>
              <ul className="mt-2 space-y-1">
                {order.subOrders.map((s) => (
                  <li key={s.id} className="flex flex-wrap items-center gap-2 text-sm">
                    <LocalName item={s.cooperative} /> · {formatDate(s.deliveryDate, lng)}
                    <StatusBadge status={s.status} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="standing-title">
        <h2 id="standing-title" className="mb-3 text-2xl font-semibold">
          {t("orders.standing")}
        </h2>
        {searchParams.get("stopped") ? (
          <StatusMessage>{t("orders.standingStopped")}</StatusMessage>
        ) : null}
        {searchParams.get("resumed") ? (
          <StatusMessage>{t("orders.standingResumed")}</StatusMessage>
        ) : null}
        {REFUSALS.has(searchParams.get("refused") ?? "") ? (
          <ErrorMessage>{t(searchParams.get("refused")!)}</ErrorMessage>
        ) : null}
        {standing.length === 0 ? <p>{t("orders.standingNone")}</p> : null}
        <ul className="space-y-3">
          {standing.map((so) => (
            <li key={so.id} className="rounded-lg bg-white p-4 shadow-sm">
              <p className="font-semibold">
                {t("orders.standingWeeks", { count: so.weeks })} ·{" "}
                {!so.active
                  ? t("orders.standingEnded")
                  : so.pausedAt
                    ? t("orders.standingPaused")
                    : t("orders.standingActive")}
              </p>
              {so.active && so.pausedAt ? (
                <div className="my-2 rounded-md bg-amber-50 p-2 text-sm">
                  <p>{t("orders.standingPausedHint")}</p>
                  <ul>
                    {((so.pauseDetails ?? []) as PriceChange[]).map((c) => {
                      const line = so.lines.find((l) => l.listing.id === c.listingId);
                      return (
                        <li key={`${c.listingId}-${c.deliveryDate}`}>
                          {line ? <LocalName item={line.listing.product} /> : null}:{" "}
                          {t("orders.standingPriceChange", {
                            agreed:
                              c.agreedPriceMinor !== null && c.agreedCurrency
                                ? formatMoney(c.agreedPriceMinor, c.agreedCurrency, lng)
                                : "—",
                            now: formatMoney(c.priceMinor, c.currency, lng),
                          })}
                        </li>
                      );
                    })}
                  </ul>
                  <Form method="post" className="mt-2">
                    <input type="hidden" name="standingOrderId" value={so.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="agree-prices"
                      className="rounded-md bg-leaf-700 px-3 py-1 text-sm font-semibold text-white"
                    >
                      {t("orders.standingAgree")}
                    </button>
                  </Form>
                </div>
              ) : null}
              <ul className="text-sm">
                {so.lines.map((line) => (
                  <li key={`${line.listing.id}-${String(line.firstDeliveryDate)}`}>
                    <LocalName item={line.listing.product} /> {formatNumber(line.quantity, lng)}{" "}
                    {t(`unit.${line.listing.product.unit}`)} ·{" "}
                    <LocalName item={line.listing.cooperative} />
                  </li>
                ))}
              </ul>
              <ol className="mt-2 space-y-1 text-sm">
                {so.runs.map((run) => {
                  const unfilled = run.unfilled as Unfilled[];
                  return (
                    <li key={run.week}>
                      <strong>{t("orders.week", { n: run.week + 1 })}</strong>:{" "}
                      {run.orderId ? (
                        <Link to={`/orders/${run.orderId}`} className="text-leaf-700 underline">
                          {t("orders.weekOrder", { id: run.orderId })}
                        </Link>
                      ) : null}{" "}
                      {unfilled.length === 0
                        ? t("orders.allFilled")
                        : unfilled.map((u) => {
                            const line = so.lines.find((l) => l.listing.id === u.listingId);
                            return (
                              <span
                                key={`${u.listingId}-${u.deliveryDate}`}
                                className="block text-red-800"
                              >
                                {t("orders.unfilled", {
                                  product: line
                                    ? lng === "km"
                                      ? line.listing.product.nameKm
                                      : line.listing.product.nameEn
                                    : "",
                                  quantity: formatNumber(u.quantity, lng),
                                  unit: line ? t(`unit.${line.listing.product.unit}`) : "",
                                  reason: t(u.reason),
                                })}
                              </span>
                            );
                          })}
                    </li>
                  );
                })}
              </ol>
              {so.active ? (
                <Form method="post" className="mt-2">
                  <input type="hidden" name="standingOrderId" value={so.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="stop-standing"
                    className="rounded-md border border-red-800 px-3 py-1 text-sm font-semibold text-red-800"
                  >
                    {t("orders.standingStop")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
