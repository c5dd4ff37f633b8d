// The product catalogue for union staff and admins. Thin: see app/supply/catalogue.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { listCatalogue } from "~/supply/catalogue.server";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("catalogue");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:products:any");
  return { products: await listCatalogue(user) };
}

export default function Catalogue() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { products } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="catalogue-title">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 id="catalogue-title" className="text-3xl font-bold text-leaf-800">
          {t("catalogue.title")}
        </h1>
        <Link
          to="/catalogue/new"
          className="rounded-md bg-leaf-700 px-4 py-2 font-semibold text-white"
        >
          {t("catalogue.new")}
        </Link>
      </div>
      <p className="mb-4 text-stone-700">{t("catalogue.intro")}</p>
      <table className="w-full border-collapse text-left">
        <thead>
          <tr className="border-b border-stone-300">
            <th className="p-2">{t("catalogue.product")}</th>
            <th className="p-2">{t("catalogue.category")}</th>
            <th className="p-2">{t("catalogue.unit")}</th>
            <th className="p-2">{t("catalogue.synonyms")}</th>
            <th className="p-2">{t("catalogue.listings")}</th>
            <th className="p-2">{t("catalogue.state")}</th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => {
            const names = localNames(product, lng);
            return (
              <tr key={product.id} className="border-b border-stone-200 align-top">
                <td className="p-2">
                  <Link to={`/catalogue/${product.id}`} className="font-semibold underline">
                    {names.primary}
                  </Link>
                  {names.secondary ? (
                    <span className="block text-sm text-stone-600">{names.secondary}</span>
                  ) : null}
                </td>
                <td className="p-2">{t(`category.${product.category}`)}</td>
                <td className="p-2">{t(`unit.${product.unit}`)}</td>
                <td className="p-2 text-sm">{product.searchSynonyms.join(", ")}</td>
                <td className="p-2">{product._count.listings}</td>
                <td className="p-2">
                  {product.active ? t("catalogue.active") : t("catalogue.inactive")}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
