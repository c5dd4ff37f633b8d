// A member's payout slip or statement, printed on A6/A5 and handed over with the money: Khmer first
// with English beside it, whatever the reader's setting. Numbers come straight from the rows the
// ledger was posted from (member-payments.server.ts).
import { formatQuantityMilli } from "~/orders/quantities";
import type { SlipLine } from "./member-payments.server";
import { formatDate, formatMoney } from "~/ui/format";

export const slipLabelKeys = [
  "memberPayments.slipTitle",
  "memberPayments.statementTitle",
  "memberPayments.member",
  "memberPayments.period",
  "memberPayments.subOrder",
  "memberPayments.product",
  "memberPayments.delivered",
  "memberPayments.price",
  "memberPayments.gross",
  "memberPayments.fee",
  "memberPayments.creditRepaid",
  "memberPayments.net",
  "memberPayments.paid",
  "memberPayments.opening",
  "memberPayments.owed",
  "memberPayments.closing",
  "memberPayments.balance",
  "memberPayments.signature",
  "memberPayments.print",
  "memberPayments.method",
  "memberPayments.basisPledge",
  "memberPayments.basisMixed",
] as const;
export type SlipLabelKey = (typeof slipLabelKeys)[number];
export type SlipLabels = Record<SlipLabelKey, { km: string; en: string }>;

export type SlipData = {
  title: "slip" | "statement";
  cooperative: { nameKm: string; nameEn: string };
  farmer: { name: string; nameLatin: string; village: string };
  currency: "KHR" | "USD";
  from: string | null;
  to: string;
  openingBalanceMinor: number;
  owedMinor: number;
  paidMinor: number;
  closingBalanceMinor: number;
  /** As memberStatementFor reads them; the date the allocation was made is not printed. */
  lines: Omit<SlipLine, "allocatedAt">[];
  payments: {
    id: number;
    amountMinor: number;
    method: string;
    reference: string;
    paidOn: string;
  }[];
  methods: Record<string, { km: string; en: string }>;
};

/** Said on the line when its shares followed pledges because no collection was recorded. */
const basisNote = {
  PLEDGE: "memberPayments.basisPledge",
  MIXED: "memberPayments.basisMixed",
  COLLECTION: null,
} as const satisfies Record<SlipData["lines"][number]["basis"], SlipLabelKey | null>;

function BasisNote({
  basis,
  labels,
}: {
  basis: SlipData["lines"][number]["basis"];
  labels: SlipLabels;
}) {
  const key = basisNote[basis];
  if (!key) return null;
  return (
    <p role="note" className="text-xs italic">
      {labels[key].km} <span lang="en">/ {labels[key].en}</span>
    </p>
  );
}

export function MemberSlip({ data, labels }: { data: SlipData; labels: SlipLabels }) {
  const km = (minor: number) => formatMoney(minor, data.currency, "km");
  const both = (key: SlipLabelKey) => (
    <>
      {labels[key].km} <span lang="en">/ {labels[key].en}</span>
    </>
  );
  return (
    <article
      aria-labelledby="slip-title"
      className="slip mx-auto max-w-xl space-y-3 bg-white p-4 text-sm print:max-w-none print:p-0"
    >
      <style>{`@media print { @page { size: ${data.title === "slip" ? "A6" : "A5"}; margin: 6mm; } body { font-size: 9pt; } }`}</style>
      <div className="flex items-start justify-between gap-2">
        <h1 id="slip-title" className="text-lg font-bold">
          {both(
            data.title === "slip" ? "memberPayments.slipTitle" : "memberPayments.statementTitle",
          )}
        </h1>
        <button
          type="button"
          onClick={() => window.print()}
          className="rounded-md border border-stone-500 px-3 py-1 print:hidden"
        >
          {both("memberPayments.print")}
        </button>
      </div>
      <p>
        {data.cooperative.nameKm} <span lang="en">/ {data.cooperative.nameEn}</span>
      </p>
      <dl className="grid grid-cols-2 gap-1">
        <dt>{both("memberPayments.member")}</dt>
        <dd>
          {data.farmer.name}
          {data.farmer.nameLatin ? <span lang="en"> · {data.farmer.nameLatin}</span> : null} ·{" "}
          {data.farmer.village}
        </dd>
        <dt>{both("memberPayments.period")}</dt>
        <dd>
          {data.from ? formatDate(data.from, "km") : "…"} – {formatDate(data.to, "km")}
        </dd>
      </dl>
      <table className="w-full border-collapse text-left">
        <thead>
          <tr className="border-b border-stone-500">
            <th className="p-1">{both("memberPayments.product")}</th>
            <th className="p-1 text-right">{both("memberPayments.delivered")}</th>
            <th className="p-1 text-right">{both("memberPayments.price")}</th>
            <th className="p-1 text-right">{both("memberPayments.gross")}</th>
            <th className="p-1 text-right">{both("memberPayments.fee")}</th>
            <th className="p-1 text-right">{both("memberPayments.creditRepaid")}</th>
            <th className="p-1 text-right">{both("memberPayments.net")}</th>
          </tr>
        </thead>
        <tbody>
          {data.lines.map((l) => (
            <tr key={l.subOrderId} className="border-b border-stone-300">
              <td className="p-1">
                {l.productKm} <span lang="en">/ {l.productEn}</span>
                <div className="text-xs">№ {l.subOrderId}</div>
                <BasisNote basis={l.basis} labels={labels} />
              </td>
              <td className="p-1 text-right">
                {formatQuantityMilli(l.deliveredQuantityMilli)} {l.unit}
              </td>
              <td className="p-1 text-right">{km(l.unitPriceMinor)}</td>
              <td className="p-1 text-right">{km(l.grossMinor)}</td>
              <td className="p-1 text-right">{km(l.feeMinor)}</td>
              <td className="p-1 text-right">{km(l.creditRepaidMinor)}</td>
              <td className="p-1 text-right">{km(l.netMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="grid grid-cols-2 gap-1">
        <dt>{both("memberPayments.opening")}</dt>
        <dd className="text-right">{km(data.openingBalanceMinor)}</dd>
        <dt>{both("memberPayments.owed")}</dt>
        <dd className="text-right">{km(data.owedMinor)}</dd>
        {data.payments.map((p) => (
          <div key={p.id} className="contents">
            <dt>
              {both("memberPayments.paid")} · {formatDate(p.paidOn, "km")} ·{" "}
              {data.methods[p.method]?.km} {p.reference}
            </dt>
            <dd className="text-right">{km(p.amountMinor)}</dd>
          </div>
        ))}
        <dt className="font-bold">{both("memberPayments.closing")}</dt>
        <dd className="text-right font-bold">{km(data.closingBalanceMinor)}</dd>
      </dl>
      <p className="pt-8">{both("memberPayments.signature")}: ____________________</p>
    </article>
  );
}
