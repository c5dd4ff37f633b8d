import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { forbidden, requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { listDistricts, listProvinces } from "~/organizations/places.server";
import { ListingForm, ListingFormSchema } from "~/supply/listing-form";
import {
  addWindow,
  copyLastWeek,
  setListingStatus,
  setPledges,
  SupplyError,
  updateListing,
} from "~/supply/listings.server";
import {
  getListingForCooperative,
  listMembersForPledges,
  listProductsForListing,
} from "~/supply/queries.server";
import { cambodiaInstant } from "~/calendar/dates";
import { formatPriceInput, MAX_QUANTITY, remainingOf } from "~/supply/rules";
import { MISSING_MEMBER_RULES } from "~/supply/pledge-csv";
import { importPledgeCsv } from "~/supply/pledge-import.server";
import { formatCambodiaDateTime, formatDate, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { Photos } from "~/supply/photos";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { readFormData } from "~/http/form-data.server";
import { dbId, idInFieldName, isoDate } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";
import { domainReply, refused } from "~/validation/errors";

const deliveryDate = isoDate("validation.dateRange");
const CSV_MAX_BYTES = 100_000;

const OtherIntents = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("status"),
    status: z.enum(["DRAFT", "PUBLISHED", "PAUSED", "CLOSED"]),
  }),
  z.object({
    intent: z.literal("add-window"),
    deliveryDate: deliveryDate,
    cutoffDate: deliveryDate,
    cutoffTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "validation.required"),
  }),
  z.object({ intent: z.literal("copy-week") }),
  z.object({ intent: z.literal("pledges"), windowId: dbId }),
  z.object({
    intent: z.literal("import-csv"),
    windowId: dbId,
    missing: z.enum(MISSING_MEMBER_RULES).default("keep"),
  }),
]);

export const meta = titleMeta("listing");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "record:pledges:own", organization.id);
  const listingId = dbId.safeParse(params.listingId);
  invariantResponse(listingId.success, "Not found", { status: 404 });
  const [listing, members, products, provinces, districts] = await Promise.all([
    getListingForCooperative(listingId.data, organization.id),
    listMembersForPledges(organization.id),
    listProductsForListing(listingId.data),
    listProvinces(),
    listDistricts(organization.provinceCode),
  ]);
  invariantResponse(listing, "Not found", { status: 404 });
  const selected = dbId.safeParse(new URL(request.url).searchParams.get("window"));
  const now = new Date();
  const selectedWindow =
    listing.windows.find((w) => selected.success && w.id === selected.data) ??
    listing.windows.find((w) => w.cutoffAt > now) ??
    listing.windows.at(-1) ??
    null;
  return {
    organization,
    listing,
    members,
    products,
    provinces,
    districts,
    selectedWindowId: selectedWindow?.id ?? null,
    canManage: can(user, "manage:listings:own", organization.id),
  };
}

type ActionData = {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  csvErrors?: { line: number; problem: string }[];
  saved?: string;
  copied?: number;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "record:pledges:own", organization.id);
  const listingId = dbId.safeParse(params.listingId);
  invariantResponse(listingId.success, "Not found", { status: 404 });
  // The supply module checks what this user may change (manage listings, record pledges).
  const actor = { ...user, ipAddress: requestInfo(request, context).ipAddress };
  const formData = await readFormData(request);
  const intent = formData.get("intent");
  const here = `/organizations/${organization.slug}/listings/${listingId.data}`;

  try {
    if (intent === "update") {
      const submission = parseWithZod(formData, { schema: ListingFormSchema });
      if (submission.status !== "success")
        return Response.json(submission.reply(), { status: 400 });
      try {
        await updateListing(listingId.data, organization.id, submission.value, actor);
      } catch (error) {
        const refusal = refused(error, SupplyError);
        if (refusal.key === "supply.forbidden") forbidden();
        return domainReply(submission, refusal);
      }
      return redirect(`${here}?saved=1`);
    }

    const parsed = OtherIntents.safeParse(
      Object.fromEntries([...formData].filter(([, v]) => typeof v === "string")),
    );
    if (!parsed.success) {
      return Response.json(
        {
          error: "validation.required",
          fieldErrors: z.flattenError(parsed.error).fieldErrors,
        } satisfies ActionData,
        {
          status: 400,
        },
      );
    }
    const data = parsed.data;
    switch (data.intent) {
      case "status":
        await setListingStatus(listingId.data, organization.id, data.status, actor);
        return redirect(here);
      case "add-window": {
        await addWindow(
          listingId.data,
          organization.id,
          {
            deliveryDate: data.deliveryDate,
            cutoffAt: cambodiaInstant(data.cutoffDate, data.cutoffTime),
          },
          actor,
        );
        return redirect(here);
      }
      case "copy-week":
        return {
          copied: await copyLastWeek(listingId.data, organization.id, actor),
        } satisfies ActionData;
      case "pledges": {
        const pledges: { farmerId: number; quantity: number }[] = [];
        for (const [key, value] of formData) {
          // pledge-<farmer id>; an id past int4 (pledge-2147483648) names no farmer: a 400.
          // The quantity's range is the supply module's rule (setPledges).
          const farmerId = idInFieldName(key, "pledge");
          if (farmerId === undefined) continue;
          const text = String(value).trim();
          const quantity = text === "" ? 0 : Number(text);
          if (farmerId === null) {
            return Response.json(
              {
                error: "supply.quantity",
                fieldErrors: { [key]: ["supply.quantity"] },
              } satisfies ActionData,
              {
                status: 400,
              },
            );
          }
          pledges.push({ farmerId, quantity });
        }
        await setPledges(data.windowId, organization.id, pledges, actor);
        return redirect(`${here}?window=${data.windowId}&saved=1`);
      }
      case "import-csv": {
        const file = formData.get("file");
        if (!(file instanceof File) || file.size === 0 || file.size > CSV_MAX_BYTES) {
          return Response.json({ error: "supply.csvEmpty" } satisfies ActionData, { status: 400 });
        }
        const { errors } = await importPledgeCsv(
          data.windowId,
          organization.id,
          await file.text(),
          data.missing,
          actor,
        );
        if (errors.length)
          return Response.json({ csvErrors: errors } satisfies ActionData, { status: 400 });
        return redirect(`${here}?window=${data.windowId}&saved=1`);
      }
    }
  } catch (error) {
    const { key, field } = refused(error, SupplyError);
    if (key === "supply.forbidden") forbidden();
    return Response.json(
      { error: key, fieldErrors: field ? { [field]: [key] } : undefined } satisfies ActionData,
      { status: key === "supply.notFound" ? 404 : 400 },
    );
  }
  return Response.json({ error: "validation.required" } satisfies ActionData, { status: 400 });
}

export default function ManageListing() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { listing, members, products, provinces, districts, selectedWindowId, canManage } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (ActionData & { status?: string }) | undefined;
  const unit = t(`unit.${listing.product.unit}`);
  const selectedWindow = listing.windows.find((w) => w.id === selectedWindowId);
  const pledgeOf = new Map(selectedWindow?.pledges.map((p) => [p.farmerId, p.quantity]));
  const date = (value: Date | string) => formatDate(value, lng);
  const dateTime = (value: Date | string) => formatCambodiaDateTime(value, lng);
  const [searchParams] = useSearchParams();
  const saved = searchParams.has("saved");

  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-3xl font-bold text-leaf-800">
          <LocalName item={listing.product} />
        </h1>
        <p>
          {t("supply.gradeLabel", { grade: listing.grade })} ·{" "}
          {formatMoney(listing.priceMinor, listing.currency, lng)} {t("supply.perUnit", { unit })} ·{" "}
          <strong>{t(`supply.statuses.${listing.status}`)}</strong>
        </p>
        {listing.status === "PUBLISHED" ? (
          <Link to={`/listings/${listing.id}`} className="text-leaf-700 underline">
            /listings/{listing.id}
          </Link>
        ) : null}
      </header>

      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      {result?.csvErrors?.length ? (
        <ErrorMessage>
          <ul>
            {result.csvErrors.map((e) => (
              <li key={e.line}>{t(e.problem, { line: e.line })}</li>
            ))}
          </ul>
        </ErrorMessage>
      ) : null}
      {result?.copied !== undefined ? (
        <StatusMessage>{t("supply.copied", { count: result.copied })}</StatusMessage>
      ) : null}
      {saved ? <StatusMessage>{t("supply.saved")}</StatusMessage> : null}
      {searchParams.get("photoError")?.startsWith("supply.") ? (
        <ErrorMessage>{t(searchParams.get("photoError")!)}</ErrorMessage>
      ) : null}

      <section aria-labelledby="photos-title">
        <h2 id="photos-title" className="text-xl font-semibold">
          {t("supply.photos")}
        </h2>
        <Photos
          photos={listing.photos}
          alt={t("supply.photoOf", { product: listing.product.nameKm })}
        />
        {canManage ? (
          <Form
            method="post"
            action="photos"
            encType="multipart/form-data"
            reloadDocument
            className="mt-2 rounded-lg bg-white p-3 shadow-sm"
          >
            <label className="block">
              <span className="block font-semibold">{t("supply.photoFile")}</span>
              <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" required />
            </label>
            <button
              type="submit"
              className="mt-2 rounded-lg border border-leaf-700 px-3 py-1 font-semibold text-leaf-800"
            >
              {t("supply.upload")}
            </button>
          </Form>
        ) : null}
      </section>

      {canManage ? (
        <section aria-labelledby="status-title">
          <h2 id="status-title" className="text-xl font-semibold">
            {t("supply.status")}
          </h2>
          <div className="mt-2 flex flex-wrap gap-2">
            {(["PUBLISHED", "PAUSED", "CLOSED"] as const)
              .filter((status) => status !== listing.status && listing.status !== "CLOSED")
              .map((status) => (
                <Form method="post" key={status}>
                  <input type="hidden" name="intent" value="status" />
                  <input type="hidden" name="status" value={status} />
                  <button
                    type="submit"
                    className="rounded-lg border border-leaf-700 px-3 py-1 font-semibold text-leaf-800"
                  >
                    {t(
                      status === "PUBLISHED"
                        ? "supply.publish"
                        : status === "PAUSED"
                          ? "supply.pause"
                          : "supply.close",
                    )}
                  </button>
                </Form>
              ))}
          </div>
        </section>
      ) : null}

      <section aria-labelledby="windows-title">
        <h2 id="windows-title" className="text-xl font-semibold">
          {t("supply.windows")}
        </h2>
        {listing.windows.length === 0 ? <p>{t("supply.noWindows")}</p> : null}
        <div className="overflow-x-auto">
          <table className="mt-2 w-full bg-white text-left text-sm shadow-sm">
            <thead>
              <tr className="border-b">
                <th scope="col" className="p-2">
                  {t("supply.deliveryDate")}
                </th>
                <th scope="col" className="p-2">
                  {t("supply.cutoffDate")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("supply.capacity")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("supply.reserved")}
                </th>
                <th scope="col" className="p-2 text-right">
                  {t("supply.remaining")}
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.windows.map((w) => (
                <tr
                  key={w.id}
                  className={`border-b ${w.id === selectedWindowId ? "bg-leaf-50" : ""}`}
                >
                  <th scope="row" className="p-2 font-normal">
                    <Link to={`?window=${w.id}`} className="text-leaf-700 underline">
                      {date(w.deliveryDate)}
                    </Link>
                  </th>
                  <td className="p-2">{dateTime(w.cutoffAt)}</td>
                  <td className="p-2 text-right">{formatNumber(w.capacity, lng)}</td>
                  <td className="p-2 text-right">{formatNumber(w.reserved, lng)}</td>
                  <td className="p-2 text-right font-semibold">
                    {formatNumber(remainingOf(w), lng)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canManage ? (
          <div className="mt-3 flex flex-wrap items-end gap-3">
            <Form
              method="post"
              className="flex flex-wrap items-end gap-2 rounded-lg bg-white p-3 shadow-sm"
            >
              <input type="hidden" name="intent" value="add-window" />
              <label className="block">
                <span className="block text-sm font-semibold">{t("supply.deliveryDate")}</span>
                <input
                  type="date"
                  name="deliveryDate"
                  required
                  className="rounded-md border px-2 py-1"
                />
              </label>
              <label className="block">
                <span className="block text-sm font-semibold">{t("supply.cutoffDate")}</span>
                <input
                  type="date"
                  name="cutoffDate"
                  required
                  className="rounded-md border px-2 py-1"
                />
              </label>
              <label className="block">
                <span className="block text-sm font-semibold">{t("supply.cutoffTime")}</span>
                <input
                  type="time"
                  name="cutoffTime"
                  required
                  defaultValue="17:00"
                  className="rounded-md border px-2 py-1"
                />
              </label>
              <button
                type="submit"
                className="rounded-lg bg-leaf-700 px-3 py-2 font-semibold text-white"
              >
                {t("supply.addWindow")}
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="copy-week" />
              <button
                type="submit"
                className="rounded-lg border border-leaf-700 px-3 py-2 font-semibold text-leaf-800"
              >
                {t("supply.copyLastWeek")}
              </button>
            </Form>
          </div>
        ) : null}
      </section>

      {selectedWindow ? (
        <section aria-labelledby="pledges-title">
          <h2 id="pledges-title" className="text-xl font-semibold">
            {t("supply.pledgesFor", { date: date(selectedWindow.deliveryDate) })}
          </h2>
          <p className="text-sm">
            {t("supply.remainingOf", {
              remaining: formatNumber(remainingOf(selectedWindow), lng),
              capacity: formatNumber(selectedWindow.capacity, lng),
              unit,
            })}
          </p>
          <Form method="post" className="mt-2">
            <input type="hidden" name="intent" value="pledges" />
            <input type="hidden" name="windowId" value={selectedWindow.id} />
            <ul className="divide-y rounded-lg bg-white shadow-sm">
              {members.map((member) => (
                <li key={member.id} className="flex items-center justify-between gap-2 p-2">
                  <label htmlFor={`pledge-${member.id}`}>
                    <span lang="km">{member.name}</span>{" "}
                    <span className="text-sm text-stone-600">· {member.village}</span>
                  </label>
                  <input
                    id={`pledge-${member.id}`}
                    name={`pledge-${member.id}`}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={MAX_QUANTITY}
                    step={1}
                    defaultValue={pledgeOf.get(member.id) ?? ""}
                    aria-invalid={result?.fieldErrors?.[`pledge-${member.id}`] ? true : undefined}
                    className="w-24 rounded-md border px-2 py-1 text-right"
                  />
                </li>
              ))}
            </ul>
            <button
              type="submit"
              className="mt-2 rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
            >
              {t("supply.savePledges")}
            </button>
          </Form>
          <Form
            method="post"
            encType="multipart/form-data"
            className="mt-4 rounded-lg bg-white p-3 shadow-sm"
          >
            <input type="hidden" name="intent" value="import-csv" />
            <input type="hidden" name="windowId" value={selectedWindow.id} />
            <p className="font-semibold">{t("supply.importCsv")}</p>
            <p className="text-sm text-stone-600">{t("supply.importCsvHint")}</p>
            <label className="mt-2 block">
              <span className="sr-only">{t("supply.csvFile")}</span>
              <input type="file" name="file" accept=".csv,text/csv" required />
            </label>
            <fieldset className="mt-2 text-sm">
              <legend className="font-semibold">{t("supply.csvMissing")}</legend>
              <label className="block">
                <input type="radio" name="missing" value="keep" defaultChecked />{" "}
                {t("supply.csvMissingKeep")}
              </label>
              <label className="block">
                <input type="radio" name="missing" value="remove" /> {t("supply.csvMissingRemove")}
              </label>
            </fieldset>
            <button
              type="submit"
              className="mt-2 rounded-lg border border-leaf-700 px-3 py-1 font-semibold text-leaf-800"
            >
              {t("supply.import")}
            </button>
          </Form>
        </section>
      ) : null}

      {canManage ? (
        <section aria-labelledby="edit-listing-title">
          <h2 id="edit-listing-title" className="mb-2 text-xl font-semibold">
            {t("supply.save")}
          </h2>
          <ListingForm
            products={products}
            provinces={provinces}
            districts={districts}
            intent="update"
            lastResult={result && "status" in result ? (result as never) : undefined}
            submitLabel={t("supply.save")}
            defaultValue={{
              productId: String(listing.product.id),
              variety: listing.variety ?? "",
              grade: listing.grade,
              certification: listing.certification,
              currency: listing.currency,
              price: formatPriceInput(listing.priceMinor, listing.currency),
              minOrderQuantity: String(listing.minOrderQuantity),
              descriptionKm: listing.descriptionKm,
              descriptionEn: listing.descriptionEn,
              deliveryProvinces: listing.deliveryAreas
                .filter((a) => !a.districtCode)
                .map((a) => a.provinceCode),
              deliveryDistricts: listing.deliveryAreas.flatMap((a) =>
                a.districtCode ? [a.districtCode] : [],
              ),
            }}
          />
        </section>
      ) : null}

      <section aria-labelledby="history-title">
        <h2 id="history-title" className="text-xl font-semibold">
          {t("supply.priceHistory")}
        </h2>
        <ul className="text-sm">
          {listing.priceChanges.map((change, index) => (
            <li key={index}>
              {dateTime(change.changedAt)} · {formatMoney(change.priceMinor, change.currency, lng)}{" "}
              · {change.changedBy?.name ?? "—"}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
