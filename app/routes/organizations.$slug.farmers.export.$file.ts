import { type LoaderFunctionArgs } from "@remix-run/node";
import { farmerErrorResponse, requireRegisterAccess } from "~/organizations/farmer-access.server";
import { exportFarmers } from "~/organizations/farmer-import.server";
import { invariantResponse } from "~/http/responses";

const FILES = {
  "members.csv": { format: "csv", template: false },
  "members.xlsx": { format: "xlsx", template: false },
  "template.csv": { format: "csv", template: true },
  "template.xlsx": { format: "xlsx", template: true },
} as const;

const TYPES = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

// The member list (or an empty template) in the import's format.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organization, actor } = await requireRegisterAccess(request, context, params.slug);
  const file = FILES[params.file as keyof typeof FILES];
  invariantResponse(Object.hasOwn(FILES, params.file ?? ""), "Not found", { status: 404 });
  try {
    const body = await exportFarmers(organization.id, file.format, actor, {
      template: file.template,
    });
    const name = file.template
      ? `phsar-members-template.${file.format}`
      : `${organization.slug}-members.${file.format}`;
    return new Response(body, {
      headers: {
        "Content-Type": TYPES[file.format],
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    throw farmerErrorResponse(error);
  }
}
