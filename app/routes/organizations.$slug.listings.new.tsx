import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { listDistricts, listProvinces } from "~/organizations/places.server";
import { createListing, SupplyError } from "~/supply/listings.server";
import { ListingForm, ListingFormSchema } from "~/supply/listing-form";
import { listProductsForListing } from "~/supply/queries.server";
import { readFormData } from "~/http/form-data.server";
import { titleMeta } from "~/ui/page-title";
import { domainReply, refused } from "~/validation/errors";

export const meta = titleMeta("newListing");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "manage:listings:own", organization.id);
  const [products, provinces, districts] = await Promise.all([
    listProductsForListing(),
    listProvinces(),
    listDistricts(organization.provinceCode),
  ]);
  return { organization, products, provinces, districts };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "manage:listings:own", organization.id);
  const submission = parseWithZod(await readFormData(request), { schema: ListingFormSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  try {
    const id = await createListing(organization.id, submission.value, {
      ...user,
      ipAddress: requestInfo(request, context).ipAddress,
    });
    return redirect(`/organizations/${organization.slug}/listings/${id}`);
  } catch (error) {
    return domainReply(submission, refused(error, SupplyError));
  }
}

export default function NewListing() {
  const { t } = useTranslation();
  const { organization, products, provinces, districts } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <section aria-labelledby="new-listing-title">
      <h1 id="new-listing-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("supply.newListing")}
      </h1>
      <ListingForm
        products={products}
        provinces={provinces}
        districts={districts}
        lastResult={lastResult}
        submitLabel={t("supply.create")}
        defaultValue={{
          grade: "A",
          certification: "NONE",
          currency: "KHR",
          minOrderQuantity: "1",
          deliveryProvinces: [organization.provinceCode],
        }}
      />
    </section>
  );
}
