import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { cambodiaDate, signIn } from "./support/session";

// The union monitor's dashboard on the demo history (prisma/seed/history.ts): filters in the URL,
// charts with their tables, a CSV that spreadsheets open as UTF-8.
test("a monitor filters the dashboard, reads its charts and downloads a CSV with a BOM", async ({
  page,
}) => {
  // Three loads of the longest page; its axe check is in accessibility.spec.ts.
  test.slow();
  await signIn(page, "monitor@phsar.test");
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Union dashboard" })).toBeVisible();

  // Filters are a plain GET form: the chosen range ends up in the URL.
  await page.getByLabel("Delivered from").fill(cambodiaDate(-56));
  await page.getByLabel("Delivered until").fill(cambodiaDate(0));
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${cambodiaDate(-56)}`));

  await expect(page.getByRole("img", { name: /kg ordered and delivered per week/ })).toBeVisible();
  const byProduct = page.getByRole("table", { name: "By product" });
  await expect(byProduct.getByRole("row").nth(1)).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Cooperative performance" }).getByRole("row"),
  ).not.toHaveCount(1);
  await expect(
    page.getByRole("heading", { name: /Alerts: more than 10% below the market/ }),
  ).toBeVisible();

  // A province filter keeps only that province's cooperatives.
  const province = page.getByLabel("Province", { exact: true });
  const firstProvince = await province.locator("option").nth(1).getAttribute("value");
  await province.selectOption(firstProvince!);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`province=${firstProvince}`));

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV (Volumes ordered and delivered)" }).click();
  const file = await (await download).path();
  const bytes = fs.readFileSync(file!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString("utf8").slice(1).split("\r\n")[0]).toMatch(/^week,unit,product_id/);
});

test("a bad filter in the URL is named, and the API answers 400 naming the parameter", async ({
  page,
}) => {
  await signIn(page, "monitor@phsar.test");
  await page.goto("/dashboard?province=Kandal");
  await expect(page.getByRole("alert")).toContainText("province");
  const response = await page.request.get("/api/v1/stats/volumes?from=yesterday");
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({
    error: {
      parameter: "from",
      message: "must be a date YYYY-MM-DD from 2000-01-01 to 2100-12-31",
    },
  });
});

test("a large export runs in the background, with its progress shown, then downloads", async ({
  page,
}) => {
  await signIn(page, "monitor@phsar.test");
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await page
    .getByRole("button", { name: "Prepare in the background (Cooperative performance)" })
    .click();
  await expect(page).toHaveURL(/\/dashboard\/exports\/\d+$/);
  // The page refreshes itself until the job queue has written the file.
  await expect(page.getByRole("status")).toContainText("Ready.", { timeout: 20_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const bytes = fs.readFileSync((await (await download).path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString("utf8").slice(1)).toMatch(/^cooperative_id,cooperative_km/);
});
