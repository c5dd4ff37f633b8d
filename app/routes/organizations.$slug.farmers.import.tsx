import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { i18nServer } from "~/i18n/i18next.server";
import { readFormData } from "~/http/form-data.server";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import {
  applyFarmerImport,
  discardFarmerImport,
  previewFarmerImport,
  stageFarmerImport,
  type ImportIssue,
} from "~/organizations/farmer-import.server";
import { MAX_IMPORT_BYTES, SheetError } from "~/organizations/farmer-sheet.server";
import { ErrorMessage } from "~/ui/messages";
import { dbId } from "~/validation/schemas";
import { titleMeta } from "~/ui/page-title";

/** Each problem in Khmer and in English, whatever language the page is in. */
async function describe(issues: ImportIssue[]) {
  const [km, en] = await Promise.all([i18nServer.getFixedT("km"), i18nServer.getFixedT("en")]);
  return issues.map((issue) => ({
    ...issue,
    km: km(issue.key, { otherLine: issue.otherLine }),
    en: en(issue.key, { otherLine: issue.otherLine }),
  }));
}

export const meta = titleMeta("importFarmers");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const id = dbId.safeParse(new URL(request.url).searchParams.get("id"));
  if (!id.success) return { organization, preview: null };
  try {
    const preview = await previewFarmerImport(organization.id, id.data, actor);
    return {
      organization,
      preview: { ...preview, id: id.data, issues: await describe(preview.issues) },
    };
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const here = `/organizations/${organization.slug}/farmers/import`;
  if (request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    let file: FormDataEntryValue | null = null;
    try {
      const formData = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }),
      );
      file = formData.get("file");
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError)
        return {
          issues: await describe([{ line: null, column: null, key: "farmersImport.tooLarge" }]),
        };
      if (
        error instanceof Error &&
        /^malformed (multipart|content-disposition)/.test(error.message)
      )
        throw new Response("The upload was cut short; send the file again.", { status: 400 });
      throw error;
    }
    if (!(file instanceof File))
      return { issues: await describe([{ line: null, column: null, key: "farmersImport.empty" }]) };
    try {
      const id = await stageFarmerImport(
        organization.id,
        { name: file.name, content: Buffer.from(await file.arrayBuffer()) },
        actor,
      );
      return redirect(`${here}?id=${id}`, { status: 303 });
    } catch (error) {
      if (error instanceof SheetError)
        return {
          issues: await describe([
            { line: error.line ?? null, column: error.column ?? null, key: error.key },
          ]),
        };
      throw farmerErrorResponse(error);
    }
  }
  const formData = await readFormData(request);
  const id = dbId.safeParse(formData.get("importId"));
  if (!id.success) throw new Response("Which upload?", { status: 400 });
  try {
    switch (formData.get("intent")) {
      case "confirm": {
        const result = await applyFarmerImport(organization.id, id.data, actor);
        if (result.ok)
          return redirect(
            `/organizations/${organization.slug}/farmers?imported=${result.created}-${result.updated}`,
            { status: 303 },
          );
        return {
          issues: await describe(result.checked.issues),
          issueCount: result.checked.issueCount,
        };
      }
      case "cancel":
        await discardFarmerImport(organization.id, id.data, actor);
        return redirect(here, { status: 303 });
      default:
        throw new Response("Unknown intent", { status: 400 });
    }
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}

type Described = ImportIssue & { km: string; en: string };

function Issues({ issues, count }: { issues: Described[]; count: number }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="import-problems">
      <ErrorMessage>
        <span id="import-problems">{t("farmers.problems", { count })}</span>
      </ErrorMessage>
      <table className="w-full rounded-lg bg-white text-left shadow-sm">
        <thead>
          <tr className="border-b">
            <th className="p-2">{t("farmers.line")}</th>
            <th className="p-2">{t("farmers.column")}</th>
            <th className="p-2">{t("farmers.problem")}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue, index) => (
            <tr key={index} className="border-b align-top">
              <td className="p-2">{issue.line ?? "—"}</td>
              <td className="p-2">{issue.column ?? "—"}</td>
              <td className="p-2">
                <span lang="km" className="block">
                  {issue.km}
                </span>
                <span lang="en" className="block text-sm text-stone-600">
                  {issue.en}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {count > issues.length ? (
        <p>{t("farmers.moreProblems", { count: count - issues.length })}</p>
      ) : null}
    </section>
  );
}

export default function ImportFarmers() {
  const { t } = useTranslation();
  const { organization, preview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const base = `/organizations/${organization.slug}/farmers`;
  return (
    <div className="space-y-6">
      <p>
        <Link to={base} className="text-leaf-700 underline">
          {t("farmers.back")}
        </Link>
      </p>
      <h1 className="text-3xl font-bold text-leaf-800">{t("farmers.importTitle")}</h1>
      {result?.issues ? (
        <Issues issues={result.issues} count={result.issueCount ?? result.issues.length} />
      ) : null}
      {preview ? (
        <section className="space-y-4">
          <h2 className="text-xl font-semibold">
            {t("farmers.previewTitle", { fileName: preview.fileName })}
          </h2>
          <p>{t("farmers.previewCounts", preview)}</p>
          {preview.issueCount ? (
            <Issues issues={preview.issues} count={preview.issueCount} />
          ) : (
            <>
              <h3 className="font-semibold">{t("farmers.previewSample")}</h3>
              <table className="w-full rounded-lg bg-white text-left text-sm shadow-sm">
                <thead>
                  <tr className="border-b">
                    <th className="p-2">{t("farmers.line")}</th>
                    <th className="p-2">{t("farmers.memberNumber")}</th>
                    <th className="p-2">{t("farmers.name")}</th>
                    <th className="p-2">{t("farmers.gender")}</th>
                    <th className="p-2">{t("farmers.birthYear")}</th>
                    <th className="p-2">{t("farmers.village")}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.sample.map((row) => (
                    <tr key={row.line} className="border-b">
                      <td className="p-2">{row.line}</td>
                      <td className="p-2">{row.memberNumber}</td>
                      <td className="p-2">
                        {row.name} <span lang="en">{row.nameLatin}</span>
                      </td>
                      <td className="p-2">{t(`farmers.genders.${row.gender}`)}</td>
                      <td className="p-2">{row.birthYear}</td>
                      <td className="p-2">{row.village}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <div className="flex gap-3">
            {preview.issueCount === 0 ? (
              <Form method="post">
                <input type="hidden" name="importId" value={preview.id} />
                <input type="hidden" name="intent" value="confirm" />
                <button
                  type="submit"
                  className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
                >
                  {t("farmers.confirm")}
                </button>
              </Form>
            ) : null}
            <Form method="post">
              <input type="hidden" name="importId" value={preview.id} />
              <input type="hidden" name="intent" value="cancel" />
              <button type="submit" className="rounded-lg border border-stone-400 px-4 py-2">
                {t("farmers.cancel")}
              </button>
            </Form>
          </div>
        </section>
      ) : null}
      <section className="space-y-3 rounded-lg bg-white p-4 shadow-sm">
        <p>{t("farmers.importHint")}</p>
        <p className="flex flex-wrap gap-4">
          <a href={`${base}/export/template.xlsx`} className="text-leaf-700 underline">
            {t("farmers.templateXlsx")}
          </a>
          <a href={`${base}/export/template.csv`} className="text-leaf-700 underline">
            {t("farmers.templateCsv")}
          </a>
        </p>
        <Form
          method="post"
          encType="multipart/form-data"
          className="flex flex-wrap items-end gap-2"
        >
          <div>
            <label htmlFor="import-file" className="block font-semibold">
              {t("farmers.file")}
            </label>
            <input
              id="import-file"
              name="file"
              type="file"
              required
              accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              className="mt-1"
            />
          </div>
          <button
            type="submit"
            className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
          >
            {t("farmers.upload")}
          </button>
        </Form>
      </section>
    </div>
  );
}
