// The cooperative's members-payable list as CSV: allocated, credit repaid, paid and balance per
// member. Thin: see app/payments/member-payments.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { toCsv } from "~/monitoring/csv";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { membersPayable, membersPayableTable } from "~/payments/member-payments.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:member-payments:own", organization.id);
  if (organization.kind !== "COOPERATIVE") throw new Response("Not found", { status: 404 });
  const currency = new URL(request.url).searchParams.get("currency") === "USD" ? "USD" : "KHR";
  const table = membersPayableTable(
    await membersPayable(organization.id, currency, user),
    currency,
  );
  return new Response(toCsv(table.header, table.rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${organization.slug}-members-payable-${currency}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
