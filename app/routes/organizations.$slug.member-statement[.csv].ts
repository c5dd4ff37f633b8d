// The cooperative lead's statement of what is owed to each member farmer, as CSV. Thin: see
// app/payments/members.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { memberStatement, statementCsv } from "~/payments/members.server";
import { requireOrganizationBySlug } from "~/organizations/load.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "manage:payments:own", organization.id);
  const currency = new URL(request.url).searchParams.get("currency") === "USD" ? "USD" : "KHR";
  const csv = statementCsv(await memberStatement(organization.id, currency), currency);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${organization.slug}-members-${currency}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
