// One member's statement over a period (A5): owed, paid and the balance carried. Thin: see
// app/payments/member-payments.server.ts.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { dbId } from "~/validation/schemas";
import { requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { memberStatementFor } from "~/payments/member-payments.server";
import { MemberSlip } from "~/payments/member-slip";
import { slipLabels } from "~/payments/member-slip.server";
import { PaymentError } from "~/payments/settlement.server";
import { addDays, cambodiaInstant, cambodiaToday, isIsoDate, type IsoDate } from "~/calendar/dates";
import { dateOnly } from "~/calendar/dates";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("memberStatement");

const day = (value: string | null, fallback: IsoDate): IsoDate =>
  value && isIsoDate(value) && value >= "2000-01-01" && value <= "2100-12-31" ? value : fallback;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  const user = await requirePermission(request, "view:member-payments:own", organization.id);
  const farmerId = dbId.safeParse(params.farmerId);
  invariantResponse(farmerId.success, "Not found", { status: 404 });
  const search = new URL(request.url).searchParams;
  const currency = search.get("currency") === "USD" ? "USD" : "KHR";
  const today = cambodiaToday(new Date());
  const from = day(search.get("from"), addDays(today, -90));
  const to = day(search.get("to"), today);
  try {
    const s = await memberStatementFor(
      organization.id,
      farmerId.data,
      currency,
      { from: cambodiaInstant(from), to: cambodiaInstant(addDays(to, 1)) },
      user,
    );
    const { labels, methods } = await slipLabels();
    return {
      labels,
      from,
      to,
      currency,
      data: {
        title: "statement" as const,
        cooperative: s.farmer.cooperative,
        farmer: s.farmer,
        currency: s.currency,
        from,
        to,
        openingBalanceMinor: s.openingBalanceMinor,
        owedMinor: s.owedMinor,
        paidMinor: s.paidMinor,
        closingBalanceMinor: s.closingBalanceMinor,
        lines: s.lines.map(({ allocatedAt: _, ...line }) => line),
        payments: s.payments.map((p) => ({
          ...p,
          paidOn: dateOnly(p.paidOn),
          createdAt: undefined,
        })),
        methods,
      },
    };
  } catch (error) {
    if (error instanceof PaymentError && error.key === "memberPayments.notAMember")
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export default function MemberStatementPage() {
  const { data, labels, from, to, currency } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4 p-4">
      <Form method="get" className="flex flex-wrap items-end gap-2 print:hidden">
        <input type="hidden" name="currency" value={currency} />
        <label>
          {t("memberPayments.from")}{" "}
          <input
            type="date"
            name="from"
            defaultValue={from}
            className="rounded-md border px-2 py-1"
          />
        </label>
        <label>
          {t("memberPayments.to")}{" "}
          <input type="date" name="to" defaultValue={to} className="rounded-md border px-2 py-1" />
        </label>
        <button type="submit" className="rounded-md border border-stone-500 px-3 py-1">
          {t("memberPayments.show")}
        </button>
      </Form>
      <MemberSlip data={data} labels={labels} />
    </div>
  );
}
