import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { readFormData } from "~/http/form-data.server";
import { invariantResponse } from "~/http/responses";
import { requireCooperativeOrders } from "~/orders/access.server";
import {
  CollectionInputError,
  collectionSheet,
  readCollectionForm,
  recordCollection,
} from "~/orders/collection.server";
import { OrderError } from "~/orders/orders.server";
import { formatQuantityMilli } from "~/orders/quantities";
import { dateOnly } from "~/calendar/dates";
import { formatCambodiaDateTime, formatDate, localNames } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("collection");

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const { user, organization } = await requireCooperativeOrders(
    request,
    params.slug,
    "fulfil:orders:own",
  );
  const lineId = dbId.safeParse(params.lineId);
  invariantResponse(lineId.success, "Not found", { status: 404 });
  try {
    const sheet = await collectionSheet(lineId.data, organization.id, user);
    return { user, organization, lineId: lineId.data, sheet };
  } catch (error) {
    if (error instanceof OrderError && error.key === "orders.notFound")
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { organization, sheet } = await load(request, params);
  return { organization, sheet };
}

type Answer = {
  error?: string;
  problems?: Record<string, string>;
  /** What was typed, so a refused sheet comes back as it was sent. */
  typed?: Record<string, string>;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, organization, lineId, sheet } = await load(request, params);
  const formData = await readFormData(request);
  const farmerIds = sheet.rows.map((r) => r.farmer.id);
  const typed: Record<string, string> = {};
  for (const id of farmerIds)
    for (const key of [`q-${id}`, `g-${id}`]) {
      const value = formData.get(key);
      if (typeof value === "string") typed[key] = value.slice(0, 40);
    }
  const read = readCollectionForm(formData, farmerIds, sheet.line.listing.product.unit);
  if (Object.keys(read.problems).length)
    return Response.json({ problems: read.problems, typed } satisfies Answer, { status: 400 });
  try {
    const { recorded } = await recordCollection(lineId, organization.id, read.entries, user);
    return redirect(`/organizations/${organization.slug}/collection/${lineId}?saved=${recorded}`);
  } catch (error) {
    if (error instanceof CollectionInputError)
      return Response.json({ problems: error.problems, typed } satisfies Answer, { status: 400 });
    if (error instanceof OrderError)
      return Response.json({ error: error.key, typed } satisfies Answer, { status: 409 });
    throw error;
  }
}

export default function CollectionPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { organization, sheet } = useLoaderData<typeof loader>();
  const answer = useActionData<Answer>();
  const [search] = useSearchParams();
  const saved = search.get("saved");
  const { line } = sheet;
  const unit = t(`unit.${line.listing.product.unit}`);
  const qty = (milli: number) => formatQuantityMilli(milli);
  const date = dateOnly(new Date(line.window.deliveryDate));
  return (
    <section aria-labelledby="collection-title" className="space-y-4">
      <h1 id="collection-title" className="text-2xl font-bold text-leaf-800">
        {t("orders.collectionTitle")}
      </h1>
      <p className="text-lg">
        {t("orders.collectionFor", {
          product: localNames(line.listing.product, lng).primary,
          buyer: localNames(line.subOrder.order.buyer, lng).primary,
          ordered: line.quantity,
          unit,
        })}{" "}
        · {formatDate(date, lng, { weekday: true })}
      </p>
      <p className="text-lg font-semibold">
        {t("orders.collectedTotal", { quantity: qty(sheet.collectedMilli), unit })}
      </p>
      {saved !== null && !answer ? (
        <StatusMessage>{t("orders.collectionSaved", { count: Number(saved) || 0 })}</StatusMessage>
      ) : null}
      {answer?.problems ? <ErrorMessage>{t("orders.collectionProblems")}</ErrorMessage> : null}
      {answer?.error ? <ErrorMessage>{t(answer.error)}</ErrorMessage> : null}
      {!sheet.open ? <ErrorMessage>{t("orders.collectionClosed")}</ErrorMessage> : null}
      <p className="text-sm text-stone-700">{t("orders.collectionHint")}</p>
      <Form method="post" className="space-y-3">
        <ul className="space-y-3">
          {sheet.rows.map((row) => {
            const id = row.farmer.id;
            const problem = answer?.problems?.[String(id)];
            const typedQ = answer?.typed?.[`q-${id}`];
            const typedG = answer?.typed?.[`g-${id}`];
            return (
              <li key={id} className="rounded-lg bg-white p-3 shadow-sm">
                <p className="text-lg font-semibold">
                  {row.farmer.name}{" "}
                  <span className="font-normal text-stone-600">· {row.farmer.village}</span>
                </p>
                <p className="text-sm">
                  {t("orders.pledgedAmount", { quantity: qty(row.pledgedMilli), unit })}
                  {row.shortfallMilli > 0 ? (
                    <> · {t("orders.shortfall", { quantity: qty(row.shortfallMilli), unit })}</>
                  ) : null}
                </p>
                {row.overMilli > 0 ? (
                  <p className="text-sm font-semibold text-amber-800" role="status">
                    {t("orders.overPledge", { quantity: qty(row.overMilli), unit })}
                  </p>
                ) : null}
                {row.current ? (
                  <p className="text-sm text-stone-700">
                    {t("orders.lastRecorded", {
                      quantity: qty(row.current.quantityMilli),
                      unit,
                      name: row.current.recordedBy?.name ?? "—",
                      time: formatCambodiaDateTime(row.current.recordedAt, lng),
                    })}
                    {row.history.length > 1
                      ? ` · ${t("orders.corrections", { count: row.history.length - 1 })}`
                      : null}
                  </p>
                ) : null}
                <div className="mt-2 flex flex-wrap gap-3">
                  <div className="min-w-36 flex-1">
                    <label htmlFor={`q-${id}`} className="block font-semibold">
                      {t("orders.collectedQuantity", { unit })}
                    </label>
                    <input
                      id={`q-${id}`}
                      name={`q-${id}`}
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      maxLength={20}
                      disabled={!sheet.open}
                      defaultValue={typedQ ?? (row.current ? qty(row.current.quantityMilli) : "")}
                      aria-invalid={problem ? true : undefined}
                      aria-describedby={problem ? `p-${id}` : undefined}
                      className="mt-1 block min-h-12 w-full rounded-md border border-stone-400 bg-white px-3 py-2 text-xl aria-[invalid=true]:border-red-700"
                    />
                  </div>
                  <div className="min-w-28 flex-1">
                    <label htmlFor={`g-${id}`} className="block font-semibold">
                      {t("orders.collectedGrade")}
                    </label>
                    <input
                      id={`g-${id}`}
                      name={`g-${id}`}
                      type="text"
                      autoComplete="off"
                      maxLength={20}
                      disabled={!sheet.open}
                      defaultValue={typedG ?? row.current?.grade ?? ""}
                      className="mt-1 block min-h-12 w-full rounded-md border border-stone-400 bg-white px-3 py-2 text-xl"
                    />
                  </div>
                </div>
                {problem ? (
                  <p id={`p-${id}`} className="mt-1 text-sm font-semibold text-red-700">
                    {t(problem)}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
        {sheet.open ? (
          <button
            type="submit"
            className="min-h-14 w-full rounded-lg bg-leaf-700 px-4 py-3 text-xl font-semibold text-white"
          >
            {t("orders.saveCollection")}
          </button>
        ) : null}
      </Form>
      <p>
        <Link
          to={`/organizations/${organization.slug}/pick-list?date=${date}`}
          className="inline-block py-3 font-semibold text-leaf-800 underline"
        >
          {t("orders.backToPickList")}
        </Link>
        {" · "}
        <Link
          to={`/organizations/${organization.slug}/orders/${line.subOrder.id}`}
          className="inline-block py-3 font-semibold text-leaf-800 underline"
        >
          <LocalName item={line.subOrder.order.buyer} />
        </Link>
      </p>
    </section>
  );
}
