// Issue #7 with the default manual provider, end to end: a new buyer pays two cooperatives by bank
// transfer in one checkout; each lead records the money, accepts and packs; the buyer confirms one
// full and one partial delivery (the difference is given back); the leads record payouts; the member
// shares add up to what was paid out and nothing is left held. Runs in English to read amounts.
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { signIn, signUpBuyer } from "./support/session";

const COOPERATIVES = [
  { slug: "kralanh-agricultural-cooperative", name: /Kralanh/, lead: "lead@phsar.test" },
  { slug: "tuek-phos-agricultural-cooperative", name: /Tuek Phos/, lead: "lead2@phsar.test" },
] as const;

/** Whole riel or cents, from a formatted amount such as "12,000៛" or "$12.50". */
const minor = (text: string) => Number(text.replace(/[^\d]/g, ""));

async function leadPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await expect(page.getByRole("button", { name: "Switch to Khmer" })).toBeVisible();
  return page;
}

async function addFirstListing(page: Page, cooperativeSlug: string) {
  await page.goto(`/cooperatives/${cooperativeSlug}`);
  await page.getByRole("main").locator('a[href^="/listings/"]').first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await page.getByRole("button", { name: "Add to cart" }).first().click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
}

/** The cooperative's part of the order on the buyer's page. */
const partOf = (page: Page, name: RegExp) =>
  page.getByRole("region", { name }).filter({ has: page.getByRole("heading", { level: 2 }) });

/** axe: no serious or critical violations on the page as it is now. */
async function expectAccessible(page: Page) {
  await page.waitForLoadState("load");
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
}

async function textOf(locator: Locator) {
  return (await locator.innerText()).trim();
}

test("manual payments: two cooperatives paid by bank transfer, one partial delivery refunded, both paid out, member shares add up", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  // A buyer of its own, so no other test's orders share its name.
  await signUpBuyer(page, "payments");

  for (const cooperative of COOPERATIVES) await addFirstListing(page, cooperative.slug);
  await page.goto("/cart");
  // The demo cooperatives have no Bakong account: KHQR is not offered.
  await expect(page.getByLabel("Bank transfer")).toBeVisible();
  await expect(page.getByLabel("KHQR (Bakong)")).toHaveCount(0);
  await page.getByLabel("Bank transfer").check();
  await page.getByRole("button", { name: "Place the order" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const orderId = /\/orders\/(\d+)/.exec(page.url())![1]!;

  // How to pay each cooperative: method, amount and a reference of its own.
  const payments = [];
  for (const cooperative of COOPERATIVES) {
    const howToPay = partOf(page, cooperative.name).getByRole("region", { name: "How to pay" });
    await expect(howToPay).toContainText("Bank transfer");
    await expect(howToPay).toContainText("Waiting for your payment");
    const reference = await textOf(howToPay.getByText(new RegExp(`^PH-${orderId}-\\d+$`)));
    payments.push({ ...cooperative, reference, subOrderId: reference.split("-")[2]! });
  }
  await expect(page.getByText("Awaiting payment", { exact: true })).toHaveCount(2);

  // Each lead records the transfer, then accepts and packs.
  const leads = [];
  for (const payment of payments) {
    const lead = await leadPage(browser, payment.lead);
    leads.push(lead);
    await lead.goto(`/organizations/${payment.slug}/payments`);
    const toRecord = lead.getByRole("region", { name: "Payments to record" });
    const waiting = toRecord.getByRole("listitem").filter({ hasText: payment.reference });
    const shown = await textOf(waiting.getByText(`Order ${orderId}:`));
    const amount = shown.slice(shown.indexOf(":") + 1, shown.indexOf("·")).trim();
    await waiting
      .getByLabel("Amount received")
      .fill(amount.includes("$") ? (minor(amount) / 100).toFixed(2) : String(minor(amount)));
    await waiting.getByLabel("Bank or receipt reference").fill(`ABA ${payment.reference}`);
    await waiting.getByRole("button", { name: "Mark received" }).click();
    await expect(toRecord.getByRole("listitem").filter({ hasText: payment.reference })).toHaveCount(
      0,
    );

    await lead.goto(`/organizations/${payment.slug}/orders/${payment.subOrderId}`);
    await expect(lead.getByText("Waiting for the cooperative", { exact: true })).toBeVisible();
    await lead.getByRole("button", { name: "Accept" }).click();
    await expect(lead.getByRole("status")).toContainText("Accepted.");
    await lead.getByRole("button", { name: "Mark as packed" }).click();
    await expect(lead.getByRole("status")).toContainText("Packed.");
  }

  // The buyer sees both payments received, then confirms one full and one partial delivery.
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByText("Received by the cooperative", { exact: true })).toHaveCount(2);
  const [full, partial] = payments.map((p) => partOf(page, p.name));
  await full!.getByRole("button", { name: "Confirm delivery" }).click();
  await expect(page.getByRole("status")).toContainText("Delivery confirmed.");
  const received = partial!.getByLabel(/Received/).first();
  await received.fill(String(Number(await received.inputValue()) - 1));
  await partial!.getByRole("button", { name: "Confirm delivery" }).click();
  await expect(page.getByRole("status")).toContainText("Delivery confirmed.");
  await expect(page.getByText("Delivered", { exact: true })).toHaveCount(2);
  // The partial delivery's difference is given back; the full one owes nothing back.
  await expect(partial!.getByText(/Given back to you: /)).toBeVisible();
  await expect(full!.getByText(/Given back to you: /)).toHaveCount(0);
  await expectAccessible(page);

  // Each lead records the payout; the ledger holds nothing more for the cooperative, and the
  // members' shares add up to what was paid out.
  for (const [index, payment] of payments.entries()) {
    const lead = leads[index]!;
    await lead.goto(`/organizations/${payment.slug}/payments`);
    const delivered = lead.getByRole("region", { name: "Delivered orders to pay out" });
    const toPayOut = delivered.getByRole("listitem").filter({ hasText: `Order ${orderId}:` });
    await toPayOut.getByLabel("Bank or receipt reference").fill(`kept ${payment.reference}`);
    await toPayOut.getByRole("button", { name: "Record payout" }).click();
    await expect(
      delivered.getByRole("listitem").filter({ hasText: `Order ${orderId}:` }),
    ).toHaveCount(0);
    // The partial delivery's difference is listed for the lead to hand back; the full one has none.
    await expect(
      lead
        .getByRole("region", { name: "Money to give back to buyers" })
        .getByRole("listitem")
        .filter({ hasText: `Order ${orderId}:` }),
    ).toHaveCount(index === 1 ? 1 : 0);
    if (index === 1) {
      // The lead gives the difference back and records how.
      const refunds = lead.getByRole("region", { name: "Money to give back to buyers" });
      const refund = refunds.getByRole("listitem").filter({ hasText: `Order ${orderId}:` });
      await refund.getByLabel(/How it was given back/).fill(`Cash ${payment.reference}`);
      await refund.getByRole("button", { name: "Mark given back" }).click();
      await expect(
        refunds.getByRole("listitem").filter({ hasText: `Order ${orderId}:` }),
      ).toContainText(`Given back`);
      await expect(
        refunds.getByRole("listitem").filter({ hasText: `Order ${orderId}:` }),
      ).toContainText(`Cash ${payment.reference}`);
    }
    const account = await textOf(lead.getByRole("region", { name: "This cooperative's account" }));
    const figure = (label: string) =>
      minor(new RegExp(`${label} \\(KHR\\)\\s*([^\\n]+)`).exec(account)![1]!);
    expect(figure("Received and not yet paid out")).toBe(0);
    const paidOut = figure("Paid out");
    expect(paidOut).toBeGreaterThan(0);

    const members = lead.getByRole("region", { name: "What each member is owed" });
    const shares = await members.getByRole("row").allInnerTexts();
    const memberRows = shares.slice(1).map((row) => row.split("\t"));
    expect(memberRows.length).toBeGreaterThan(0);
    expect(memberRows.reduce((sum, cells) => sum + minor(cells[1]!), 0)).toBe(paidOut);
    await expect(members.getByRole("link", { name: /Download the statement/ })).toBeVisible();
    await expectAccessible(lead);
  }

  await page.reload();
  await expect(page.getByText("Settled", { exact: true })).toHaveCount(2);
  for (const lead of leads) await lead.context().close();
});

test("KHQR: once a cooperative has a Bakong account, a buyer pays it with a code for that account", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  // A cooperative no other journey orders from, set up by an admin (leads do the same).
  const slug = "puok-vegetable-cooperative";
  const admin = await leadPage(browser, "admin@phsar.test");
  await admin.goto(`/organizations/${slug}/payments`);
  const bakong = admin.getByRole("region", { name: "Bakong account for KHQR" });
  await bakong.getByLabel("Bakong account id").fill("puok vegetables");
  await bakong.getByRole("button", { name: "Save the Bakong account" }).click();
  await expect(bakong.getByText(/Write the account id as name@bank/)).toBeVisible();
  await bakong.getByLabel("Bakong account id").fill("puok@aclb");
  await bakong.getByRole("button", { name: "Save the Bakong account" }).click();
  await expect(bakong).toContainText("go straight to puok@aclb");
  await admin.context().close();

  await signUpBuyer(page, "khqr");
  await addFirstListing(page, slug);
  await page.goto("/cart");
  await page.getByLabel("KHQR (Bakong)").check();
  await page.getByRole("button", { name: "Place the order" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const howToPay = page.getByRole("region", { name: "How to pay" });
  await expect(howToPay).toContainText("KHQR (Bakong)");
  await expect(howToPay.getByRole("img", { name: /KHQR code to pay/ })).toBeVisible();
  // The code is an EMV payload for the cooperative's own account.
  const code = await howToPay.getByLabel("The KHQR code as text, to copy").inputValue();
  expect(code.startsWith("000201")).toBe(true);
  expect(code).toContain("puok@aclb");
  await expectAccessible(page);
});

// Issue #15 item 5: the admin's view of a buyer's statement, where pay-later terms are granted,
// used to be a 500 (Conform could not read the form's schema).
test("an admin opens a buyer's statement and grants pay-later terms", async ({ page, browser }) => {
  await signUpBuyer(page, "terms");
  await page.getByRole("link", { name: "My organization" }).click();
  await page.getByRole("main").getByRole("link", { name: "Account statement" }).click();
  await expect(page).toHaveURL(/\/organizations\/[^/]+\/statement$/);
  const statementPath = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { name: "Account statement" })).toBeVisible();

  const admin = await leadPage(browser, "admin@phsar.test");
  const response = await admin.goto(statementPath);
  expect(response?.status()).toBe(200);
  const form = admin.getByRole("main");
  await form.getByLabel("Credit limit").fill("500000");
  await form.getByLabel("Days to pay").fill("14");
  await form.getByRole("button", { name: "Give pay-later terms" }).click();
  await expect(admin.getByText(/Pay later: up to 500,000.*within 14 days/)).toBeVisible();
  await expectAccessible(admin);
  await admin.context().close();

  // The buyer sees the same terms on its own statement.
  await page.reload();
  await expect(page.getByText(/Pay later: up to 500,000.*within 14 days/)).toBeVisible();
});
