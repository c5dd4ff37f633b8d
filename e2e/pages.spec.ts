import { expect, test } from "@playwright/test";
import { signIn } from "./support/session";

// Every main page renders for the people who use it (loaders are covered by the authorization
// matrix; this catches rendering errors), in both languages.
const pages = {
  "lead@phsar.test": [
    "/organizations/kralanh-agricultural-cooperative",
    "/organizations/kralanh-agricultural-cooperative/edit",
    "/organizations/kralanh-agricultural-cooperative/members",
    "/organizations/kralanh-agricultural-cooperative/listings",
    "/organizations/kralanh-agricultural-cooperative/listings/new",
    "/account",
  ],
  "buyer@phsar.test": [
    "/",
    "/cooperatives",
    "/cooperatives/puok-vegetable-cooperative",
    "/organizations/mahob-kitchen",
  ],
  "monitor@phsar.test": ["/dashboard"],
  "admin@phsar.test": ["/admin/audit"],
} as const;

for (const [email, paths] of Object.entries(pages)) {
  test(`pages of ${email} render in Khmer and English`, async ({ page }) => {
    await signIn(page, email);
    const listingLinks: string[] = [];
    for (const language of ["km", "en"]) {
      for (const path of paths) {
        const response = await page.goto(path);
        expect(response?.status(), `${path} (${language})`).toBe(200);
        await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
        if (path.endsWith("/listings")) {
          listingLinks.push(
            ...(await page
              .getByRole("main")
              .getByRole("link")
              .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))),
          );
        }
      }
      await page
        .getByRole("button", { name: language === "km" ? "ប្តូរទៅភាសាអង់គ្លេស" : "Switch to Khmer" })
        .click();
      await page.waitForLoadState("load");
    }
    for (const href of listingLinks.filter((h) => /\/listings\/\d+$/.test(h)).slice(0, 2)) {
      const url = href.startsWith("/")
        ? href
        : `/organizations/kralanh-agricultural-cooperative/listings/${href}`;
      expect((await page.goto(url))?.status(), url).toBe(200);
    }
  });
}
