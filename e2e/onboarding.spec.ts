// Issue #17 from an empty database: the setup link printed at start → the first admin → a union →
// a cooperative → its lead accepts the invitation. Its own server (no demo data), started here the
// way an operator starts Phsar, and driven without JavaScript: plain forms all the way.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { findFreePort as freePort } from "../tests/ports";
import { cambodiaDate, messageLink } from "./support/session";

let server: ChildProcess | undefined;
let dataDir = "";
let base = "";
let setupLink = "";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-onboarding-"));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach it
  server = spawn("node", ["--import", "tsx", "server/start.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: "",
      PORT: String(port),
      PHSAR_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      SEED_DEMO_DATA: "false",
      NODE_ENV: "production",
      LOG_FORMAT: "text",
      // Sign-up links are sent, not shown: the test reads them where the e2e server writes them.
      NOTIFIER_DIR: ".data/e2e/messages",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stderr!.on("data", (chunk) => (output += chunk));
  setupLink = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no setup link:\n${output}`)), 200_000);
    server!.stdout!.on("data", (chunk) => {
      output += chunk;
      const link = /http:\/\/localhost:\d+\/setup\/[A-Za-z0-9_-]{43}/.exec(output);
      if (link) {
        clearTimeout(timer);
        resolve(link[0]);
      }
    });
    server!.once("exit", (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
  base = `http://localhost:${port}`;
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// 50 members as a lead keeps them: English headings, Khmer names, real places of Angkor Chum.
async function memberSheet() {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Members");
  sheet.addRow([
    "Member number",
    "Name (Khmer)",
    "Name (Latin)",
    "Gender",
    "Birth year",
    "Phone",
    "District",
    "Commune",
    "Village",
  ]);
  for (let n = 1; n <= 50; n++)
    sheet.addRow([
      `AC-${String(n).padStart(3, "0")}`,
      `សុខ ${n}`,
      `Sok ${n}`,
      n % 5 < 3 ? "female" : "male",
      n <= 10 ? 2000 : 1970,
      "",
      "Angkor Chum",
      "Char Chhuk",
      "Prasat",
    ]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

// A phone without JavaScript, the way many leads and buyers use Phsar.
const PHONE = { javaScriptEnabled: false, viewport: { width: 412, height: 915 } };

async function noSideScroll(page: Page) {
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > 413)
      .map((e) => `${e.tagName}.${e.className} ${e.textContent?.slice(0, 40)}`)
      .slice(0, 5),
  );
  expect(wide, page.url()).toEqual([]);
}

test("setup link → admin → union → cooperative → lead → 50 members → group → listing → a new buyer orders", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await admin.goto(setupLink);
  await admin.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "First-run setup" })).toBeVisible();
  await admin.getByLabel("Your name").fill("Sokha Admin");
  await admin.getByLabel("Email or phone number").fill("admin@onboarding.test");
  await admin.getByLabel("Password").fill("a-long-password");
  await admin.getByRole("button", { name: "Create the administrator account" }).click();
  await expect(admin).toHaveURL(`${base}/unions`);

  // The link is gone once used.
  expect((await admin.request.get(setupLink)).status()).toBe(404);

  await admin.getByLabel("Name in Khmer").fill("សហភាពសហគមន៍កសិកម្ម");
  await admin.getByLabel("Name in English").fill("Onboarding Union");
  await admin.getByLabel("Province of the office").selectOption({ label: "Siem Reap" });
  await admin.getByRole("button", { name: "Create the union" }).click();
  await expect(admin).toHaveURL(`${base}/unions/onboarding-union`);

  await admin.getByRole("link", { name: "New cooperative" }).click();
  await admin.getByLabel("Name in Khmer").fill("សហគមន៍កសិកម្មថ្មី");
  await admin.getByLabel("Name in English").fill("New Farmers Cooperative");
  await admin
    .getByLabel("District (and province)")
    .selectOption({ label: "Angkor Chum (Siem Reap)" });
  await admin.getByLabel("Registration number (agriculture department)").fill("SR-2024-17");
  // A date in the future is refused beside its field, and nothing is created.
  await admin.getByLabel("Registration date").fill("2099-01-01");
  await admin.getByRole("button", { name: "Create the cooperative" }).click();
  await expect(admin.getByText("The registration date cannot be in the future.")).toBeVisible();
  await admin.getByLabel("Registration date").fill("2024-03-15");
  await admin.getByRole("button", { name: "Create the cooperative" }).click();
  await expect(admin.getByText("Cooperative created. Now invite its lead.")).toBeVisible();

  await admin.getByLabel("Lead's email or phone").fill("012 888 777");
  await admin.getByRole("button", { name: "Create the invitation link" }).click();
  const invitation = await admin
    .getByRole("textbox", { name: /Send this link to \+85512888777/ })
    .inputValue();
  expect(invitation).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  // The same link is written as an SMS to that phone; it waits for an SMS gateway, as the page says.
  await expect(admin.getByText(/once an SMS gateway is set up/)).toBeVisible();
  expect(await messageLink("+85512888777", "invitation")).toBe(invitation);

  const lead = await (await browser.newContext(PHONE)).newPage();
  // PUBLIC_URL defaults to localhost on the server's port: the link opens as it is.
  await lead.goto(invitation);
  await lead.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
  await lead.getByRole("main").getByRole("link", { name: "Create an account" }).click();
  await lead.getByLabel("Your name").fill("Dara Lead");
  await lead.getByLabel("Email or phone number").fill("012 888 777");
  await lead.getByLabel("Password").fill("another-long-password");
  await lead.getByRole("main").getByRole("button", { name: "Create an account" }).click();
  // The account is made from the link sent to that phone; then the invitation page comes back.
  await expect(lead.getByRole("status")).toContainText("We sent a message");
  await lead.goto(await messageLink("+85512888777", "sign-up-confirmation"));
  await lead.getByRole("main").getByRole("button", { name: "Create my account" }).click();
  await lead.getByRole("button", { name: "Accept and join" }).click();
  await expect(lead).toHaveURL(`${base}/organizations/new-farmers-cooperative`);
  await expect(lead.getByRole("heading", { level: 1 })).toContainText("សហគមន៍កសិកម្មថ្មី");

  await admin.reload();
  await expect(admin.getByText("Dara Lead · +85512888777")).toBeVisible();

  // The catalogue starts empty too: the admin adds the product the cooperative sells.
  await admin.goto(`${base}/catalogue/new`);
  await admin.getByLabel("Name in Khmer").fill("ត្រកួន");
  await admin.getByLabel("Name in English").fill("Water spinach");
  await admin
    .getByLabel("Category", { exact: true })
    .selectOption({ label: "Vegetables and herbs" });
  await admin.getByLabel("Unit", { exact: true }).selectOption({ label: "kg" });
  await admin.getByLabel("Search synonyms").fill("morning glory");
  await admin.getByRole("button", { name: "Add the product" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toContainText("ត្រកួន");

  // The lead imports the member list from a spreadsheet, checks the preview, saves.
  const coop = `${base}/organizations/new-farmers-cooperative`;
  await lead.goto(`${coop}/farmers/import`);
  await noSideScroll(lead);
  await lead.getByLabel("File").setInputFiles({
    name: "members.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await memberSheet(),
  });
  await lead.getByRole("button", { name: "Check the file" }).click();
  await expect(lead.getByText("50 rows: 50 new members, 0 updated.")).toBeVisible();
  await noSideScroll(lead);
  await lead.getByRole("button", { name: "Save these members" }).click();
  await expect(lead.getByText("Imported: 50 new members, 0 updated.")).toBeVisible();

  await lead.goto(`${coop}/self-help-groups`);
  await lead.getByLabel("Group name").fill("ក្រុមជួយខ្លួនឯង ភូមិប្រាសាទ");
  await lead.getByRole("button", { name: "Create the group" }).click();
  await expect(lead.getByText("ក្រុមជួយខ្លួនឯង ភូមិប្រាសាទ").first()).toBeVisible();
  await noSideScroll(lead);

  await lead.goto(`${coop}/listings/new`);
  await lead.getByLabel("Product", { exact: true }).selectOption({ label: "Water spinach · ត្រកួន" });
  await lead.getByLabel("Price per unit").fill("2600");
  await lead.getByLabel("Minimum order").fill("5");
  await lead.getByRole("button", { name: "Create the listing" }).click();
  await expect(lead).toHaveURL(/\/listings\/\d+$/);
  const listingId = /\/listings\/(\d+)$/.exec(lead.url())![1]!;
  await lead.getByLabel("Delivery date", { exact: true }).fill(cambodiaDate(5));
  await lead.getByLabel("Orders close on").fill(cambodiaDate(4));
  await lead.getByRole("button", { name: "Add a delivery window" }).click();
  // Pledges from three imported members.
  const pledges = lead.getByRole("spinbutton");
  await expect(pledges).toHaveCount(50);
  for (const n of [0, 1, 2]) await pledges.nth(n).fill("20");
  await lead.getByRole("button", { name: "Save pledges" }).click();
  await expect(lead.getByText("60 of 60 kg left")).toBeVisible();
  await lead.getByRole("button", { name: "Publish" }).click();
  await noSideScroll(lead);

  // A new buyer, in Khmer on a phone without JavaScript, signs up, finds it and orders.
  const buyer = await (await browser.newContext(PHONE)).newPage();
  await buyer.goto(`${base}/signup`);
  await buyer.getByLabel("ឈ្មោះរបស់អ្នក").fill("Chenda Buyer");
  await buyer.getByLabel("អ៊ីមែល ឬលេខទូរស័ព្ទ").fill("chenda@onboarding.test");
  await buyer.getByLabel("ពាក្យសម្ងាត់").fill("a-buyer-password");
  await buyer.getByLabel("ឈ្មោះអាជីវកម្មជាភាសាខ្មែរ").fill("ហាងចិន្តា");
  await buyer.getByLabel("ឈ្មោះអាជីវកម្មជាភាសាអង់គ្លេស").fill("Chenda Shop");
  await buyer.getByLabel("ខេត្ត").selectOption({ label: "សៀមរាប" });
  await buyer.getByRole("main").getByRole("button", { name: "បង្កើតគណនី" }).click();
  await expect(buyer.getByRole("status")).toContainText("យើងបានផ្ញើសារ");
  await buyer.goto(await messageLink("chenda@onboarding.test", "sign-up-confirmation"));
  await buyer.getByRole("main").getByRole("button", { name: "បង្កើតគណនីរបស់ខ្ញុំ" }).click();
  await buyer.waitForURL((url) => !url.pathname.startsWith("/signup"));

  // The search index follows the listing within moments.
  await expect
    .poll(
      async () => {
        await buyer.goto(`${base}/search?q=${encodeURIComponent("morning glory")}`);
        return buyer.locator(`a[href="/listings/${listingId}"]`).count();
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  await noSideScroll(buyer);
  await buyer.locator(`a[href="/listings/${listingId}"]`).first().click();
  await buyer.getByRole("button", { name: "ដាក់ក្នុងកន្ត្រក" }).first().click();
  await buyer.goto(`${base}/cart`);
  await noSideScroll(buyer);
  await buyer.getByRole("button", { name: "ដាក់ការកុម្ម៉ង់" }).click();
  await expect(buyer).toHaveURL(/\/orders\/\d+\?placed=1$/);
  await expect(buyer.getByRole("status")).toContainText("បានដាក់ការកុម្ម៉ង់");
  await noSideScroll(buyer);

  // The cooperative sees the order; what was left is now less.
  await lead.goto(`${coop}/orders`);
  await expect(lead.getByRole("link", { name: /ហាងចិន្តា|Chenda Shop/ })).toBeVisible();
});
