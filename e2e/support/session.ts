import { type Page } from "@playwright/test";

export const DEMO_PASSWORD = "phsar-demo-2026";

export async function submitLogin(page: Page, identifier: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("អ៊ីមែល ឬលេខទូរស័ព្ទ").fill(identifier);
  await page.getByLabel("ពាក្យសម្ងាត់").fill(password);
  await page.getByRole("main").getByRole("button", { name: "ចូល" }).click();
}

/** Signs in through the real form and waits until the app has taken the user home. */
export async function signIn(page: Page, identifier: string, password = DEMO_PASSWORD) {
  await submitLogin(page, identifier, password);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** A date in Cambodia, `days` from today, as the date inputs want it. */
export function cambodiaDate(days: number) {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
