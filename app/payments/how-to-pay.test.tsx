// #26 item 1: a buyer paying by bank transfer sees, on the order page's "how to pay", each
// cooperative's bank, account name and number beside the amount and reference, as selectable text
// (the copy buttons come only once scripts run), and a note where a cooperative has no account yet.
// Real data: the demo seed, an order from two cooperatives, one of which entered its account.
import { createInstance } from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { i18nConfig, type Language } from "~/i18n/config";
import en from "~/i18n/locales/en";
import km from "~/i18n/locales/km";
import { resources } from "~/i18n/resources";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { setBankAccount } from "./bank.server";
import { amountForBankApp, HowToPay } from "./how-to-pay";
import { paymentInstructions } from "./instructions.server";
import { manualProvider } from "./manual.server";

const account = {
  bankName: "ACLEDA Bank",
  bankAccountName: "Kralanh Agricultural Cooperative",
  bankAccountNumber: "0001-2345-6789-10",
};

let instructions: Awaited<ReturnType<typeof paymentInstructions>>;
let withBankId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await actor("lead@phsar.test");
  const cooperativeId = lead.memberships[0]!.organizationId;
  await setBankAccount(cooperativeId, account, lead);
  const order = await orderFromTwoCooperatives();
  await manualProvider.startPayment(order.id, "BANK_TRANSFER", await actor("buyer@phsar.test"));
  instructions = await paymentInstructions(order.id, order.buyerId);
  withBankId = order.subOrders.find((s) => s.cooperativeId === cooperativeId)!.id;
});

async function render(lng: Language, subOrderId: number) {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources });
  const payment = instructions.find((p) => p.subOrderId === subOrderId)!;
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <HowToPay payment={payment} />
    </I18nextProvider>,
  );
}

describe("how to pay by bank transfer", () => {
  test("both parts wait for a transfer, each with its own reference", () => {
    expect(instructions).toHaveLength(2);
    expect(instructions.every((p) => p.method === "BANK_TRANSFER" && p.status === "PENDING")).toBe(
      true,
    );
  });

  test.each([
    ["km", km],
    ["en", en],
  ] as const)("in %s the account is shown beside amount and reference", async (lng, messages) => {
    const payment = instructions.find((p) => p.subOrderId === withBankId)!;
    const html = await render(lng, withBankId);
    expect(html).toContain(messages.payments.bankName);
    expect(html).toContain(messages.payments.bankAccountName);
    expect(html).toContain(messages.payments.bankAccountNumber);
    expect(html).toContain(account.bankName);
    expect(html).toContain(account.bankAccountName);
    expect(html).toContain(account.bankAccountNumber);
    expect(html).toContain(payment.reference);
    expect(html).not.toContain(messages.payments.bankNotGiven);
    // Without scripts there is no button that could not work: the values are selectable text.
    expect(html).not.toContain("<button");
    expect(html).toContain('class="select-all break-words font-mono">0001-2345-6789-10<');
  });

  test.each([
    ["km", km],
    ["en", en],
  ] as const)("in %s a cooperative without an account gets a clear note", async (lng, messages) => {
    const other = instructions.find((p) => p.subOrderId !== withBankId)!;
    expect(other.bank).toBeNull();
    const html = await render(lng, other.subOrderId);
    expect(html).toContain(messages.payments.bankNotGiven);
    expect(html).not.toContain(account.bankAccountNumber);
    expect(html).toContain(other.reference);
  });

  test("the amount copied is what a banking app takes", () => {
    expect(amountForBankApp(125_000, "KHR")).toBe("125000");
    expect(amountForBankApp(1_250, "USD")).toBe("12.50");
  });

  test("the copy strings exist in both languages", () => {
    expect(km.copy.copy).toBe("ចម្លង");
    expect(en.copy.copyWhat).toContain("{{what}}");
  });
});
