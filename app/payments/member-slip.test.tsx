// The payout slip and statement say, in Khmer and English, where shares followed pledges because no
// collection was recorded (#18 item 3). Rendered as the server renders it.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";
import { MemberSlip, type SlipData, type SlipLabels, slipLabelKeys } from "./member-slip";

// The real messages, as slipLabels() reads them on the server.
const message = (messages: typeof en, key: string) =>
  key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
const labels = Object.fromEntries(
  slipLabelKeys.map((key) => [key, { km: message(km, key), en: message(en, key) }]),
) as SlipLabels;

type Line = SlipData["lines"][number];
const line = (subOrderId: number, basis: Line["basis"]): Line => ({
  subOrderId,
  productKm: "ត្រកួន",
  productEn: "Water spinach",
  unit: "KG",
  basis,
  deliveredQuantityMilli: 7_000,
  unitPriceMinor: 2_500,
  grossMinor: 17_500,
  feeMinor: 0,
  creditRepaidMinor: 5_000,
  netMinor: 12_500,
});

function render(lines: Line[]) {
  const data: SlipData = {
    title: "statement",
    cooperative: { nameKm: "សហគមន៍", nameEn: "Cooperative" },
    farmer: { name: "សុខា", nameLatin: "Sokha", village: "ភូមិ" },
    currency: "KHR",
    from: "2026-12-01",
    to: "2026-12-04",
    openingBalanceMinor: 0,
    owedMinor: lines.reduce((s, l) => s + l.netMinor, 0),
    paidMinor: 0,
    closingBalanceMinor: lines.reduce((s, l) => s + l.netMinor, 0),
    lines,
    payments: [],
    methods: {},
  };
  const html = renderToStaticMarkup(<MemberSlip data={data} labels={labels} />);
  // One table row per line, so a note can be tied to the line it sits in.
  const rows = [...html.matchAll(/<tr class="border-b border-stone-300">(.*?)<\/tr>/g)].map(
    (m) => m[1]!,
  );
  return { html, rows };
}

describe("the basis note on a member's slip", () => {
  test("the messages exist in both languages and say the shares followed pledges", () => {
    expect(km.memberPayments.basisPledge).toContain("សន្យា");
    expect(en.memberPayments.basisPledge).toMatch(/pledge/i);
    expect(km.memberPayments.basisMixed).toContain("សន្យា");
    expect(en.memberPayments.basisMixed).toMatch(/pledge/i);
    expect(km.memberPayments.basisPledge).not.toBe(km.memberPayments.basisMixed);
  });

  test("a line shared by pledge says so in Khmer and English; a collected one says nothing", () => {
    const { html, rows } = render([line(11, "COLLECTION"), line(12, "PLEDGE"), line(13, "MIXED")]);
    expect(rows).toHaveLength(3);
    const [collected, pledged, mixed] = rows as [string, string, string];
    expect(collected).toContain("№ 11");
    expect(collected).not.toContain('role="note"');
    expect(pledged).toContain("№ 12");
    expect(pledged).toContain(`<p role="note"`);
    expect(pledged).toContain(km.memberPayments.basisPledge);
    expect(pledged).toContain(`<span lang="en">/ ${en.memberPayments.basisPledge}</span>`);
    expect(pledged).not.toContain(en.memberPayments.basisMixed);
    expect(mixed).toContain(km.memberPayments.basisMixed);
    expect(mixed).toContain(en.memberPayments.basisMixed);
    expect(html.match(/role="note"/g)).toHaveLength(2);
  });

  test("a slip where everything was collected has no note at all", () => {
    const { html } = render([line(21, "COLLECTION")]);
    expect(html).not.toContain(en.memberPayments.basisPledge);
    expect(html).not.toContain(en.memberPayments.basisMixed);
    expect(html).not.toContain('role="note"');
  });
});
