import { getFormProps, getInputProps } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dbId } from "~/validation/schemas";
import { getUser } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { buyerIdOf, requireBuyer } from "~/orders/access.server";
import { putInCart } from "~/checkout/cart.server";
import { OrderError } from "~/orders/orders.server";
import { ErrorList, useForm } from "~/ui/forms";
import { StatusMessage } from "~/ui/messages";
import { getPublishedListing } from "~/supply/queries.server";
import { remainingOf } from "~/supply/rules";
import { formatCambodiaDateTime, formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { Photos } from "~/supply/photos";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { namedTitle } from "~/ui/page-title";
import { refusalReply, refused } from "~/validation/errors";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: namedTitle(matches, data?.listing.product) },
];

const AddToCartSchema = z.object({
  windowId: dbId,
  quantity: z.coerce
    .number({ error: "orders.quantity" })
    .int("orders.quantity")
    .positive("orders.quantity")
    .max(1_000_000, "orders.notEnoughRemaining"),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = dbId.safeParse(params.listingId);
  invariantResponse(id.success, "Not found", { status: 404 });
  // Drafts, paused and closed listings are not for buyers.
  const [listing, user] = await Promise.all([getPublishedListing(id.data), getUser(request)]);
  invariantResponse(listing, "Not found", { status: 404 });
  return { listing, canOrder: buyerIdOf(user) !== null, signedIn: user !== null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = dbId.safeParse(params.listingId);
  invariantResponse(id.success, "Not found", { status: 404 });
  const { user } = await requireBuyer(request);
  const submission = parseWithZod(await readFormData(request), { schema: AddToCartSchema });
  if (submission.status !== "success")
    return Response.json(
      { windowId: Number(submission.payload.windowId), reply: submission.reply() },
      { status: 400 },
    );
  try {
    await putInCart(user.id, submission.value.windowId, submission.value.quantity);
  } catch (error) {
    const { key } = refused(error, OrderError);
    return Response.json(
      {
        windowId: submission.value.windowId,
        // The window's refusals (sold out, too little left) are about the quantity asked for.
        reply: refusalReply(submission, { key, field: "quantity" }),
      },
      { status: 400 },
    );
  }
  return redirect(`/listings/${id.data}?added=${submission.value.windowId}`);
}

function AddToCart({
  windowId,
  minimum,
  unit,
}: {
  windowId: number;
  minimum: number;
  unit: string;
}) {
  const { t } = useTranslation();
  const answer = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: `add-${windowId}`,
    lastResult: answer?.windowId === windowId ? answer.reply : undefined,
    constraint: getZodConstraint(AddToCartSchema),
    defaultValue: { windowId: String(windowId), quantity: String(minimum) },
    shouldRevalidate: "onBlur",
  });
  const errorId = fields.quantity.errors?.length ? fields.quantity.errorId : undefined;
  return (
    <Form method="post" {...getFormProps(form)} className="flex w-full flex-wrap items-end gap-2">
      <input type="hidden" name="windowId" value={windowId} />
      <div>
        <label htmlFor={fields.quantity.id} className="block text-sm font-semibold">
          {t("orders.quantityIn", { unit })}
        </label>
        <input
          {...getInputProps(fields.quantity, { type: "number", ariaAttributes: true })}
          key={fields.quantity.key}
          min={minimum}
          aria-describedby={errorId}
          className="mt-1 block w-28 rounded-md border border-stone-400 bg-white px-3 py-2 aria-[invalid=true]:border-red-700"
        />
      </div>
      <button
        type="submit"
        className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white hover:bg-leaf-800"
      >
        {t("orders.addToCart")}
      </button>
      <div className="w-full">
        <ErrorList id={errorId} errors={fields.quantity.errors} />
      </div>
    </Form>
  );
}

export default function Listing() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { listing, canOrder, signedIn } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
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
        {searchParams.get("added") ? (
          <StatusMessage>
            {t("orders.added")}{" "}
            <Link to="/cart" className="font-semibold text-leaf-800 underline">
              {t("orders.cart")}
            </Link>
          </StatusMessage>
        ) : null}
        {!canOrder && listing.windows.length > 0 ? (
          <p className="text-stone-700">
            {signedIn ? (
              t("orders.onlyBuyers")
            ) : (
              <Link
                to={`/login?${new URLSearchParams({ redirectTo: `/listings/${listing.id}` })}`}
                className="text-leaf-700 underline"
              >
                {t("orders.signInToOrder")}
              </Link>
            )}
          </p>
        ) : null}
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
              {canOrder && remainingOf(w) >= listing.minOrderQuantity ? (
                <AddToCart windowId={w.id} minimum={listing.minOrderQuantity} unit={unit} />
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
