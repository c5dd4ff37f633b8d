// Issue #17 from an empty database: the setup link printed at start → the first admin → a union →
// a cooperative → its lead accepts the invitation. Its own server (no demo data), started here the
// way an operator starts Phsar, and driven without JavaScript: plain forms all the way.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { findFreePort as freePort } from "../tests/ports";
import { messageLink } from "./support/session";

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

test("setup link → admin → union → cooperative → the lead accepts the invitation", async ({
  browser,
}) => {
  test.setTimeout(120_000);
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

  const lead = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
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
});
