import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./support/session";

const COOPERATIVE_A = "kralanh-agricultural-cooperative"; // lead@phsar.test
const COOPERATIVE_B = "tuek-phos-agricultural-cooperative"; // lead2@phsar.test

/** Opens the cooperative's first listing and puts its minimum order for the first date in the cart. */
async function addFirstListing(page: Page, cooperativeSlug: string) {
  await page.goto(`/cooperatives/${cooperativeSlug}`);
  await page.getByRole("main").locator('a[href^="/listings/"]').first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await page.getByRole("button", { name: "ដាក់ក្នុងកន្ត្រក" }).first().click();
  await expect(page.getByRole("status")).toContainText("បានដាក់ក្នុងកន្ត្រក");
}

/** The cooperative accepts its part of the order and records what it packed. */
async function acceptAndPack(page: Page, lead: string, slug: string, orderId: string) {
  await signIn(page, lead);
  await page.goto(`/organizations/${slug}/orders`);
  // The buyer's restaurant: the only order it placed with this cooperative in this run.
  await page.getByRole("link", { name: /ម្ហូបផ្ទះ/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(orderId);
  await page.getByRole("button", { name: "ទទួលយក" }).click();
  await expect(page.getByRole("status")).toContainText("បានទទួលយក");
  await page.getByRole("button", { name: "សម្គាល់ថាបានវេចខ្ចប់" }).click();
  await expect(page.getByRole("status")).toContainText("បានវេចខ្ចប់");
}

test("a buyer orders from two cooperatives in one checkout; each accepts and packs; one full and one partial delivery", async ({
  page,
  browser,
}) => {
  await signIn(page, "buyer@phsar.test");
  await addFirstListing(page, COOPERATIVE_A);
  await addFirstListing(page, COOPERATIVE_B);

  await page.goto("/cart");
  await expect(page.getByRole("heading", { level: 2, name: /ក្រឡាញ់/ })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: /ទឹកផុស/ })).toBeVisible();
  // Quantity below the cooperative's minimum: refused beside the line, nothing ordered.
  const firstQuantity = page.getByLabel(/បរិមាណ/).first();
  const minimum = await firstQuantity.inputValue();
  await firstQuantity.fill("1");
  await firstQuantity.evaluate((input) => input.removeAttribute("min"));
  await page.getByRole("button", { name: "កែប្រែ" }).first().click();
  await expect(page.getByText("នេះតិចជាងការកុម្ម៉ង់អប្បបរមារបស់សហគមន៍")).toBeVisible();
  await page.getByLabel(/បរិមាណ/).first().fill(minimum);
  await page.getByRole("button", { name: "កែប្រែ" }).first().click();
  await expect(page.getByText("នេះតិចជាងការកុម្ម៉ង់អប្បបរមារបស់សហគមន៍")).toBeHidden();

  await page.getByRole("button", { name: "ដាក់ការកុម្ម៉ង់" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  await expect(page.getByRole("status")).toContainText("បានដាក់ការកុម្ម៉ង់");
  const orderId = /\/orders\/(\d+)/.exec(page.url())![1]!;
  await expect(page.getByText("រង់ចាំសហគមន៍", { exact: true })).toHaveCount(2);

  // Each cooperative, in its own browser, accepts and packs its part.
  for (const [lead, slug] of [
    ["lead@phsar.test", COOPERATIVE_A],
    ["lead2@phsar.test", COOPERATIVE_B],
  ] as const) {
    const context = await browser.newContext();
    const leadPage = await context.newPage();
    await acceptAndPack(leadPage, lead, slug, orderId);
    await context.close();
  }

  // The buyer confirms the first delivery in full and the second only in part.
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByRole("button", { name: "បញ្ជាក់ការទទួល" })).toHaveCount(2);
  await page.getByRole("button", { name: "បញ្ជាក់ការទទួល" }).first().click();
  await expect(page.getByRole("status")).toContainText("បានបញ្ជាក់ការទទួល");
  const received = page.getByLabel(/បានទទួល/);
  await expect(received).toHaveCount(1);
  const packed = Number(await received.inputValue());
  await received.fill(String(packed - 1));
  await page.getByRole("button", { name: "បញ្ជាក់ការទទួល" }).click();
  await expect(page.getByRole("status")).toContainText("បានបញ្ជាក់ការទទួល");
  await expect(page.getByText("បានដឹកជញ្ជូន", { exact: true })).toHaveCount(2);
  // The partial delivery is re-priced: the amount due is shown beside the struck-out order total.
  await expect(page.getByText(/ចំនួនត្រូវបង់/)).toHaveCount(1);

  // The buyer was told about acceptance and delivery.
  await page.goto("/notifications");
  await expect(page.getByRole("link", { name: /បានទទួលយកការកុម្ម៉ង់របស់អ្នក/ })).toHaveCount(2);
  await expect(page.getByRole("link", { name: /ត្រូវបានដឹកជញ្ជូន/ })).toHaveCount(2);
});

test("a cooperative's pick list says which member brings what, and the delivery note is in both languages", async ({
  page,
}) => {
  await signIn(page, "trader@phsar.test");
  await addFirstListing(page, COOPERATIVE_A);
  await page.goto("/cart");
  await page.getByRole("button", { name: "ដាក់ការកុម្ម៉ង់" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);

  await page.context().clearCookies();
  await signIn(page, "clerk@phsar.test");
  await page.goto(`/organizations/${COOPERATIVE_A}/pick-list`);
  await expect(page.getByRole("heading", { name: "តាមផលិតផល" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "អ្នកណានាំយកអ្វី" })).toBeVisible();
  await expect(page.getByRole("table").getByRole("row")).not.toHaveCount(1);

  // A clerk helps pack but does not decide: no accept button.
  await page.goto(`/organizations/${COOPERATIVE_A}/orders`);
  // Newest first: the order just placed (other journeys order from this trader too).
  await page
    .getByRole("link", { name: /ផ្សារច្បារអំពៅ/ })
    .first()
    .click();
  await expect(page.getByRole("button", { name: "ទទួលយក" })).toHaveCount(0);
  await page.getByRole("link", { name: "ប័ណ្ណដឹកជញ្ជូន" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("ប័ណ្ណដឹកជញ្ជូន / Delivery note");
  await expect(page.getByText("Received by (buyer)")).toBeVisible();
});
