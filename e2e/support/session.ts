import fs from "node:fs";
import path from "node:path";
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

/** Waits until React has hydrated the page, so typing reaches its handlers rather than the bare input. */
export async function waitForHydration(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** A date in Cambodia, `days` from today, as the date inputs want it. */
export function cambodiaDate(days: number) {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Signs up a buyer of its own (in English), so a test's cart, orders and sessions are not shared
 * with tests running at the same time.
 */
export async function signUpBuyer(page: Page, prefix: string) {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  await page.goto("/login");
  await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await page.getByRole("main").getByRole("button", { name: "Sign in" }).waitFor();
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(`Dara ${prefix}`);
  await page.getByLabel("Email or phone number").fill(`${prefix}-${run}@phsar.test`);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByLabel("Business name in Khmer").fill(`ហាង ${prefix} ${run}`);
  await page.getByLabel("Business name in English").fill(`${prefix} shop ${run}`);
  await page.getByLabel("Province").selectOption({ index: 1 });
  await page.getByRole("main").getByRole("button", { name: "Create an account" }).click();
  await page.getByText("We sent a message to that email or phone").waitFor();
  await page.goto(await messageLink(`${prefix}-${run}@phsar.test`, "sign-up-confirmation"));
  await page.getByRole("main").getByRole("button", { name: "Create my account" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signup"));
  return run;
}

/** The link in the newest message of this kind to this email or phone (E.164), from NOTIFIER_DIR. */
export async function messageLink(to: string, kind: string) {
  const dir = path.resolve(".data/e2e/messages");
  for (let i = 0; i < 50; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    const found = files
      .sort()
      .reverse()
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")))
      .find((m) => m.kind === kind && (m.to.email === to || m.to.phone === to)) as
      { links: Record<string, string> } | undefined;
    if (found) return Object.values(found.links)[0]!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${kind} message for ${to}`);
}
