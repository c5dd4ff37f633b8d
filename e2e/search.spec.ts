import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { waitForHydration } from "./support/session";

test.describe("search without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the GET form searches in Khmer and filters by facet", async ({ page }) => {
    await page.goto("/search");
    await page.getByRole("searchbox").fill("ត្រកួន");
    await page.getByRole("button", { name: "ស្វែងរក" }).click();
    await expect(page).toHaveURL(/[?&]q=/);
    const results = page.getByRole("main").getByRole("listitem").filter({ hasText: "ត្រកួន" });
    await expect(results.first()).toBeVisible();
    await expect(page.getByRole("status")).toContainText("រកឃើញ");
    await page.getByRole("checkbox", { name: /ថ្នាក់ A/ }).check();
    await page.getByRole("button", { name: "ស្វែងរក" }).click();
    await expect(page).toHaveURL(/grade=A/);
    await expect(page.getByRole("checkbox", { name: /ថ្នាក់ A/ })).toBeChecked();
  });
});

test("with JavaScript, results follow the typing and the URL keeps up", async ({ page }) => {
  await page.goto("/search");
  await waitForHydration(page);
  await page.getByRole("searchbox").pressSequentially("morning glory", { delay: 30 });
  await expect(page).toHaveURL(/q=morning(\+|%20)glory/);
  await expect(page.getByRole("main").getByRole("link", { name: /ត្រកួន/ }).first()).toBeVisible();
  await page.getByRole("checkbox", { name: /ថ្នាក់ A/ }).check();
  await expect(page).toHaveURL(/grade=A/);
});

test("the search page has no serious accessibility violations", async ({ page }) => {
  await page.goto("/search?q=%E1%9E%8F%E1%9F%92%E1%9E%9A%E1%9E%80%E1%9E%BD%E1%9E%93");
  await page.waitForLoadState("load");
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
});
