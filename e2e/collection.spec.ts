// #18: on a 412 px phone without JavaScript, a clerk records what each member brought, a bad row
// keeps what was typed, and packing proposes what was collected.
import { expect, test } from "@playwright/test";
import { signIn } from "./support/session";

const COOPERATIVE_A = "kralanh-agricultural-cooperative"; // lead@phsar.test, clerk@phsar.test

test.use({ javaScriptEnabled: false, viewport: { width: 412, height: 915 } });

const khmerDigits = (text: string) =>
  text.replace(/[0-9]/g, (d) => String.fromCharCode(0x17e0 + Number(d)));

test("collection by member on a phone without JavaScript, then packing from it", async ({
  page,
}) => {
  await signIn(page, "trader@phsar.test");
  await page.goto(`/cooperatives/${COOPERATIVE_A}`);
  await page.getByRole("main").locator('a[href^="/listings/"]').first().click();
  await page.getByRole("button", { name: "ដាក់ក្នុងកន្ត្រក" }).first().click();
  await page.goto("/cart");
  await page.getByRole("button", { name: "ដាក់ការកុម្ម៉ង់" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const orderId = /\/orders\/(\d+)/.exec(page.url())![1]!;

  await page.context().clearCookies();
  await signIn(page, "lead@phsar.test");
  await page.goto(`/organizations/${COOPERATIVE_A}/orders`);
  await page
    .getByRole("link", { name: /ផ្សារច្បារអំពៅ/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(orderId);
  await page.getByRole("button", { name: "ទទួលយក" }).click();
  await expect(page.getByRole("status")).toContainText("បានទទួលយក");
  const orderUrl = page.url().split("?")[0]!;
  const ordered = await page
    .getByLabel(/បានវេចខ្ចប់ \(/)
    .first()
    .inputValue();
  await expect(page.getByText("មិនទាន់កត់ត្រាការប្រមូល", { exact: false })).toBeVisible();

  await page.getByRole("link", { name: "កត់ត្រាការប្រមូលពីសមាជិក" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ការប្រមូលពីសមាជិក");
  const first = page.getByLabel(/បានប្រមូល/).first();
  const box = await page.getByRole("button", { name: "រក្សាទុកការប្រមូល" }).boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(48);
  expect(box!.width).toBeLessThanOrEqual(412);

  // A row it cannot read: refused beside the row, and what was typed is still there.
  await first.fill("ដប់");
  await page.getByLabel(/ថ្នាក់/).first().fill("B");
  await page.getByRole("button", { name: "រក្សាទុកការប្រមូល" }).click();
  await expect(page.getByText("បញ្ចូលបរិមាណដូចជា 12 ឬ 12.5។")).toBeVisible();
  await expect(page.getByLabel(/បានប្រមូល/).first()).toHaveValue("ដប់");
  await expect(page.getByLabel(/ថ្នាក់/).first()).toHaveValue("B");

  // The ordered quantity, typed in Khmer digits, all from the first member.
  await page
    .getByLabel(/បានប្រមូល/)
    .first()
    .fill(khmerDigits(ordered));
  await page.getByRole("button", { name: "រក្សាទុកការប្រមូល" }).click();
  await expect(page.getByRole("status").first()).toContainText("បានរក្សាទុក 1 កំណត់ត្រា");
  await expect(page.getByLabel(/បានប្រមូល/).first()).toHaveValue(ordered);

  await page.goto(orderUrl);
  await expect(page.getByText("បរិមាណដែលស្នើ = អ្វីដែលបានប្រមូលពីសមាជិក។")).toBeVisible();
  await page.getByRole("button", { name: "សម្គាល់ថាបានវេចខ្ចប់" }).click();
  await expect(page.getByRole("status")).toContainText("បានវេចខ្ចប់");
});
