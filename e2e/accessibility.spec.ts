import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn, signUpBuyer } from "./support/session";

// axe on the main pages, in both languages: no serious or critical violations.
async function seriousViolations(page: Page) {
  // Every rule axe has; a page that has not finished loading its images can hide image rules.
  await page.waitForLoadState("load");
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// Scripts failing in the browser (a hydration mismatch between the server's and Chromium's ICU,
// say) fail these journeys too. A 404 page's own status is not such an error.
const browserErrors = new WeakMap<Page, string[]>();
test.beforeEach(({ page }) => {
  const errors: string[] = [];
  browserErrors.set(page, errors);
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      errors.push(`${page.url()}: ${message.text().slice(0, 200)}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message.slice(0, 200)}`));
});
test.afterEach(({ page }) => {
  expect(browserErrors.get(page)).toEqual([]);
});

const publicPages = [
  "/",
  "/cooperatives",
  "/cooperatives/kralanh-agricultural-cooperative",
  "/login",
  "/signup",
  "/forgot-password",
  "/no-such-page",
];
const leadPages = [
  "/organizations/kralanh-agricultural-cooperative",
  "/organizations/kralanh-agricultural-cooperative/members",
  "/organizations/kralanh-agricultural-cooperative/listings",
  "/organizations/kralanh-agricultural-cooperative/listings/new",
  "/organizations/kralanh-agricultural-cooperative/orders",
  "/organizations/kralanh-agricultural-cooperative/pick-list",
  "/organizations/kralanh-agricultural-cooperative/payments",
  "/notifications",
  "/account",
];
const buyerPages = ["/cart", "/orders", "/notifications", "/search"];

async function signInAs(page: Page, who: string, language: "km" | "en") {
  await signIn(page, who);
  await chooseLanguage(page, language);
}

/** Khmer is the default; English is one button away. */
async function chooseLanguage(page: Page, language: "km" | "en") {
  if (language === "en") await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", language);
}

for (const language of ["km", "en"] as const) {
  test(`public pages have no serious accessibility violations (${language})`, async ({ page }) => {
    test.slow(); // seven pages through axe: over 30 s on 2 shared cores when the suite is busy (CI)
    await page.goto("/");
    await chooseLanguage(page, language);
    for (const path of publicPages) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });

  test(`a lead's pages have no serious accessibility violations (${language})`, async ({
    page,
  }) => {
    test.slow(); // nine pages through axe: close to the default 30 s on 2 shared cores
    await signInAs(page, "lead@phsar.test", language);
    for (const path of leadPages) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    const listing = page.getByRole("main").getByRole("link");
    await page.goto(leadPages[2]!);
    await listing.first().click();
    expect(await seriousViolations(page), "listing management").toEqual([]);
  });

  // The dashboard has a test of its own: it is the longest page (tables and charts, about 2,600
  // elements on the demo data) and axe alone takes ~10 s of it on one core.
  test(`the union monitor's dashboard has no serious accessibility violations (${language})`, async ({
    page,
  }) => {
    test.slow();
    await signInAs(page, "monitor@phsar.test", language);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/dashboard$/);
    expect(await seriousViolations(page), "/dashboard").toEqual([]);
  });

  test(`the union pages and the admin's audit log and unions have no serious accessibility violations (${language})`, async ({
    page,
  }) => {
    test.slow();
    for (const [who, path] of [
      ["monitor@phsar.test", "/unions/seuac"],
      ["monitor@phsar.test", "/unions/seuac/cooperatives/new"],
      ["monitor@phsar.test", "/unions/seuac/cooperatives/kralanh-agricultural-cooperative"],
      ["admin@phsar.test", "/admin/audit"],
      ["admin@phsar.test", "/unions"],
    ] as const) {
      await page.context().clearCookies();
      await signInAs(page, who, language);
      await page.goto(path);
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
}

for (const language of ["km", "en"] as const) {
  test(`a buyer's pages, with something in the cart, have no serious accessibility violations (${language})`, async ({
    page,
  }) => {
    test.slow(); // sign-up plus five pages through axe
    // A buyer of its own: its cart and sessions are not shared with tests running alongside.
    await signUpBuyer(page, `axe-${language}`);
    if (language === "km") await page.getByRole("button", { name: "Switch to Khmer" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", language);
    await page.goto("/cooperatives/kralanh-agricultural-cooperative");
    await page.getByRole("main").locator('a[href^="/listings/"]').first().click();
    expect(await seriousViolations(page), "listing with the add-to-cart form").toEqual([]);
    await page
      .getByRole("button", { name: language === "km" ? "ដាក់ក្នុងកន្ត្រក" : "Add to cart" })
      .first()
      .click();
    for (const path of buyerPages) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
}

test("the check notices a real violation (so a clean result means something)", async ({ page }) => {
  await page.setContent(
    '<html lang="en"><head><title>t</title></head><body><main><img src="data:,"></main></body></html>',
  );
  const found = await seriousViolations(page);
  expect(
    found.some((v) => v.startsWith("image-alt")),
    found.join("\n"),
  ).toBe(true);
});
