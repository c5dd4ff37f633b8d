import { expect, test } from "@playwright/test";

test.describe("marketplace shell", () => {
  test("opens in Khmer with demo data, and the English switch is remembered", async ({
    page,
    context,
  }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "km");
    await expect(page.getByRole("heading", { level: 1, name: "ផ្សារ" })).toBeVisible();
    await expect(page.getByText("ត្រកួន").first()).toBeVisible();
    await expect(page.getByRole("navigation", { name: "ម៉ឺនុយមេ" })).toBeVisible();

    await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Market" })).toBeVisible();
    // English beside Khmer: product names keep their Khmer name next to the English one.
    await expect(page.getByText("Water spinach").first()).toBeVisible();
    await expect(page.getByText("ត្រកួន").first()).toBeVisible();

    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "lng")).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
    });

    await page.goto("/cooperatives");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Cooperatives" })).toBeVisible();
  });

  test("the page hydrates under the Content-Security-Policy without errors", async ({ page }) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/");
    // A client-side navigation only works once React has hydrated.
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByRole("navigation").getByRole("link", { name: "សហគមន៍" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "សហគមន៍" })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("the Khmer webfont is served by the app itself", async ({ page }) => {
    const fonts: string[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith(".woff2") && response.ok())
        fonts.push(new URL(response.url()).host);
    });
    await page.goto("/");
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans Khmer"', "ផ្សារ"))).toBe(
      true,
    );
    expect(fonts.length).toBeGreaterThan(0);
    for (const host of fonts) expect(host).toBe(new URL(page.url()).host);
  });

  test("a cooperative page shows its self-help groups and members", async ({ page }) => {
    await page.goto("/cooperatives");
    await page.getByRole("main").getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 2, name: "ក្រុមជួយខ្លួនឯង" })).toBeVisible();
    await expect(page.getByText(/កសិករសមាជិក \d+ នាក់/).first()).toBeVisible();
  });

  test("unknown pages are a 404 in the reader's language", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "រកមិនឃើញទំព័រ" })).toBeVisible();

    await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.getByRole("link", { name: "Back to the market" }).click();
    await expect(page).toHaveURL("/");
  });

  test("an unknown cooperative is a 404, not a 500", async ({ page }) => {
    const response = await page.goto("/cooperatives/no-such-cooperative");
    expect(response?.status()).toBe(404);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("pages render and the language switch works as a plain form", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "ផ្សារ" })).toBeVisible();
    await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Market" })).toBeVisible();
    await page.getByRole("link", { name: "Cooperatives", exact: true }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Cooperatives" })).toBeVisible();
  });
});
