import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { forbidden } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requestInfo } from "~/http/request-info";
import { requireCooperativeOrders } from "~/orders/access.server";
import { proposedPacking } from "~/orders/collection.server";
import { readLineQuantities } from "~/orders/line-form";
import {
  LineQuantityInputs,
  LinesTable,
  StatusBadge,
  SubOrderTotal,
  TransitionHistory,
} from "~/orders/order-ui";
import {
  acceptSubOrder,
  LineQuantityError,
  OrderError,
  packSubOrder,
  rejectSubOrder,
} from "~/orders/orders.server";
import { formatQuantityMilli } from "~/orders/quantities";
import { getCooperativeSubOrder } from "~/orders/queries.server";
import { movesFor } from "~/orders/state-machine";
import { formatDate } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { dbId, plainText } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("orders");

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("accept") }),
  z.object({
    intent: z.literal("reject"),
    reason: plainText({ max: 300, multiline: true }).optional(),
  }),
  z.object({ intent: z.literal("pack") }),
]);

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const { user, organization } = await requireCooperativeOrders(
    request,
    params.slug,
    "fulfil:orders:own",
  );
  const subOrderId = dbId.safeParse(params.subOrderId);
  invariantResponse(subOrderId.success, "Not found", { status: 404 });
  const subOrder = await getCooperativeSubOrder(subOrderId.data, organization.id);
  invariantResponse(subOrder, "Not found", { status: 404 });
  return { user, organization, subOrder };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, organization, subOrder } = await load(request, params);
  const moves = movesFor("COOPERATIVE", subOrder.status, { beforeCutoff: true });
  return {
    organization,
    subOrder,
    canDecide: can(user, "decide:orders:own", organization.id),
    moves,
    proposed: await proposedPacking(subOrder.lines),
  };
}

type Answer = { error?: string; problems?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, organization, subOrder } = await load(request, params);
  const formData = await readFormData(request);
  const parsed = Intent.safeParse(
    Object.fromEntries([...formData].filter(([key]) => key === "intent" || key === "reason")),
  );
  invariantResponse(parsed.success, "Bad request", { status: 400 });
  const ipAddress = requestInfo(request, context).ipAddress;
  const actor = { userId: user.id, ipAddress };
  const here = `/organizations/${organization.slug}/orders/${subOrder.id}`;
  try {
    switch (parsed.data.intent) {
      case "accept":
        await acceptSubOrder(subOrder.id, organization.id, { ...user, ipAddress });
        return redirect(`${here}?done=accepted`);
      case "reject":
        await rejectSubOrder(subOrder.id, organization.id, {
          ...user,
          ipAddress,
          reason: parsed.data.reason || undefined,
        });
        return redirect(`${here}?done=rejected`);
      case "pack": {
        const read = readLineQuantities(formData, subOrder.lines);
        if (!read.ok)
          return Response.json({ problems: read.problems } satisfies Answer, { status: 400 });
        await packSubOrder(subOrder.id, organization.id, read.quantities, actor);
        return redirect(`${here}?done=packed`);
      }
    }
  } catch (error) {
    // The domain refuses a clerk's accept or reject; the page answers it as before, with a 403.
    if (error instanceof OrderError && error.key === "orders.forbidden") forbidden();
    if (error instanceof LineQuantityError)
      return Response.json({ problems: error.problems } satisfies Answer, { status: 400 });
    if (error instanceof OrderError)
      return Response.json({ error: error.key } satisfies Answer, { status: 400 });
    throw error;
  }
}

export default function CooperativeSubOrder() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, subOrder, canDecide, moves, proposed } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const done = searchParams.get("done");
  const order = subOrder.order;
  return (
    <article aria-labelledby="sub-order-title" className="space-y-5">
      <header className="space-y-1">
        <p>
          <Link
            to={`/organizations/${organization.slug}/orders`}
            className="text-leaf-700 underline"
          >
            {t("orders.inbox")}
          </Link>
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 id="sub-order-title" className="text-3xl font-bold text-leaf-800">
            {t("orders.orderTitle", { id: `${order.id}-${subOrder.id}` })}
          </h1>
          <StatusBadge status={subOrder.status} />
        </div>
        <p>
          {t("orders.buyer")}: <LocalName item={order.buyer} />
          {order.buyer.phone ? ` · ${order.buyer.phone}` : ""}
        </p>
        <p>
          {t("orders.deliveryDate")}: {formatDate(subOrder.deliveryDate, lng, { weekday: true })} ·{" "}
          {t(`orders.paymentMethods.${order.paymentMethod}`)}
        </p>
        {order.weightTolerancePct > 0 ? (
          <p className="text-sm text-stone-600">
            {t("orders.tolerancePct", { pct: order.weightTolerancePct })}
          </p>
        ) : null}
        <p>
          <Link
            to={`/organizations/${organization.slug}/orders/${subOrder.id}/delivery-note`}
            className="text-leaf-700 underline"
          >
            {t("orders.deliveryNote")}
          </Link>
        </p>
      </header>
      {done === "accepted" ? <StatusMessage>{t("orders.accepted")}</StatusMessage> : null}
      {done === "rejected" ? <StatusMessage>{t("orders.rejected")}</StatusMessage> : null}
      {done === "packed" ? <StatusMessage>{t("orders.packedDone")}</StatusMessage> : null}
      {answer?.error ? <ErrorMessage>{t(answer.error)}</ErrorMessage> : null}

      <section className="rounded-lg bg-white p-4 shadow-sm">
        <LinesTable
          lines={subOrder.lines}
          currency={order.currency}
          caption={t("orders.product")}
        />
        <SubOrderTotal
          totalMinor={subOrder.totalMinor}
          finalTotalMinor={subOrder.finalTotalMinor}
          currency={order.currency}
        />
      </section>

      {canDecide && moves.includes("ACCEPTED") ? (
        <div className="flex flex-wrap items-end gap-3">
          <Form method="post">
            <button
              type="submit"
              name="intent"
              value="accept"
              className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
            >
              {t("orders.accept")}
            </button>
          </Form>
          <Form method="post" className="flex flex-wrap items-end gap-2">
            <div>
              <label htmlFor="reason" className="block text-sm font-semibold">
                {t("orders.reject")}
              </label>
              <input
                id="reason"
                name="reason"
                maxLength={300}
                className="mt-1 rounded-md border border-stone-400 bg-white px-3 py-2"
              />
            </div>
            <button
              type="submit"
              name="intent"
              value="reject"
              className="rounded-lg border border-red-800 px-4 py-2 font-semibold text-red-800"
            >
              {t("orders.reject")}
            </button>
          </Form>
        </div>
      ) : null}

      {moves.includes("PACKED") ? (
        <Form method="post" className="space-y-3 rounded-lg bg-white p-4 shadow-sm">
          <h2 className="text-xl font-semibold">{t("orders.pack")}</h2>
          <p className="text-sm text-stone-600">{t("orders.packHint")}</p>
          <ul className="text-sm">
            {subOrder.lines.map((line) => (
              <li key={line.id}>
                <LocalName item={line.listing.product} />:{" "}
                {proposed[line.id]!.fromCollection
                  ? t("orders.proposedFromCollection")
                  : t("orders.proposedFromOrder")}{" "}
                <Link
                  to={`/organizations/${organization.slug}/collection/${line.id}`}
                  className="font-semibold text-leaf-800 underline"
                >
                  {t("orders.collectionLink")}
                </Link>
              </li>
            ))}
          </ul>
          <LineQuantityInputs
            lines={subOrder.lines}
            label={(unit) => t("orders.packedQuantity", { unit })}
            defaults={(line) => formatQuantityMilli(proposed[line.id]!.milli)}
            problems={answer?.problems}
          />
          <button
            type="submit"
            name="intent"
            value="pack"
            className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
          >
            {t("orders.markPacked")}
          </button>
        </Form>
      ) : null}

      <TransitionHistory transitions={subOrder.transitions} />
    </article>
  );
}
