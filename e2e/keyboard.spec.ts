// Keyboard-only checkout (issue #9, part 2): after signing up, a buyer reaches a listing, puts it in
// the cart and places the order with Tab, Shift+Tab, Enter and Space only: no clicks, no fills.
import { expect, type Locator, type Page, test } from "@playwright/test";
import { signUpBuyer } from "./support/session";

const COOPERATIVE = "kralanh-agricultural-cooperative";

/**
 * Presses Tab until `target` has the focus, as a keyboard user would; fails if it is never
 * reached (not focusable, or hidden from the tab order) within `limit` presses.
 */
async function tabTo(page: Page, target: Locator, limit = 120) {
  const element = await target.elementHandle();
  if (!element) throw new Error("the element to tab to is not on the page");
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await element.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reached with ${limit} presses of Tab`);
}

test("a buyer finds a listing, adds it to the cart and checks out with the keyboard alone", async ({
  page,
}) => {
  await signUpBuyer(page, "keyboard");
  await page.goto(`/cooperatives/${COOPERATIVE}`);

  await tabTo(page, page.getByRole("main").locator('a[href^="/listings/"]').first());
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/listings\/\d+$/);

  await tabTo(page, page.getByRole("button", { name: "Add to cart" }).first());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Added to your cart.");

  // The header's cart link, reached from the top of the page.
  await page.keyboard.press("Shift+Tab"); // leave the form the focus is in
  await tabTo(page, page.getByRole("link", { name: /^Cart/ }).first());
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/cart$/);

  const cash = page.getByRole("radio", { name: "Cash on delivery" });
  await tabTo(page, page.getByRole("radio").first());
  // Arrow keys move within a radio group; Space checks the focused one.
  for (let i = 0; i < 5 && !(await cash.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await expect(cash).toBeChecked();

  await tabTo(page, page.getByRole("button", { name: "Place the order" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const orderId = /\/orders\/(\d+)/.exec(page.url())![1]!;

  // The order exists for this buyer: it is on the buyer's orders page.
  await page.goto("/orders");
  await expect(page.getByRole("main")).toContainText(orderId);
});
