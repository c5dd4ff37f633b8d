// One product of the catalogue: names, category, unit, search synonyms, photo, active or not.
// Thin: see app/supply/catalogue.server.ts.
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requirePermission } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import { productSchema } from "~/supply/catalogue";
import { getCatalogueProduct, setProductActive, updateProduct } from "~/supply/catalogue.server";
import { SupplyError } from "~/supply/listings.server";
import { ProductForm } from "~/supply/product-form";
import { ErrorMessage } from "~/ui/messages";
import { SubmitButton } from "~/ui/forms";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";
import { domainReply, refused } from "~/validation/errors";

async function load(request: Request, productIdParam: string | undefined) {
  const user = await requirePermission(request, "manage:products:any");
  const productId = dbId.safeParse(productIdParam);
  invariantResponse(productId.success, "Not found", { status: 404 });
  try {
    return { user, product: await getCatalogueProduct(user, productId.data) };
  } catch (error) {
    if (error instanceof SupplyError && error.key === "supply.notFound")
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export const meta = titleMeta("product");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { product } = await load(request, params.productId);
  return { product };
}

const intentSchema = z.enum(["save", "deactivate", "reactivate"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, product } = await load(request, params.productId);
  const formData = await readFormData(request);
  const intent = intentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw new Response("Unknown intent", { status: 400 });
  const { ipAddress } = requestInfo(request, context);
  if (intent.data !== "save") {
    await setProductActive(user, product.id, intent.data === "reactivate", ipAddress);
    return redirect(`/catalogue/${product.id}?saved=1`);
  }
  const submission = parseWithZod(formData, { schema: productSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  try {
    await updateProduct(user, product.id, submission.value, ipAddress);
  } catch (error) {
    return domainReply(submission, refused(error, SupplyError));
  }
  return redirect(`/catalogue/${product.id}?saved=1`);
}

export default function EditProduct() {
  const { t } = useTranslation();
  const { product } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const photoError = searchParams.get("photoError");
  return (
    <section aria-labelledby="product-title">
      <p className="mb-2">
        <Link to="/catalogue" className="underline">
          {t("catalogue.title")}
        </Link>
      </p>
      <h1 id="product-title" className="mb-1 text-3xl font-bold text-leaf-800">
        <span lang="km">{product.nameKm}</span>
      </h1>
      <p className="mb-4 text-xl text-stone-700" lang="en">
        {product.nameEn}
      </p>
      {searchParams.get("saved") ? (
        <p role="status" className="mb-4 font-semibold text-leaf-800">
          {t("catalogue.saved")}
        </p>
      ) : null}
      <p className="mb-4">{product.active ? t("catalogue.isActive") : t("catalogue.isInactive")}</p>
      <ProductForm
        lastResult={lastResult}
        submitLabel={t("catalogue.save")}
        defaultValue={{
          nameKm: product.nameKm,
          nameEn: product.nameEn,
          category: product.category,
          unit: product.unit,
          referencePriceKhr: product.referencePriceKhr ? String(product.referencePriceKhr) : "",
          searchSynonyms: product.searchSynonyms.join("\n"),
        }}
      />
      <section aria-labelledby="photo-title" className="mt-8">
        <h2 id="photo-title" className="mb-2 text-xl font-bold">
          {t("catalogue.photo")}
        </h2>
        {product.photoKey ? (
          <img
            src={`/photos/${product.photoKey}`}
            alt={t("supply.photoOf", { product: product.nameEn })}
            className="mb-2 max-w-xs rounded-md"
          />
        ) : (
          <p className="mb-2 text-stone-700">{t("catalogue.noPhoto")}</p>
        )}
        {photoError?.startsWith("supply.") ? <ErrorMessage>{t(photoError)}</ErrorMessage> : null}
        <Form method="post" action={`/catalogue/${product.id}/photo`} encType="multipart/form-data">
          <label htmlFor="product-photo" className="block font-semibold">
            {t("supply.photoFile")}
          </label>
          <input
            id="product-photo"
            name="photo"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            required
            className="mb-2 block"
          />
          <SubmitButton>{t("supply.upload")}</SubmitButton>
        </Form>
      </section>
      <section aria-labelledby="state-title" className="mt-8">
        <h2 id="state-title" className="mb-2 text-xl font-bold">
          {t("catalogue.state")}
        </h2>
        <p className="mb-2 text-stone-700">{t("catalogue.deactivateHint")}</p>
        <Form method="post">
          {product.active ? (
            <SubmitButton name="intent" value="deactivate">
              {t("catalogue.deactivate")}
            </SubmitButton>
          ) : (
            <SubmitButton name="intent" value="reactivate">
              {t("catalogue.reactivate")}
            </SubmitButton>
          )}
        </Form>
      </section>
    </section>
  );
}
