import { getFormProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { env } from "~/env.server";
import { requireBuyer } from "~/orders/access.server";
import { accountFor, checkout, getCart, putInCart, removeFromCart } from "~/checkout/cart.server";
import { OrderError } from "~/orders/orders.server";
import { cardReturnUrls } from "~/payments/card";
import { publicOrigin } from "~/http/public-url.server";
import { stripeProvider } from "~/payments/providers.server";
import { PaymentError, type PaymentActor } from "~/payments/settlement.server";
import { WEIGHT_TOLERANCES } from "~/orders/quantities";
import { cardsTake } from "~/money/currency";
import { ErrorList, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { formatCambodiaDateTime, formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";
import { refusalReply, refused } from "~/validation/errors";

export const meta = titleMeta("cart");

const paymentMethods = ["CASH_ON_DELIVERY", "BANK_TRANSFER", "KHQR", "CARD"] as const;

const CheckoutSchema = z.object({
  intent: z.literal("checkout"),
  idempotencyKey: z.uuid("orders.duplicateKey"),
  paymentMethod: z.enum(paymentMethods, { error: "validation.required" }),
  // Which tolerances and how many weeks are allowed is checkout's rule (checkout/cart.server.ts).
  weightTolerancePct: z.coerce.number({ error: "orders.toleranceInvalid" }),
  repeatWeeks: z.coerce.number({ error: "orders.repeatWeeksInvalid" }),
  payLater: z.boolean().optional(),
  // The prices the buyer was shown, "windowId:priceMinor": a change refuses the checkout.
  prices: z
    .array(z.string().regex(/^\d{1,10}:\d{1,10}$/, "orders.priceChanged"))
    .min(1, "orders.emptyCart")
    .max(200),
});

const LineIntents = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("update"),
    windowId: dbId,
    quantity: z.coerce
      .number({ error: "orders.quantity" })
      .int("orders.quantity")
      .positive("orders.quantity")
      .max(1_000_000, "orders.notEnoughRemaining"),
  }),
  z.object({ intent: z.literal("remove"), windowId: dbId }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, buyerId } = await requireBuyer(request);
  const cart = await getCart(user.id);
  const account = cart.mixedCurrencies ? null : await accountFor(buyerId, cart.totals[0]?.currency);
  // A fresh key per visit: submitting this page twice makes one order.
  return {
    cart,
    account,
    // Cards go through Stripe, when configured, for dollar orders.
    cardAvailable:
      stripeProvider() !== null &&
      !cart.mixedCurrencies &&
      cart.totals[0] !== undefined &&
      cardsTake(cart.totals[0].currency),
    idempotencyKey: crypto.randomUUID(),
    paymentHours: env.ORDER_PAYMENT_HOURS,
  };
}

/**
 * Straight on to Stripe's card page. Should Stripe not answer, the order stays placed and waiting
 * for its payment: the buyer pays from the order's page.
 */
async function cardPageOrOrder(orderId: number, payer: PaymentActor) {
  try {
    return await stripeProvider()!.cardPaymentPage(
      orderId,
      payer,
      cardReturnUrls(publicOrigin(), orderId),
    );
  } catch (error) {
    console.warn(`Card payment page for order ${orderId} not made: ${String(error)}`);
    return `/orders/${orderId}?placed=1&card=unavailable`;
  }
}

type LineAnswer = { windowId: number; error: string };

export async function action({ request }: ActionFunctionArgs) {
  const { user, buyerId } = await requireBuyer(request);
  const formData = await readFormData(request);
  if (formData.get("intent") === "checkout") {
    const submission = parseWithZod(formData, { schema: CheckoutSchema });
    if (submission.status !== "success")
      return Response.json({ checkout: submission.reply() }, { status: 400 });
    try {
      const { orderId } = await checkout({
        userId: user.id,
        payer: user,
        buyerId,
        idempotencyKey: submission.value.idempotencyKey,
        paymentMethod: submission.value.paymentMethod,
        weightTolerancePct: submission.value.weightTolerancePct,
        repeatWeeks: submission.value.repeatWeeks,
        payLater: submission.value.payLater ?? false,
        expectedPrices: new Map(
          submission.value.prices.map((entry) => {
            const [windowId, price] = entry.split(":").map(Number);
            return [windowId!, price!];
          }),
        ),
      });
      if (submission.value.paymentMethod !== "CARD" || submission.value.payLater)
        return redirect(`/orders/${orderId}?placed=1`);
      return redirect(await cardPageOrOrder(orderId, user));
    } catch (error) {
      return Response.json(
        { checkout: refusalReply(submission, refused(error, OrderError, PaymentError)) },
        { status: 400 },
      );
    }
  }
  const parsed = LineIntents.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const windowId = Number(formData.get("windowId")) || 0;
    return Response.json(
      { line: { windowId, error: "orders.quantity" } satisfies LineAnswer },
      {
        status: 400,
      },
    );
  }
  try {
    if (parsed.data.intent === "remove") await removeFromCart(user.id, parsed.data.windowId);
    else await putInCart(user.id, parsed.data.windowId, parsed.data.quantity);
  } catch (error) {
    const refusal = refused(error, OrderError);
    return Response.json(
      { line: { windowId: parsed.data.windowId, error: refusal.key } satisfies LineAnswer },
      { status: 400 },
    );
  }
  return redirect("/cart");
}

export default function Cart() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { cart, account, cardAvailable, idempotencyKey, paymentHours } =
    useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const lineAnswer = answer && "line" in answer ? answer.line : undefined;
  const [form, fields] = useForm({
    id: "checkout",
    lastResult: answer && "checkout" in answer ? answer.checkout : undefined,
    constraint: getZodConstraint(CheckoutSchema),
    defaultValue: { paymentMethod: "CASH_ON_DELIVERY", weightTolerancePct: "0", repeatWeeks: "1" },
  });

  // One group per cooperative and delivery date: exactly the sub-orders the order will have.
  const groups = new Map<string, typeof cart.lines>();
  for (const line of cart.lines) {
    const key = `${line.listing.cooperative.id}:${line.deliveryDate}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const blocked = cart.lines.some((l) => l.problem) || cart.mixedCurrencies;

  return (
    <section aria-labelledby="cart-title" className="space-y-6">
      <h1 id="cart-title" className="text-3xl font-bold text-leaf-800">
        {t("orders.cart")}
      </h1>
      {cart.lines.length === 0 ? (
        <p>
          {t("orders.cartEmpty")}{" "}
          <Link to="/" className="text-leaf-700 underline">
            {t("nav.market")}
          </Link>
        </p>
      ) : null}
      {[...groups.values()].map((lines) => {
        const first = lines[0]!;
        return (
          <section
            key={`${first.listing.cooperative.id}:${first.deliveryDate}`}
            className="rounded-lg bg-white p-4 shadow-sm"
          >
            <h2 className="text-lg font-semibold">
              <LocalName item={first.listing.cooperative} /> ·{" "}
              {t("orders.deliveryOn", {
                date: formatDate(first.deliveryDate, lng, { weekday: true }),
              })}
            </h2>
            <ul className="mt-2 divide-y">
              {lines.map((line) => {
                const unit = t(`unit.${line.listing.product.unit}`);
                const error =
                  lineAnswer?.windowId === line.windowId ? lineAnswer.error : line.problem;
                const inputId = `quantity-${line.windowId}`;
                return (
                  <li key={line.windowId} className="flex flex-wrap items-end gap-3 py-3">
                    <div className="min-w-48 flex-1">
                      <Link to={`/listings/${line.listing.id}`} className="font-semibold underline">
                        <LocalName item={line.listing.product} />
                      </Link>
                      <p className="text-sm text-stone-600">
                        {formatMoney(line.listing.priceMinor, line.listing.currency, lng)}{" "}
                        {t("supply.perUnit", { unit })} ·{" "}
                        {t("supply.closesAt", { when: formatCambodiaDateTime(line.cutoffAt, lng) })}
                      </p>
                    </div>
                    <Form method="post" className="flex items-end gap-2">
                      <input type="hidden" name="windowId" value={line.windowId} />
                      <div>
                        <label htmlFor={inputId} className="block text-sm font-semibold">
                          {t("orders.quantityIn", { unit })}
                        </label>
                        <input
                          id={inputId}
                          name="quantity"
                          type="number"
                          min={line.listing.minOrderQuantity}
                          required
                          defaultValue={line.quantity}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${inputId}-error` : undefined}
                          className="mt-1 block w-24 rounded-md border border-stone-400 bg-white px-3 py-2 aria-[invalid=true]:border-red-700"
                        />
                      </div>
                      <button
                        type="submit"
                        name="intent"
                        value="update"
                        className="rounded-md border border-leaf-700 px-3 py-2 font-semibold text-leaf-800"
                      >
                        {t("orders.update")}
                      </button>
                      <button
                        type="submit"
                        name="intent"
                        value="remove"
                        formNoValidate
                        className="rounded-md px-3 py-2 text-red-800 underline"
                      >
                        {t("orders.remove")}
                      </button>
                    </Form>
                    <p className="w-32 text-right font-semibold">
                      {formatMoney(line.amountMinor, line.listing.currency, lng)}
                    </p>
                    {error ? (
                      <p
                        id={`${inputId}-error`}
                        className="w-full text-sm font-semibold text-red-700"
                      >
                        {t(error)}
                        {error === "orders.notEnoughRemaining"
                          ? ` (${formatNumber(line.remaining, lng)} ${unit})`
                          : ""}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}

      {cart.lines.length > 0 ? (
        <Form
          method="post"
          {...getFormProps(form)}
          className="space-y-4 rounded-lg bg-white p-4 shadow-sm"
          aria-labelledby="checkout-title"
        >
          <h2 id="checkout-title" className="text-xl font-semibold">
            {t("orders.checkoutTitle")}
          </h2>
          <FormErrors errors={form.errors} />
          {cart.mixedCurrencies ? <ErrorMessage>{t("orders.mixedCurrencies")}</ErrorMessage> : null}
          <input type="hidden" name="intent" value="checkout" />
          <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
          {cart.lines.map((line) => (
            <input
              key={line.windowId}
              type="hidden"
              name="prices"
              value={`${line.windowId}:${line.listing.priceMinor}`}
            />
          ))}
          <fieldset>
            <legend className="font-semibold">{t("orders.paymentMethod")}</legend>
            {paymentMethods
              .filter((method) => method !== "KHQR" || cart.khqrAvailable)
              .filter((method) => method !== "CARD" || cardAvailable)
              .map((method) => (
                <label key={method} className="mt-1 flex items-center gap-2">
                  <input
                    type="radio"
                    name={fields.paymentMethod.name}
                    value={method}
                    defaultChecked={fields.paymentMethod.initialValue === method}
                  />
                  {t(`orders.paymentMethods.${method}`)}
                </label>
              ))}
            <p className="mt-1 text-sm text-stone-600">
              {t("orders.paymentHint", { hours: paymentHours })}
            </p>
            <ErrorList errors={fields.paymentMethod.errors} />
          </fieldset>
          {cart.hasByWeight ? (
            <div>
              <label htmlFor={fields.weightTolerancePct.id} className="block font-semibold">
                {t("orders.tolerance")}
              </label>
              <p className="text-sm text-stone-600">{t("orders.toleranceHint")}</p>
              <select
                id={fields.weightTolerancePct.id}
                name={fields.weightTolerancePct.name}
                defaultValue={fields.weightTolerancePct.initialValue}
                className="mt-1 block rounded-md border border-stone-400 bg-white px-3 py-2"
              >
                {WEIGHT_TOLERANCES.map((pct) => (
                  <option key={pct} value={pct}>
                    {pct === 0 ? t("orders.toleranceExact") : t("orders.toleranceOption", { pct })}
                  </option>
                ))}
              </select>
              <ErrorList errors={fields.weightTolerancePct.errors} />
            </div>
          ) : (
            <input type="hidden" name={fields.weightTolerancePct.name} value="0" />
          )}
          <div>
            <label htmlFor={fields.repeatWeeks.id} className="block font-semibold">
              {t("orders.repeat")}
            </label>
            <select
              id={fields.repeatWeeks.id}
              name={fields.repeatWeeks.name}
              defaultValue={fields.repeatWeeks.initialValue}
              className="mt-1 block rounded-md border border-stone-400 bg-white px-3 py-2"
            >
              <option value="1">{t("orders.repeatOnce")}</option>
              {[2, 4, 8, 12, 26].map((weeks) => (
                <option key={weeks} value={weeks}>
                  {t("orders.repeatWeeks", { count: weeks })}
                </option>
              ))}
            </select>
            <ErrorList errors={fields.repeatWeeks.errors} />
          </div>
          {account ? (
            <div>
              <label className="flex items-center gap-2 font-semibold">
                <input type="checkbox" name="payLater" value="on" />
                {t("orders.payLater", { days: account.termDays })}
              </label>
              <p className="text-sm text-stone-600">
                {t("orders.payLaterHint", {
                  available: formatMoney(account.availableMinor, account.currency, lng),
                })}
              </p>
            </div>
          ) : null}
          {cart.totals.map((total) => (
            <p key={total.currency} className="text-right text-lg font-bold">
              {t("orders.total")}: {formatMoney(total.totalMinor, total.currency, lng)}
            </p>
          ))}
          {blocked ? null : <SubmitButton>{t("orders.placeOrder")}</SubmitButton>}
        </Form>
      ) : null}
    </section>
  );
}
