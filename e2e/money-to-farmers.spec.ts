// Issue #18 item 9, end to end: money reaches each farmer. A lead registers two members of its own
// and records their pledges for a new listing; a new buyer orders and pays by bank transfer; a clerk
// records what each member brought on a 412 px phone without JavaScript; the lead packs from that,
// the buyer confirms delivery, the lead records the payout (which allocates to members by what they
// delivered), pays both members, and each payout slip shows the numbers this test works out itself.
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { cambodiaDate, signIn, signUpBuyer, waitForHydration } from "./support/session";

const SLUG = "kralanh-agricultural-cooperative"; // lead@phsar.test, clerk@phsar.test

// The inputs. Everything the slips show is worked out from these.
const PRICE = 2_500; // riel per kg
const ORDERED_KG = 10; // the listing's minimum order, which is what "Add to cart" puts in the cart
const PLEDGED = { first: 60, second: 40 }; // kg, so the window has room for other journeys' orders
const COLLECTED = { first: 7, second: 3 }; // kg: not in proportion to the pledges, on purpose
const CREDIT_FIRST = 5_000; // riel of input credit the first member repays from their share
const PAY = { first: "all", second: 5_000 } as const; // the second member is paid only in part
// The e2e server sets no PLATFORM_FEE_BPS (so 0) and the demo cooperatives keep no fee of their own.
const PLATFORM_FEE_BPS = 0;
const COOPERATIVE_FEE_BPS = 0;

/** Whole riel from a formatted amount such as "12,000 ៛". */
const riel = (text: string) => Number(text.replace(/[^\d]/g, ""));
const khmerDigits = (text: string) =>
  text.replace(/[0-9]/g, (d) => String.fromCharCode(0x17e0 + Number(d)));
/** Rounds half up, as the app does, for a non-negative exact fraction a / b. */
const roundHalfUp = (a: number, b: number) => Math.floor((2 * a + b) / (2 * b));

/** What the test expects on each member's slip, from the inputs alone. */
function expected() {
  const saleMinor = PRICE * ORDERED_KG; // everything ordered was collected, packed and delivered
  const netMinor = saleMinor - roundHalfUp(saleMinor * PLATFORM_FEE_BPS, 10_000);
  const distributable = netMinor - roundHalfUp(netMinor * COOPERATIVE_FEE_BPS, 10_000);
  const totalKg = COLLECTED.first + COLLECTED.second;
  // The inputs are chosen so that the shares are exact: no remainder to hand out.
  expect((distributable * COLLECTED.first) % totalKg).toBe(0);
  const member = (kg: number, credit: number) => {
    const share = (distributable * kg) / totalKg;
    const gross = (saleMinor * kg) / totalKg;
    const repaid = Math.min(credit, share);
    return { kg, gross, fee: gross - share, share, credit: repaid, net: share - repaid };
  };
  const first = member(COLLECTED.first, CREDIT_FIRST);
  const second = member(COLLECTED.second, 0);
  const paidFirst = first.net;
  const paidSecond = PAY.second;
  return {
    saleMinor,
    first: { ...first, paid: paidFirst, balance: first.net - paidFirst },
    second: { ...second, paid: paidSecond, balance: second.net - paidSecond },
  };
}

async function englishPage(browser: Browser, email: string, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signIn(page, email);
  await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await expect(page.getByRole("button", { name: "Switch to Khmer" })).toBeVisible();
  return page;
}

async function addMember(lead: Page, name: string, gender: "Female" | "Male") {
  await lead.goto(`/organizations/${SLUG}/farmers/new`);
  await lead.getByLabel("Name in Khmer").fill(name);
  await lead.getByRole("radio", { name: gender, exact: true }).check();
  await lead.getByLabel("Birth year").fill("1988");
  await lead.getByLabel("Village (district › commune › village)").selectOption({ index: 1 });
  await lead.getByRole("main").getByRole("button", { name: "Add a member" }).click();
  await expect(lead).toHaveURL(/\/farmers\/\d+\?created=1$/);
  await expect(lead.getByText("Member added.")).toBeVisible();
}

/** The terms and definitions of a slip, in order: "Owed" → "12,500 ៛". */
async function figures(slip: Locator) {
  const terms = await slip.getByRole("term").allInnerTexts();
  const values = await slip.getByRole("definition").allInnerTexts();
  expect(terms).toHaveLength(values.length);
  return (label: string) => {
    const found = terms.filter((t) => t.includes(`/ ${label}`));
    expect(found, label).toHaveLength(1);
    return values[terms.indexOf(found[0]!)]!.trim();
  };
}

test("money to farmers: pledges, order, collection by member without JavaScript, pack, delivery, payment, allocation, two members paid, slips", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const want = expected();
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const names = { first: `សុខា ${run}`, second: `វណ្ណា ${run}` };

  // The lead registers two members of its own, so no other journey's money is theirs.
  const lead = await englishPage(browser, "lead@phsar.test");
  await addMember(lead, names.first, "Female");
  await addMember(lead, names.second, "Male");

  // The first member was advanced seed on credit: repaid from their share when the money comes.
  await lead.goto(`/organizations/${SLUG}/credits`);
  await waitForHydration(lead);
  const member = lead.getByLabel("Member", { exact: true });
  const firstOption = member.getByRole("option", { name: new RegExp(names.first) });
  await member.selectOption((await firstOption.getAttribute("value"))!);
  await lead.getByLabel("Purpose", { exact: true }).fill(`Seed ${run}`);
  await lead.getByLabel("Amount", { exact: true }).fill(String(CREDIT_FIRST));
  await lead.getByLabel("Currency", { exact: true }).selectOption("KHR");
  await lead.getByLabel("Given on").fill(cambodiaDate(0));
  await lead.getByRole("button", { name: "Record the credit" }).click();
  await expect(lead.getByRole("row").filter({ hasText: `Seed ${run}` })).toBeVisible();

  // A listing of its own, with one delivery window and the two members' pledges.
  await lead.goto(`/organizations/${SLUG}/listings/new`);
  await waitForHydration(lead);
  const product = lead.getByLabel("Product", { exact: true });
  const spinach = product.getByRole("option", { name: /Water spinach/ });
  await product.selectOption((await spinach.getAttribute("value"))!);
  await lead.getByLabel("Price per unit").fill(String(PRICE));
  await lead.getByLabel("Minimum order").fill(String(ORDERED_KG));
  // Wherever the new buyer is.
  const provinces = lead.getByRole("group", { name: "Delivers to (provinces)" });
  for (const province of await provinces.getByRole("checkbox").all()) await province.check();
  await lead.getByRole("button", { name: "Create the listing" }).click();
  await expect(lead).toHaveURL(/\/listings\/\d+$/);
  const listingPath = new URL(lead.url()).pathname.replace(/^\/organizations\/[^/]+/, "");

  await lead.getByLabel("Delivery date", { exact: true }).fill(cambodiaDate(5));
  await lead.getByLabel("Orders close on").fill(cambodiaDate(4));
  await lead.getByRole("button", { name: "Add a delivery window" }).click();
  const pledges = lead.getByRole("region", { name: /Pledges for/ });
  await pledges.getByLabel(names.first).fill(String(PLEDGED.first));
  await pledges.getByLabel(names.second).fill(String(PLEDGED.second));
  await lead.getByRole("button", { name: "Save pledges" }).click();
  const capacity = PLEDGED.first + PLEDGED.second;
  await expect(lead.getByText(`${capacity} of ${capacity} kg left`).first()).toBeVisible();
  await lead.getByRole("button", { name: "Publish" }).click();
  await expect(lead.getByText("Published", { exact: true }).first()).toBeVisible();

  // A new buyer orders the minimum and chooses a bank transfer.
  await signUpBuyer(page, "farmers");
  await page.goto(listingPath);
  await page.getByRole("button", { name: "Add to cart" }).first().click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  await page.goto("/cart");
  await page.getByLabel("Bank transfer").check();
  await page.getByRole("button", { name: "Place the order" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const orderId = /\/orders\/(\d+)/.exec(page.url())![1]!;
  const howToPay = page.getByRole("region", { name: "How to pay" });
  const reference = (
    await howToPay.getByText(new RegExp(`^PH-${orderId}-\\d+$`)).innerText()
  ).trim();
  const subOrderId = reference.split("-")[2]!;
  const subOrderPath = `/organizations/${SLUG}/orders/${subOrderId}`;

  // The lead records the transfer (the amount is the order's, worked out here) and accepts.
  await lead.goto(`/organizations/${SLUG}/payments`);
  const toRecord = lead.getByRole("region", { name: "Payments to record" });
  const waiting = toRecord.getByRole("listitem").filter({ hasText: reference });
  const shown = (await waiting.getByText(`Order ${orderId}:`).innerText()).trim();
  expect(riel(shown.slice(shown.indexOf(":") + 1, shown.indexOf("·")))).toBe(want.saleMinor);
  await waiting.getByLabel("Amount received").fill(String(want.saleMinor));
  await waiting.getByLabel("Bank or receipt reference").fill(`ABA ${reference}`);
  await waiting.getByRole("button", { name: "Mark received" }).click();
  await expect(toRecord.getByRole("listitem").filter({ hasText: reference })).toHaveCount(0);
  await lead.goto(subOrderPath);
  await lead.getByRole("button", { name: "Accept" }).click();
  await expect(lead.getByRole("status")).toContainText("Accepted.");

  // Collection day: the clerk, on a phone-sized page without JavaScript, records what each brought.
  const clerkContext = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 412, height: 915 },
  });
  const clerk = await clerkContext.newPage();
  await signIn(clerk, "clerk@phsar.test");
  await clerk.goto(subOrderPath);
  await clerk.getByRole("link", { name: "កត់ត្រាការប្រមូលពីសមាជិក" }).click();
  await expect(clerk.getByRole("heading", { level: 1 })).toHaveText("ការប្រមូលពីសមាជិក");
  const rowOf = (name: string) => clerk.getByRole("listitem").filter({ hasText: name });
  await expect(rowOf(names.first)).toContainText(`${PLEDGED.first}`);
  // One member in Khmer digits, the other in Latin ones.
  await rowOf(names.first)
    .getByLabel(/បានប្រមូល/)
    .fill(khmerDigits(String(COLLECTED.first)));
  await rowOf(names.second)
    .getByLabel(/បានប្រមូល/)
    .fill(String(COLLECTED.second));
  const save = clerk.getByRole("button", { name: "រក្សាទុកការប្រមូល" });
  const box = await save.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(48);
  expect(box!.x + box!.width).toBeLessThanOrEqual(412);
  await save.click();
  await expect(clerk.getByRole("status").first()).toContainText("បានរក្សាទុក 2");
  await expect(rowOf(names.first).getByLabel(/បានប្រមូល/)).toHaveValue(String(COLLECTED.first));
  await expect(rowOf(names.second).getByLabel(/បានប្រមូល/)).toHaveValue(String(COLLECTED.second));
  await clerkContext.close();

  // The lead packs what was collected.
  await lead.goto(subOrderPath);
  await expect(
    lead.getByText("Proposed quantity = what was collected from members."),
  ).toBeVisible();
  await expect(lead.getByLabel(/Packed \(/).first()).toHaveValue(
    String(COLLECTED.first + COLLECTED.second),
  );
  await lead.getByRole("button", { name: "Mark as packed" }).click();
  await expect(lead.getByRole("status")).toContainText("Packed.");

  // The buyer confirms it all arrived.
  await page.goto(`/orders/${orderId}`);
  await page.getByRole("button", { name: "Confirm delivery" }).click();
  await expect(page.getByRole("status")).toContainText("Delivery confirmed.");

  // The lead records the payout: the cooperative's share is allocated to members by delivery.
  await lead.goto(`/organizations/${SLUG}/payments`);
  const delivered = lead.getByRole("region", { name: "Delivered orders to pay out" });
  const toPayOut = delivered.getByRole("listitem").filter({ hasText: `Order ${orderId}:` });
  await toPayOut.getByLabel("Bank or receipt reference").fill(`kept ${reference}`);
  await toPayOut.getByRole("button", { name: "Record payout" }).click();
  await expect(
    delivered.getByRole("listitem").filter({ hasText: `Order ${orderId}:` }),
  ).toHaveCount(0);

  // What each member is owed, then the lead pays both (the second only in part).
  await lead.goto(`/organizations/${SLUG}/member-payments`);
  await waitForHydration(lead);
  for (const key of ["first", "second"] as const) {
    const cells = await lead
      .getByRole("row")
      .filter({ hasText: names[key] })
      .getByRole("cell")
      .allInnerTexts();
    // Pay, member, allocated, credit repaid, paid, balance, amount, accounts, statement.
    expect(cells.slice(2, 6).map(riel), key).toEqual([
      want[key].share,
      want[key].credit,
      0,
      want[key].net,
    ]);
    await lead.getByRole("checkbox", { name: new RegExp(names[key]) }).check();
    await lead.getByLabel(`Amount ${names[key]}`).fill(String(want[key].paid));
  }
  await lead.getByLabel("Paid by").selectOption("CASH");
  await lead.getByLabel("Reference (required for a transfer)").fill(`receipt ${run}`);
  await lead.getByRole("button", { name: "Record payments" }).click();
  await expect(lead.getByText("Payments recorded. Print the slips.")).toBeVisible();
  for (const key of ["first", "second"] as const) {
    const cells = await lead
      .getByRole("row")
      .filter({ hasText: names[key] })
      .getByRole("cell")
      .allInnerTexts();
    expect(cells.slice(4, 6).map(riel), key).toEqual([want[key].paid, want[key].balance]);
  }

  // Each member's payout slip: delivered, price, gross, fee, credit, net, paid, balance.
  const recent = lead.getByRole("listitem").filter({ hasText: `receipt ${run}` });
  await expect(recent).toHaveCount(2);
  const slipLinks: string[] = [];
  for (const key of ["first", "second"] as const)
    slipLinks.push(
      (await recent
        .filter({ hasText: names[key] })
        .getByRole("link", { name: "Slip" })
        .getAttribute("href"))!,
    );
  for (const [index, key] of (["first", "second"] as const).entries()) {
    const m = want[key];
    await lead.goto(slipLinks[index]!);
    const slip = lead.getByRole("article", { name: /Member payout slip/ });
    await expect(slip).toContainText(names[key]);
    const line = slip.getByRole("row").filter({ hasText: `№ ${subOrderId}` });
    await expect(line).toHaveCount(1);
    const cells = (await line.getByRole("cell").allInnerTexts()).map((c) => c.trim());
    // Product, delivered, price, gross, fee, credit repaid, net.
    expect(cells[0], key).toContain("Water spinach");
    expect(cells[1], key).toMatch(new RegExp(`^${m.kg}\\b`));
    expect(cells.slice(2).map(riel), key).toEqual([PRICE, m.gross, m.fee, m.credit, m.net]);
    // Shared by what was collected, so no "shared by pledge" note.
    await expect(slip.getByRole("note")).toHaveCount(0);
    const figure = await figures(slip);
    expect(riel(figure("Opening balance")), key).toBe(0);
    expect(riel(figure("Owed")), key).toBe(m.net);
    expect(riel(figure("Paid")), key).toBe(m.paid);
    expect(riel(figure("Closing balance")), key).toBe(m.balance);
  }
  await lead.context().close();
});
