import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { share } from "~/organizations/inclusion";
import { listCooperatives } from "~/organizations/cooperatives.server";
import { formatPercent } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("cooperatives");

export async function loader() {
  return { cooperatives: await listCooperatives() };
}

export default function Cooperatives() {
  const { cooperatives } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <section aria-labelledby="cooperatives-title">
      <h1 id="cooperatives-title" className="text-3xl font-bold text-leaf-800">
        {t("cooperatives.title")}
      </h1>
      <p className="mt-1 text-stone-700">{t("cooperatives.intro")}</p>
      <ul className="mt-4 grid gap-3 sm:grid-cols-2">
        {cooperatives.map((cooperative) => (
          <li key={cooperative.id} className="rounded-lg bg-white p-4 shadow-sm">
            <h2 className="font-semibold">
              <Link to={`/cooperatives/${cooperative.slug}`} className="text-leaf-800 underline">
                <LocalName item={cooperative} />
              </Link>
            </h2>
            <p className="text-sm text-stone-700">
              {cooperative.district ? (
                <>
                  <LocalName item={cooperative.district} />,{" "}
                </>
              ) : null}
              <LocalName item={cooperative.province} />
            </p>
            <p className="mt-1 text-sm">
              {t("cooperatives.farmers", { count: cooperative.members.farmers })} ·{" "}
              {t("cooperatives.women", {
                percent: formatPercent(
                  share(cooperative.members.women, cooperative.members.farmers),
                  lng,
                ),
              })}{" "}
              ·{" "}
              {t("cooperatives.young", {
                percent: formatPercent(
                  share(cooperative.members.young, cooperative.members.farmers),
                  lng,
                ),
              })}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
