import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can } from "~/auth/permissions";
import { readFormData } from "~/http/form-data.server";
import { invariantResponse } from "~/http/responses";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import { readFarmerForm } from "~/organizations/farmer-form.server";
import {
  getFarmer,
  listSelfHelpGroups,
  setFarmerActive,
  updateFarmer,
  villageChoices,
} from "~/organizations/farmers.server";
import { FarmerForm } from "~/ui/farmer-form";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

function farmerIdOf(value: unknown) {
  const parsed = dbId.safeParse(value);
  invariantResponse(parsed.success, "Not found", { status: 404 });
  return parsed.data;
}

export const meta = titleMeta("farmer");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const farmerId = farmerIdOf(params.farmerId);
  try {
    const [farmer, communes, groups] = await Promise.all([
      getFarmer(organization.id, farmerId, actor),
      villageChoices(organization.provinceCode),
      listSelfHelpGroups(organization.id, actor),
    ]);
    const url = new URL(request.url);
    return {
      organization,
      farmer,
      communes,
      groups,
      notice: url.searchParams.has("created")
        ? "farmers.created"
        : url.searchParams.has("saved")
          ? "farmers.saved"
          : null,
      canDeactivate: can(actor, "manage:farmers:own", organization.id),
    };
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const farmerId = farmerIdOf(params.farmerId);
  const formData = await readFormData(request);
  const intent = formData.get("intent");
  const back = `/organizations/${organization.slug}/farmers/${farmerId}?saved=1`;
  const input = readFarmerForm(formData);
  try {
    await getFarmer(organization.id, farmerId, actor); // another cooperative's member is a 404
    switch (intent) {
      case "save":
        await updateFarmer(organization.id, farmerId, input, actor);
        return redirect(back, { status: 303 });
      case "deactivate":
      case "reactivate":
        await setFarmerActive(organization.id, farmerId, intent === "reactivate", actor);
        return redirect(back, { status: 303 });
    }
  } catch (error) {
    const refused = farmerErrorResponse(error);
    return { values: input, error: refused.key, fields: refused.fields };
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function EditFarmer() {
  const { t } = useTranslation();
  const { organization, farmer, communes, groups, notice, canDeactivate } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = result?.values ?? {
    name: farmer.name,
    nameLatin: farmer.nameLatin,
    gender: farmer.gender,
    birthYear: String(farmer.birthYear),
    phone: farmer.phone ? `0${farmer.phone.slice(4)}` : "",
    nationalId: farmer.nationalId ?? "",
    joinedOn: farmer.joinedOn ? String(farmer.joinedOn).slice(0, 10) : "",
    memberNumber: farmer.memberNumber ?? "",
    villageCode: farmer.villageCode ?? "",
    selfHelpGroupId: farmer.selfHelpGroup ? String(farmer.selfHelpGroup.id) : "",
  };
  return (
    <div className="space-y-4">
      <p>
        <Link
          to={`/organizations/${organization.slug}/farmers`}
          className="text-leaf-700 underline"
        >
          {t("farmers.back")}
        </Link>
      </p>
      <h1 className="text-3xl font-bold text-leaf-800">
        {farmer.name}{" "}
        <span lang="en" className="text-xl font-normal text-stone-600">
          {farmer.nameLatin}
        </span>
        {farmer.deactivatedAt ? (
          <span className="ml-2 rounded bg-stone-200 px-2 text-base">
            {t("farmers.deactivated")}
          </span>
        ) : null}
      </h1>
      {notice && !result ? <StatusMessage>{t(notice)}</StatusMessage> : null}
      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      <FarmerForm
        values={values}
        errors={result?.fields ?? {}}
        communes={communes}
        groups={groups}
        submitLabel={t("farmers.save")}
      />
      {canDeactivate ? (
        <Form method="post" className="max-w-xl rounded-lg bg-white p-4 shadow-sm">
          <p className="mb-2 text-sm text-stone-600">{t("farmers.deactivateHint")}</p>
          <input
            type="hidden"
            name="intent"
            value={farmer.deactivatedAt ? "reactivate" : "deactivate"}
          />
          <button
            type="submit"
            className="rounded-lg border border-red-700 px-4 py-2 font-semibold text-red-800"
          >
            {farmer.deactivatedAt ? t("farmers.reactivate") : t("farmers.deactivate")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
