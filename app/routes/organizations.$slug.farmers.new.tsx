import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { readFormData } from "~/http/form-data.server";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import { readFarmerForm } from "~/organizations/farmer-form.server";
import { createFarmer, listSelfHelpGroups, villageChoices } from "~/organizations/farmers.server";
import { FarmerForm } from "~/ui/farmer-form";
import { ErrorMessage } from "~/ui/messages";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("newFarmer");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const [communes, groups] = await Promise.all([
    villageChoices(organization.provinceCode),
    listSelfHelpGroups(organization.id, actor),
  ]);
  return { communes, groups };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const input = readFarmerForm(await readFormData(request));
  try {
    const id = await createFarmer(organization.id, input, actor);
    return redirect(`/organizations/${organization.slug}/farmers/${id}?created=1`, { status: 303 });
  } catch (error) {
    const refused = farmerErrorResponse(error);
    return { values: input, error: refused.key, fields: refused.fields };
  }
}

export default function NewFarmer() {
  const { t } = useTranslation();
  const { communes, groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold text-leaf-800">{t("farmers.add")}</h1>
      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      <FarmerForm
        values={result?.values ?? {}}
        errors={result?.fields ?? {}}
        communes={communes}
        groups={groups}
        submitLabel={t("farmers.add")}
      />
    </div>
  );
}
