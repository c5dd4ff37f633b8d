// One member's payout slip for one payment, to print (A6) and hand over. Thin: see
// app/payments/member-payments.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { dbId } from "~/validation/schemas";
import { requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { payoutSlip } from "~/payments/member-payments.server";
import { MemberSlip } from "~/payments/member-slip";
import { slipLabels } from "~/payments/member-slip.server";
import { PaymentError } from "~/payments/settlement.server";
import { dateOnly } from "~/calendar/dates";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("payoutSlip");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:member-payments:own", organization.id);
  const paymentId = dbId.safeParse(params.paymentId);
  invariantResponse(paymentId.success, "Not found", { status: 404 });
  try {
    const slip = await payoutSlip(organization.id, paymentId.data, user);
    const { labels, methods } = await slipLabels();
    return {
      labels,
      data: {
        title: "slip" as const,
        cooperative: slip.farmer.cooperative,
        farmer: slip.farmer,
        currency: slip.currency,
        from: slip.period.from.getTime() <= 0 ? null : dateOnly(slip.period.from),
        to: dateOnly(slip.payment.paidOn),
        openingBalanceMinor: slip.openingBalanceMinor,
        owedMinor: slip.owedMinor,
        paidMinor: slip.paidMinor,
        closingBalanceMinor: slip.closingBalanceMinor,
        lines: slip.lines.map(({ allocatedAt: _, ...line }) => line),
        payments: slip.payments.map((p) => ({
          ...p,
          paidOn: dateOnly(p.paidOn),
          createdAt: undefined,
        })),
        methods,
      },
    };
  } catch (error) {
    if (error instanceof PaymentError && error.key === "memberPayments.paymentNotFound")
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export default function PayoutSlip() {
  const { data, labels } = useLoaderData<typeof loader>();
  return <MemberSlip data={data} labels={labels} />;
}
