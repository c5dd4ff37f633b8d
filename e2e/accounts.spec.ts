import { expect, test } from "@playwright/test";
import {
  DEMO_PASSWORD as PASSWORD,
  messageLink,
  signIn,
  signUpBuyer,
  submitLogin,
} from "./support/session";

test.describe("each demo role lands on its own home", () => {
  test("a cooperative lead lands on their cooperative", async ({ page }) => {
    await signIn(page, "lead@phsar.test");
    await expect(page).toHaveURL(/\/organizations\/kralanh-agricultural-cooperative$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("សហគមន៍កសិកម្ម ក្រឡាញ់");
    await expect(page.getByRole("link", { name: "កែប្រែព័ត៌មាន" })).toBeVisible();
  });

  test("a buyer lands on the market, signing in with a phone number written the local way", async ({
    page,
  }) => {
    await signIn(page, "012 000 004");
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("link", { name: "គណនី" })).toBeVisible();
  });

  test("a union monitor lands on the dashboard", async ({ page }) => {
    await signIn(page, "monitor@phsar.test");
    await expect(page).toHaveURL("/dashboard");
    await expect(page.getByRole("heading", { level: 1, name: "ផ្ទាំងតាមដានរបស់សហភាព" })).toBeVisible();
    await expect(page.getByRole("row", { name: /សៀមរាប/ }).first()).toBeVisible();
  });

  test("the admin lands on the audit log, which shows the sign-in", async ({ page }) => {
    await signIn(page, "admin@phsar.test");
    await expect(page).toHaveURL("/admin/audit");
    await expect(page.getByRole("cell", { name: "auth.sign_in" }).first()).toBeVisible();
  });
});

test.describe("bad input", () => {
  test("a wrong password and an unknown account get the same message, beside the form", async ({
    page,
  }) => {
    await submitLogin(page, "buyer@phsar.test", "wrong-password");
    const alert = page.getByRole("alert");
    await expect(alert).toHaveText("អ៊ីមែល ឬលេខទូរស័ព្ទ និងពាក្យសម្ងាត់នេះ មិនត្រូវនឹងគណនីណាមួយទេ។");
    await submitLogin(page, "nobody@phsar.test", "wrong-password");
    await expect(page.getByRole("alert")).toHaveText(
      "អ៊ីមែល ឬលេខទូរស័ព្ទ និងពាក្យសម្ងាត់នេះ មិនត្រូវនឹងគណនីណាមួយទេ។",
    );
  });

  test("field errors appear beside the field in English too, also without JavaScript", async ({
    browser,
  }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByRole("button", { name: "ប្តូរទៅភាសាអង់គ្លេស" }).click();
    await page.getByLabel("Email or phone number").fill("hello");
    await page.getByLabel("Password").fill("x");
    await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
    const field = page.getByLabel("Email or phone number");
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(
      page.getByText("Enter an email address or a Cambodian phone number"),
    ).toBeVisible();
    await context.close();
  });

  test("with JavaScript, errors show beside each field at once, in Khmer, without a round trip", async ({
    page,
  }) => {
    await page.goto("/login");
    await page.waitForLoadState("networkidle"); // hydrated: the browser validates
    let posts = 0;
    page.on("request", (r) => {
      if (r.method() === "POST") posts += 1;
    });
    await page.getByRole("main").getByRole("button", { name: "ចូល" }).click();
    await expect(page.getByLabel("អ៊ីមែល ឬលេខទូរស័ព្ទ")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("ពាក្យសម្ងាត់")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("main").getByText("ត្រូវបំពេញ។")).toHaveCount(2);
    expect(posts).toBe(0);
  });

  test("a form posted from another site is refused", async ({ request }) => {
    const response = await request.post("/login", {
      headers: { Origin: "https://evil.example" },
      form: { identifier: "lead@phsar.test", password: PASSWORD },
    });
    expect(response.status()).toBe(403);
  });
});

test("a lead invites a clerk by link; the invited person signs up and joins", async ({
  page,
  browser,
}) => {
  await signIn(page, "lead2@phsar.test");
  await page.goto("/organizations/tuek-phos-agricultural-cooperative/members");
  await page.getByRole("combobox", { name: "តួនាទី", exact: true }).selectOption("MEMBER_CLERK");
  await page.getByRole("button", { name: "បង្កើតតំណអញ្ជើញ" }).click();
  const link = await page.getByRole("textbox", { name: /ផ្ញើតំណនេះ/ }).inputValue();
  expect(link).toContain("/invitations/");

  const invited = await (await browser.newContext()).newPage();
  await invited.goto(link);
  await invited.getByRole("link", { name: "បង្កើតគណនី" }).click();
  await invited.getByLabel("ឈ្មោះរបស់អ្នក").fill("ម៉ៅ សុខា");
  await invited.getByLabel("អ៊ីមែល ឬលេខទូរស័ព្ទ").fill("097 555 0101");
  await invited.getByLabel("ពាក្យសម្ងាត់").fill("clerk-password-1");
  await invited.getByRole("main").getByRole("button", { name: "បង្កើតគណនី" }).click();
  // The account is made from the link sent to that phone; then the invitation page comes back.
  await expect(invited.getByRole("status")).toContainText("យើងបានផ្ញើសារ");
  await invited.goto(await messageLink("+855975550101", "sign-up-confirmation"));
  await invited.getByRole("main").getByRole("button", { name: "បង្កើតគណនីរបស់ខ្ញុំ" }).click();
  await invited.getByRole("button", { name: "យល់ព្រម និងចូលរួម" }).click();
  await expect(invited).toHaveURL("/organizations/tuek-phos-agricultural-cooperative");

  // The link works once.
  const third = await (await browser.newContext()).newPage();
  await third.goto(link);
  await expect(third.getByRole("alert")).toContainText("ការអញ្ជើញនេះលែងប្រើបានហើយ");
});

test("sessions are listed and 'sign out everywhere' ends them", async ({ browser }) => {
  const phone = await (await browser.newContext()).newPage();
  const laptop = await (await browser.newContext()).newPage();
  await signIn(phone, "purchaser@phsar.test");
  await signIn(laptop, "purchaser@phsar.test");
  await laptop.goto("/account");
  await expect(laptop.getByRole("button", { name: "ចាកចេញពីឧបករណ៍នេះ" })).toHaveCount(2);
  await laptop.getByRole("button", { name: "ចាកចេញពីគ្រប់ឧបករណ៍" }).click();
  await expect(laptop).toHaveURL(/\/login/);
  await phone.goto("/account");
  await expect(phone).toHaveURL(/\/login\?redirectTo=%2Faccount/);
});

test.describe("sign-up does not tell who has an account", () => {
  test("a taken email gets the same page as a free one; its owner gets a notice, not a link", async ({
    page,
  }) => {
    await page.goto("/signup");
    await page.getByLabel("ឈ្មោះរបស់អ្នក").fill("Someone");
    await page.getByLabel("អ៊ីមែល ឬលេខទូរស័ព្ទ").fill("purchaser@phsar.test");
    await page.getByLabel("ពាក្យសម្ងាត់").fill("a-long-password-1");
    await page.getByLabel("ឈ្មោះអាជីវកម្មជាភាសាខ្មែរ").fill("ហាង");
    await page.getByLabel("ឈ្មោះអាជីវកម្មជាភាសាអង់គ្លេស").fill("Shop");
    await page.getByLabel("ខេត្ត").selectOption({ index: 1 });
    await page.getByRole("main").getByRole("button", { name: "បង្កើតគណនី" }).click();
    await expect(page.getByRole("status")).toContainText("យើងបានផ្ញើសារ");
    await expect(page).toHaveURL("/signup?sent=1");
    expect(await messageLink("purchaser@phsar.test", "sign-up-notice")).toMatch(/\/login$/);
  });

  test("a free email finishes from the link and lands signed in", async ({ page }) => {
    await signUpBuyer(page, "confirm");
    await expect(page.getByRole("link", { name: "Account" })).toBeVisible();
  });
});
