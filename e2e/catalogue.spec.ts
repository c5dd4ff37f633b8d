// Issue #17 item 4, without JavaScript: union staff add a search synonym to a product in the
// catalogue, and a buyer finds the product's listings by it straight away; English plurals and
// Khmer compound parts find listings too.
import { expect, test } from "@playwright/test";
import { signIn } from "./support/session";

test.use({ javaScriptEnabled: false });

test("a synonym added in the catalogue finds the product's listings at once", async ({
  page,
  browser,
}) => {
  await signIn(page, "monitor@phsar.test");
  await page.goto("/catalogue");
  await page.getByRole("link", { name: "ស្ពៃក្ដោប" }).click();
  const synonyms = page.getByLabel("ពាក្យស្វែងរកដូចគ្នា");
  await synonyms.fill(`${await synonyms.inputValue()}\nquibblecabbage`);
  await page.getByRole("button", { name: "រក្សាទុក", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("បានរក្សាទុក។");

  const buyer = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  for (const [q, product] of [
    ["quibblecabbage", "ស្ពៃក្ដោប"],
    ["cabbages", "ស្ពៃក្ដោប"],
    ["tomatoes", "ប៉េងប៉ោះ"],
  ] as const) {
    await buyer.goto(`/search?${new URLSearchParams({ q })}`);
    await expect(
      buyer.getByRole("main").getByRole("listitem").filter({ hasText: product }).first(),
      q,
    ).toBeVisible();
  }
});
