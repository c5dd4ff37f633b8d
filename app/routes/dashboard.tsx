import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/session.server";
import { share } from "~/organizations/inclusion";
import { membershipByProvince } from "~/organizations/organizations.server";
import { formatNumber, formatPercent } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";

export const meta: MetaFunction = () => [{ title: "ផ្ទាំងតាមដាន Dashboard · ផ្សារ Phsar" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "view:dashboard:any");
  return { provinces: await membershipByProvince() };
}

export default function Dashboard() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { provinces } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title" className="text-3xl font-bold text-leaf-800">
        {t("dashboard.title")}
      </h1>
      <p className="mb-4 text-stone-700">{t("dashboard.intro")}</p>
      <div className="overflow-x-auto">
        <table className="w-full rounded-lg bg-white text-left shadow-sm">
          <thead>
            <tr className="border-b">
              <th scope="col" className="p-2">
                {t("dashboard.province")}
              </th>
              <th scope="col" className="p-2 text-right">
                {t("dashboard.cooperatives")}
              </th>
              <th scope="col" className="p-2 text-right">
                {t("dashboard.farmers")}
              </th>
              <th scope="col" className="p-2 text-right">
                {t("dashboard.women")}
              </th>
              <th scope="col" className="p-2 text-right">
                {t("dashboard.young")}
              </th>
            </tr>
          </thead>
          <tbody>
            {provinces.map((p) => (
              <tr key={p.code} className="border-b last:border-0">
                <th scope="row" className="p-2 font-normal">
                  <LocalName item={p} />
                </th>
                <td className="p-2 text-right">{formatNumber(p.cooperatives, lng)}</td>
                <td className="p-2 text-right">{formatNumber(p.farmers, lng)}</td>
                <td className="p-2 text-right">{formatPercent(share(p.women, p.farmers), lng)}</td>
                <td className="p-2 text-right">{formatPercent(share(p.young, p.farmers), lng)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
