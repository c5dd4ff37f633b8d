import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { invariantResponse } from "~/http/responses";
import { requestInfo } from "~/http/request-info";
import { requireBuyer } from "~/orders/access.server";
import { readLineQuantities } from "~/orders/line-form";
import {
  LineQuantityInputs,
  LinesTable,
  StatusBadge,
  SubOrderTotal,
  TransitionHistory,
} from "~/orders/order-ui";
import {
  cancelSubOrder,
  confirmDelivery,
  LineQuantityError,
  OrderError,
} from "~/orders/orders.server";
import { formatQuantityMilli } from "~/orders/quantities";
import { cutoffOf, getBuyerOrder } from "~/orders/queries.server";
import { movesFor } from "~/orders/state-machine";
import { HowToPay } from "~/payments/how-to-pay";
import { cardReturnUrls } from "~/payments/card";
import { publicOrigin } from "~/http/public-url.server";
import {
  cardPaymentOf,
  paymentInstructions,
  paywayCheckoutOf,
} from "~/payments/instructions.server";
import { PayWayCheckout } from "~/payments/payway-checkout";
import { stripeProvider } from "~/payments/providers.server";
import { PaymentError } from "~/payments/settlement.server";
import { formatCambodiaDateTime, formatDate, formatMoney } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { pageTitle } from "~/ui/page-title";
import { refused } from "~/validation/errors";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  {
    title: data ? pageTitle(matches, "order", { id: data.order.id }) : pageTitle(matches, "orders"),
  },
];

const Intent = z.object({
  intent: z.enum(["cancel", "confirm-delivery"]),
  subOrderId: dbId,
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, buyerId } = await requireBuyer(request);
  const orderId = dbId.safeParse(params.orderId);
  invariantResponse(orderId.success, "Not found", { status: 404 });
  const order = await getBuyerOrder(orderId.data, buyerId);
  invariantResponse(order, "Not found", { status: 404 });
  const now = Date.now();
  const payments = await paymentInstructions(order.id, buyerId);
  const card = await cardPaymentOf(order.id, buyerId);
  return {
    payments,
    payway: await paywayCheckoutOf(order.id, buyerId, user),
    card: card && {
      ...card,
      // The buyer may (still) pay: Stripe is configured and every part waits for the money.
      payable:
        stripeProvider() !== null &&
        (card.status === "PENDING" || card.status === "FAILED") &&
        order.subOrders.every((s) => s.status === "PLACED"),
    },
    order: {
      ...order,
      subOrders: order.subOrders.map((s) => ({
        ...s,
        moves: movesFor("BUYER", s.status, { beforeCutoff: now < cutoffOf(s.lines).getTime() }),
      })),
    },
  };
}

type Answer = {
  subOrderId?: number;
  error?: string;
  problems?: Record<string, string>;
  cardError?: string;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, buyerId } = await requireBuyer(request);
  const orderId = dbId.safeParse(params.orderId);
  invariantResponse(orderId.success, "Not found", { status: 404 });
  const order = await getBuyerOrder(orderId.data, buyerId);
  invariantResponse(order, "Not found", { status: 404 });
  const formData = await readFormData(request);
  if (formData.get("intent") === "pay-card") {
    const stripe = stripeProvider();
    invariantResponse(stripe, "Not found", { status: 404 });
    try {
      return redirect(
        await stripe.cardPaymentPage(order.id, user, cardReturnUrls(publicOrigin(), order.id)),
      );
    } catch (error) {
      return Response.json({ cardError: refused(error, PaymentError).key }, { status: 400 });
    }
  }
  const parsed = Intent.safeParse({
    intent: formData.get("intent"),
    subOrderId: formData.get("subOrderId"),
  });
  invariantResponse(parsed.success, "Bad request", { status: 400 });
  const { intent, subOrderId } = parsed.data;
  const actor = { userId: user.id, ipAddress: requestInfo(request, context).ipAddress };
  const subOrder = order.subOrders.find((s) => s.id === subOrderId);
  invariantResponse(subOrder, "Not found", { status: 404 });
  try {
    if (intent === "cancel") {
      await cancelSubOrder(subOrderId, buyerId, actor);
      return redirect(`/orders/${orderId.data}?done=cancelled`);
    }
    const read = readLineQuantities(formData, subOrder.lines);
    if (!read.ok)
      return Response.json({ subOrderId, problems: read.problems } satisfies Answer, {
        status: 400,
      });
    await confirmDelivery(subOrderId, buyerId, read.quantities, actor);
    return redirect(`/orders/${orderId.data}?done=delivered`);
  } catch (error) {
    if (error instanceof LineQuantityError)
      return Response.json({ subOrderId, problems: error.problems } satisfies Answer, {
        status: 400,
      });
    if (error instanceof OrderError)
      return Response.json({ subOrderId, error: error.key } satisfies Answer, { status: 400 });
    throw error;
  }
}

export default function OrderDetail() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { order, payments, card, payway } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  const [searchParams] = useSearchParams();
  const done = searchParams.get("done");
  const waitingForPayment = order.subOrders.some((s) => s.status === "PLACED");
  return (
    <article aria-labelledby="order-title" className="space-y-6">
      <header>
        <h1 id="order-title" className="text-3xl font-bold text-leaf-800">
          {t("orders.orderTitle", { id: order.id })}
        </h1>
        <p className="text-stone-700">
          {t("orders.placedOn", {
            when: formatCambodiaDateTime(order.createdAt, lng),
            name: order.placedBy.name,
          })}{" "}
          · {t(`orders.paymentMethods.${order.paymentMethod}`)}
        </p>
        {order.weightTolerancePct > 0 ? (
          <p className="text-sm text-stone-600">
            {t("orders.tolerancePct", { pct: order.weightTolerancePct })}
          </p>
        ) : null}
      </header>
      {searchParams.get("placed") ? <StatusMessage>{t("orders.placed")}</StatusMessage> : null}
      {done === "cancelled" ? <StatusMessage>{t("orders.cancelled")}</StatusMessage> : null}
      {done === "delivered" ? <StatusMessage>{t("orders.deliveryConfirmed")}</StatusMessage> : null}
      {waitingForPayment && order.paymentDueAt ? (
        <ErrorMessage>
          {t("orders.payBy", { when: formatCambodiaDateTime(order.paymentDueAt, lng) })}
        </ErrorMessage>
      ) : null}

      {payway ? <PayWayCheckout payway={payway} retryTo={`/orders/${order.id}`} /> : null}
      {card ? (
        <CardPayment card={card} dueAt={order.paymentDueAt} error={answer?.cardError} />
      ) : null}

      {order.subOrders.map((s) => {
        const mine = answer?.subOrderId === s.id ? answer : undefined;
        const payment = payments.find((p) => p.subOrderId === s.id);
        return (
          <section
            key={s.id}
            aria-labelledby={`sub-${s.id}`}
            className="space-y-3 rounded-lg bg-white p-4 shadow-sm"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 id={`sub-${s.id}`} className="text-xl font-semibold">
                <LocalName item={s.cooperative} /> ·{" "}
                {formatDate(s.deliveryDate, lng, { weekday: true })}
              </h2>
              <StatusBadge status={s.status} />
            </div>
            {mine?.error ? <ErrorMessage>{t(mine.error)}</ErrorMessage> : null}
            <LinesTable lines={s.lines} currency={order.currency} caption={t("orders.product")} />
            <SubOrderTotal
              totalMinor={s.totalMinor}
              finalTotalMinor={s.finalTotalMinor}
              currency={order.currency}
            />
            {payment ? <HowToPay payment={payment} /> : null}
            {s.status === "PACKED" ? (
              <Form method="post" className="space-y-3 border-t pt-3">
                <h3 className="font-semibold">{t("orders.confirmDelivery")}</h3>
                <p className="text-sm text-stone-600">{t("orders.confirmDeliveryHint")}</p>
                <input type="hidden" name="subOrderId" value={s.id} />
                <LineQuantityInputs
                  lines={s.lines}
                  label={(unit) => t("orders.receivedQuantity", { unit })}
                  defaults={(line) =>
                    formatQuantityMilli(line.packedQuantityMilli ?? line.quantity * 1000)
                  }
                  problems={mine?.problems}
                />
                <button
                  type="submit"
                  name="intent"
                  value="confirm-delivery"
                  className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
                >
                  {t("orders.confirmDelivery")}
                </button>
              </Form>
            ) : null}
            {s.moves.includes("CANCELLED") ? (
              <Form method="post">
                <input type="hidden" name="subOrderId" value={s.id} />
                <button
                  type="submit"
                  name="intent"
                  value="cancel"
                  className="rounded-md border border-red-800 px-3 py-2 font-semibold text-red-800"
                >
                  {t("orders.cancel")}
                </button>
              </Form>
            ) : null}
            <TransitionHistory transitions={s.transitions} />
          </section>
        );
      })}
    </article>
  );
}

type CardState = {
  status: "PENDING" | "SUCCEEDED" | "FAILED" | "REFUNDED";
  currency: "KHR" | "USD";
  amountMinor: number;
  payable: boolean;
};

/** The order's card payment: its state, and the button to Stripe's page while it can be paid. */
function CardPayment({
  card,
  dueAt,
  error,
}: {
  card: CardState;
  dueAt: Date | string | null;
  error?: string;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [searchParams] = useSearchParams();
  const returned = searchParams.get("card");
  const amount = formatMoney(card.amountMinor, card.currency, lng);
  return (
    <section aria-labelledby="card-title" className="space-y-2 rounded-lg bg-white p-4 shadow-sm">
      <h2 id="card-title" className="text-xl font-semibold">
        {t("payments.cardTitle")}
      </h2>
      {error ? <ErrorMessage>{t(error)}</ErrorMessage> : null}
      {card.status === "SUCCEEDED" || card.status === "REFUNDED" ? (
        <p>{t("payments.cardPaid", { amount })}</p>
      ) : null}
      {card.status === "FAILED" ? <p>{t("payments.cardFailed")}</p> : null}
      {card.payable && returned === "returned" ? (
        <StatusMessage>{t("payments.cardReturned")}</StatusMessage>
      ) : null}
      {card.payable && returned === "cancelled" && dueAt ? (
        <p>{t("payments.cardCancelled", { when: formatCambodiaDateTime(dueAt, lng) })}</p>
      ) : null}
      {card.payable && returned !== "returned" ? (
        <Form method="post" className="space-y-2">
          <p className="text-sm text-stone-700">{t("payments.cardHint")}</p>
          <button
            type="submit"
            name="intent"
            value="pay-card"
            className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
          >
            {t("payments.payByCard", { amount })}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
