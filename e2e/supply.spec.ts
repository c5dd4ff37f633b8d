import { expect, test } from "@playwright/test";
import { cambodiaDate, signIn } from "./support/session";

// A 2×2 green PNG.
const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWNgaGAAIQgFAA4OAgHj5clFAAAAAElFTkSuQmCC";

test("a lead posts a listing with two delivery windows and three member pledges; a buyer sees it published", async ({
  page,
  browser,
}) => {
  await signIn(page, "lead@phsar.test");
  await page.goto("/organizations/kralanh-agricultural-cooperative/listings/new");
  await page
    .getByLabel("ផលិតផល", { exact: true })
    .selectOption({ label: "ត្រកួន · Water spinach (morning glory)" });
  await page.getByLabel("តម្លៃក្នុងមួយឯកតា").fill("260000");
  await page.getByLabel("ការកុម្ម៉ង់អប្បបរមា").fill("10");
  await page.getByRole("button", { name: "បង្កើតការផ្តល់ជូន" }).click();
  // An absurd price (an extra two zeros) is refused beside the field, and nothing is created.
  await expect(page.getByText("តម្លៃនេះខុសពីតម្លៃទីផ្សារធម្មតាជាងដប់ដង")).toBeVisible();
  await expect(page).toHaveURL(/\/listings\/new$/);

  await page.getByLabel("តម្លៃក្នុងមួយឯកតា").fill("2600");
  // Deliver to Phnom Penh, and in Siem Reap only to Kralanh district.
  await page.getByRole("checkbox", { name: "ភ្នំពេញ" }).check();
  await page.getByRole("checkbox", { name: "ក្រឡាញ់" }).check();
  await page.getByRole("button", { name: "បង្កើតការផ្តល់ជូន" }).click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  const listingUrl = page.url();

  for (const days of [5, 6]) {
    await page.getByLabel("ថ្ងៃដឹកជញ្ជូន", { exact: true }).fill(cambodiaDate(days));
    await page.getByLabel("បិទការកុម្ម៉ង់នៅថ្ងៃ").fill(cambodiaDate(days - 1));
    await page.getByRole("button", { name: "បន្ថែមថ្ងៃដឹកជញ្ជូន" }).click();
    await expect(page.getByRole("row")).toHaveCount(days === 5 ? 2 : 3);
  }

  // A delivery date in the past is refused with a clear message.
  await page.getByLabel("ថ្ងៃដឹកជញ្ជូន", { exact: true }).fill(cambodiaDate(-1));
  await page.getByLabel("បិទការកុម្ម៉ង់នៅថ្ងៃ").fill(cambodiaDate(-2));
  await page.getByRole("button", { name: "បន្ថែមថ្ងៃដឹកជញ្ជូន" }).click();
  await expect(page.getByRole("alert")).toContainText("ថ្ងៃដឹកជញ្ជូនត្រូវតែក្រោយថ្ងៃនេះ");

  const pledgeInputs = page.getByRole("spinbutton");
  await pledgeInputs.nth(0).fill("40");
  await pledgeInputs.nth(1).fill("25");
  await pledgeInputs.nth(2).fill("35");
  await page.getByRole("button", { name: "រក្សាទុកការសន្យា" }).click();
  await expect(page.getByText("នៅសល់ 100 ក្នុងចំណោម 100 គីឡូក្រាម")).toBeVisible();
  await expect(page.getByRole("row").nth(1)).toContainText("100");

  // A file that is not a photo is refused; a real photo is stored and shown.
  const photoInput = page.getByLabel("រូបថត (JPEG, PNG ឬ WebP មិនលើស 8 MB)");
  await photoInput.setInputFiles({
    name: "notes.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("not really a photo"),
  });
  await page.getByRole("button", { name: "ផ្ទុកឡើង" }).click();
  await expect(page.getByRole("alert")).toContainText("ឯកសារនេះមិនមែនជារូបថត");
  await photoInput.setInputFiles({
    name: "morning-glory.png",
    mimeType: "image/png",
    buffer: Buffer.from(TINY_PNG, "base64"),
  });
  await page.getByRole("button", { name: "ផ្ទុកឡើង" }).click();
  await expect(page.getByRole("img", { name: "រូបថតត្រកួន" })).toBeVisible();

  await page.getByRole("button", { name: "ផ្សព្វផ្សាយ" }).click();
  await expect(page.getByText("បានផ្សព្វផ្សាយ")).toBeVisible();

  const buyer = await (await browser.newContext()).newPage();
  await signIn(buyer, "buyer@phsar.test");
  await buyer.goto(listingUrl.replace(/\/organizations\/[^/]+/, ""));
  await expect(buyer.getByRole("heading", { level: 1 })).toContainText("ត្រកួន");
  await expect(buyer.getByText("2,600 ៛")).toBeVisible();
  await expect(buyer.getByText("នៅសល់ 100 ក្នុងចំណោម 100 គីឡូក្រាម")).toBeVisible();
  await expect(buyer.getByText(/នៅសល់ 0 ក្នុងចំណោម 0/)).toBeVisible(); // the second window has no pledges yet
  await expect(buyer.getByRole("img", { name: "រូបថតត្រកួន" })).toBeVisible();
  const areas = buyer.getByRole("region", { name: "ដឹកជញ្ជូនទៅ" }).getByRole("listitem");
  await expect(areas).toHaveCount(2);
  await expect(areas.filter({ hasText: "ក្រឡាញ់" })).toContainText("សៀមរាប");
  await expect(areas.filter({ hasText: "ភ្នំពេញ" })).toHaveCount(1);
});
