// Pieces of the order pages shared by buyers and cooperatives.
import { useTranslation } from "react-i18next";
import { type Currency, type SubOrderStatus, type Unit } from "~/db/generated/enums";
import { formatCambodiaDateTime, formatMoney, formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { formatQuantityMilli } from "./quantities";

const badgeColours: Record<SubOrderStatus, string> = {
  PLACED: "bg-amber-100 text-amber-900",
  CONFIRMED: "bg-sky-100 text-sky-900",
  ACCEPTED: "bg-leaf-100 text-leaf-900",
  REJECTED: "bg-red-100 text-red-900",
  PACKED: "bg-violet-100 text-violet-900",
  DELIVERED: "bg-leaf-700 text-white",
  SETTLED: "bg-stone-700 text-white",
  CANCELLED: "bg-stone-200 text-stone-800",
};

export function StatusBadge({ status }: { status: SubOrderStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`rounded-full px-3 py-1 text-sm font-semibold ${badgeColours[status]}`}>
      {t(`orders.statuses.${status}`)}
    </span>
  );
}

export type LineView = {
  id: number;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
  packedQuantityMilli: number | null;
  deliveredQuantityMilli: number | null;
  finalAmountMinor: number | null;
  listing: { grade: string; product: { nameKm: string; nameEn: string; unit: Unit } };
};

/** Ordered, packed and received quantities side by side, with the amount now due per line. */
export function LinesTable({
  lines,
  currency,
  caption,
}: {
  lines: LineView[];
  currency: Currency;
  caption?: string;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const showPacked = lines.some((l) => l.packedQuantityMilli !== null);
  const showDelivered = lines.some((l) => l.deliveredQuantityMilli !== null);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr className="border-b">
            <th scope="col" className="py-2 pr-2">
              {t("orders.product")}
            </th>
            <th scope="col" className="py-2 pr-2 text-right">
              {t("orders.ordered")}
            </th>
            {showPacked ? (
              <th scope="col" className="py-2 pr-2 text-right">
                {t("orders.packed")}
              </th>
            ) : null}
            {showDelivered ? (
              <th scope="col" className="py-2 pr-2 text-right">
                {t("orders.delivered")}
              </th>
            ) : null}
            <th scope="col" className="py-2 pr-2 text-right">
              {t("orders.unitPrice")}
            </th>
            <th scope="col" className="py-2 text-right">
              {t("orders.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => {
            const unit = t(`unit.${line.listing.product.unit}`);
            return (
              <tr key={line.id} className="border-b last:border-0">
                <td className="py-2 pr-2">
                  <LocalName item={line.listing.product} />{" "}
                  <span className="text-stone-600">
                    {t("supply.gradeLabel", { grade: line.listing.grade })}
                  </span>
                </td>
                <td className="py-2 pr-2 text-right">
                  {formatNumber(line.quantity, lng)} {unit}
                </td>
                {showPacked ? (
                  <td className="py-2 pr-2 text-right">
                    {line.packedQuantityMilli === null
                      ? "—"
                      : `${formatQuantityMilli(line.packedQuantityMilli)} ${unit}`}
                  </td>
                ) : null}
                {showDelivered ? (
                  <td className="py-2 pr-2 text-right">
                    {line.deliveredQuantityMilli === null
                      ? "—"
                      : `${formatQuantityMilli(line.deliveredQuantityMilli)} ${unit}`}
                  </td>
                ) : null}
                <td className="py-2 pr-2 text-right">
                  {formatMoney(line.unitPriceMinor, currency, lng)}
                </td>
                <td className="py-2 text-right">
                  {line.finalAmountMinor !== null && line.finalAmountMinor !== line.amountMinor ? (
                    <>
                      <s className="text-stone-500">
                        {formatMoney(line.amountMinor, currency, lng)}
                      </s>{" "}
                      {formatMoney(line.finalAmountMinor, currency, lng)}
                    </>
                  ) : (
                    formatMoney(line.amountMinor, currency, lng)
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Total ordered, and the amount due once packing or delivery changed it. */
export function SubOrderTotal({
  totalMinor,
  finalTotalMinor,
  currency,
}: {
  totalMinor: number;
  finalTotalMinor: number | null;
  currency: Currency;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <p className="text-right font-semibold">
      {finalTotalMinor !== null && finalTotalMinor !== totalMinor ? (
        <>
          {t("orders.finalAmount")}: {formatMoney(finalTotalMinor, currency, lng)}{" "}
          <s className="font-normal text-stone-500">{formatMoney(totalMinor, currency, lng)}</s>
        </>
      ) : (
        <>
          {t("orders.total")}: {formatMoney(totalMinor, currency, lng)}
        </>
      )}
    </p>
  );
}

/** Quantity inputs per line, named `q-<lineId>`: for packing (cooperative) and receiving (buyer). */
export function LineQuantityInputs({
  lines,
  label,
  defaults,
  problems,
}: {
  lines: LineView[];
  label: (unit: string) => string;
  defaults: (line: LineView) => string;
  problems?: Record<string, string>;
}) {
  const { t } = useTranslation();
  return (
    <div className="space-y-3">
      {lines.map((line) => {
        const unit = t(`unit.${line.listing.product.unit}`);
        const problem = problems?.[String(line.id)];
        const id = `q-${line.id}`;
        return (
          <div key={line.id}>
            <label htmlFor={id} className="block font-semibold">
              <LocalName item={line.listing.product} /> — {label(unit)}
            </label>
            <input
              id={id}
              name={id}
              inputMode="decimal"
              required
              defaultValue={defaults(line)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-error` : undefined}
              className="mt-1 block w-40 rounded-md border border-stone-400 bg-white px-3 py-2 aria-[invalid=true]:border-red-700"
            />
            {problem ? (
              <p id={`${id}-error`} className="mt-1 text-sm font-semibold text-red-700">
                {t(problem)}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

/** Every step of a sub-order, with who made it and why (a reason is a translation key or free text). */
export function TransitionHistory({
  transitions,
}: {
  transitions: {
    to: SubOrderStatus;
    at: Date | string;
    reason: string | null;
    actor: { name: string } | null;
  }[];
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <details>
      <summary className="cursor-pointer text-sm text-stone-700">
        {t("orders.history_transitions")}
      </summary>
      <ol className="mt-1 text-sm text-stone-700">
        {transitions.map((step) => (
          <li key={`${step.to}-${String(step.at)}`}>
            {formatCambodiaDateTime(step.at, lng)}: {t(`orders.statuses.${step.to}`)}
            {step.actor ? ` · ${step.actor.name}` : ""}
            {step.reason
              ? ` · ${step.reason.startsWith("orders.") ? t(step.reason) : step.reason}`
              : ""}
          </li>
        ))}
      </ol>
    </details>
  );
}
