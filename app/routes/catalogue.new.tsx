// A new product in the catalogue. Thin: see app/supply/catalogue.server.ts.
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { productSchema } from "~/supply/catalogue";
import { createProduct } from "~/supply/catalogue.server";
import { SupplyError } from "~/supply/listings.server";
import { ProductForm } from "~/supply/product-form";
import { titleMeta } from "~/ui/page-title";
import { domainReply, refused } from "~/validation/errors";

export const meta = titleMeta("newProduct");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:products:any");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:products:any");
  const submission = parseWithZod(await readFormData(request), { schema: productSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  try {
    const product = await createProduct(
      user,
      submission.value,
      requestInfo(request, context).ipAddress,
    );
    return redirect(`/catalogue/${product.id}?saved=1`);
  } catch (error) {
    return domainReply(submission, refused(error, SupplyError));
  }
}

export default function NewProduct() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  return (
    <section aria-labelledby="new-product-title">
      <h1 id="new-product-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("catalogue.new")}
      </h1>
      <ProductForm lastResult={lastResult} submitLabel={t("catalogue.create")} />
    </section>
  );
}
