// Odd input that reached PostgreSQL or the HTTP layer and came back a 500 (issue #15, item 7):
// each is now a 4xx with a message, and nothing is written.
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../prisma/seed";
import { randomUUID } from "node:crypto";
import { placeOrder } from "~/orders/orders.server";
import { buildWindow, userByEmail } from "../tests/builders";
import * as apiListings from "./routes/api.v1.listings";
import * as statsApi from "./routes/api.v1.stats.$table";
import * as dashboard from "./routes/dashboard";
import * as dashboardCsv from "./routes/dashboard_.export.$file";
import * as language from "./routes/language";
import * as login from "./routes/login";
import * as editOrganization from "./routes/organizations.$slug.edit";
import * as editListing from "./routes/organizations.$slug.listings.$listingId";
import * as photos from "./routes/organizations.$slug.listings.$listingId.photos";
import * as newListing from "./routes/organizations.$slug.listings.new";
import * as cooperativeOrder from "./routes/organizations.$slug.orders.$subOrderId";
import * as pickList from "./routes/organizations.$slug.pick-list";
import * as search from "./routes/search";
import * as signup from "./routes/signup";

type Handler = (args: {
  request: Request;
  params: Record<string, string>;
  context: { clientIp: string };
}) => unknown;

/** The status a loader or action gives, a thrown Response counting as its status. */
async function statusOf(handler: Handler, request: Request, params: Record<string, string> = {}) {
  try {
    const result = await handler({ request, params, context: { clientIp: "192.0.2.150" } });
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

let lead: string;
let monitor: string;
let slug: string;
let listingId: number;
let windowId: number;
let subOrderId: number;

async function cookieOf(email: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return (await createSession(user.id)).split(";")[0]!;
}

const get = (path: string, cookie?: string) =>
  new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
const post = (path: string, fields: Record<string, string>, cookie?: string) =>
  new Request(`http://localhost${path}`, {
    method: "POST",
    headers: cookie ? { Cookie: cookie } : {},
    body: new URLSearchParams(fields),
  });

beforeAll(async () => {
  await seedDemoData(prisma);
  [lead, monitor] = await Promise.all([
    cookieOf("lead@phsar.test"),
    cookieOf("monitor@phsar.test"),
  ]);
  const organization = await prisma.organization.findFirstOrThrow({
    where: { memberships: { some: { user: { email: "lead@phsar.test" } } } },
    select: { id: true, slug: true },
  });
  slug = organization.slug;
  const window = await prisma.deliveryWindow.findFirstOrThrow({
    where: { listing: { cooperativeId: organization.id } },
    select: { id: true, listingId: true },
  });
  windowId = window.id;
  listingId = window.listingId;
  // Cash on delivery: the sub-order waits for the cooperative's decision, so it can be rejected.
  const buyer = await userByEmail("buyer@phsar.test");
  const open = await buildWindow({ cooperativeId: organization.id });
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    paymentMethod: "CASH_ON_DELIVERY",
    lines: [{ windowId: open.id, quantity: 1 }],
  });
  subOrderId = (
    await prisma.subOrder.findFirstOrThrow({ where: { orderId }, select: { id: true } })
  ).id;
});

describe("dates outside 2000-01-01..2100-12-31 are a 400", () => {
  for (const date of ["0000-01-01", "9999-12-31", "1999-12-31"]) {
    test(`${date} on the listings API, search, the dashboard, its CSV and the stats API`, async () => {
      expect(await statusOf(apiListings.loader, get(`/api/v1/listings?from=${date}`))).toBe(400);
      expect(await statusOf(search.loader, get(`/search?from=${date}`))).toBe(400);
      // The dashboard page shows its default view with the problem named.
      const page = await dashboard.loader({
        request: get(`/dashboard?from=${date}`, monitor),
        params: {},
        context: {},
      });
      expect(page.problem?.parameter).toBe("from");
      expect(
        await statusOf(
          dashboardCsv.loader,
          get(`/dashboard/export/prices.csv?to=${date}`, monitor),
          {
            file: "prices.csv",
          },
        ),
      ).toBe(400);
      expect(
        await statusOf(statsApi.loader, get(`/api/v1/stats/prices?from=${date}`, monitor), {
          table: "prices",
        }),
      ).toBe(400);
    });
  }

  test("the pick list falls back to the next date for ?date=0000-01-01", async () => {
    expect(
      await statusOf(
        pickList.loader,
        get(`/organizations/${slug}/pick-list?date=0000-01-01`, lead),
        {
          slug,
        },
      ),
    ).toBe(200);
  });

  test("a market-price CSV dated 0000-01-01 is refused by line", async () => {
    const before = await prisma.marketPrice.count();
    const status = await statusOf(
      dashboard.action,
      post(
        "/dashboard",
        {
          intent: "import-market-prices",
          csv: "date,province,commodity,price_khr\n0000-01-01,,Cabbage,2500",
        },
        monitor,
      ),
    );
    expect(status).toBe(400);
    expect(await prisma.marketPrice.count()).toBe(before);
  });

  test("a delivery window in year 9999 is refused", async () => {
    const before = await prisma.deliveryWindow.count();
    const status = await statusOf(
      editListing.action,
      post(
        `/organizations/${slug}/listings/${listingId}`,
        {
          intent: "add-window",
          deliveryDate: "9999-12-30",
          cutoffDate: "9999-12-29",
          cutoffTime: "17:00",
        },
        lead,
      ),
      { slug, listingId: String(listingId) },
    );
    expect(status).toBe(400);
    expect(await prisma.deliveryWindow.count()).toBe(before);
  });
});

describe("NUL, control characters and bidi controls in text are a 400", () => {
  const listingFields = {
    productId: "",
    grade: "A",
    certification: "NONE",
    currency: "KHR",
    price: "2500",
    minOrderQuantity: "1",
    deliveryProvinces: "12",
  };
  beforeAll(async () => {
    listingFields.productId = String((await prisma.product.findFirstOrThrow()).id);
  });

  test.each(["Dara\u0000", "\u200b\u200b", "abc\u202Egnp.exe", "\u0007"])(
    "sign-up name %j",
    async (name) => {
      // A new identifier each time: one accepted sign-up must not make the next fail as "taken".
      const before = await prisma.user.count();
      const status = await statusOf(
        signup.action,
        post("/signup", {
          name,
          identifier: `new-${randomUUID()}@example.com`,
          password: "a-long-password-1",
          businessNameKm: "ហាង",
          businessNameEn: "Shop",
          provinceCode: "12",
        }),
      );
      expect(status).toBe(400);
      expect(await prisma.user.count()).toBe(before);
    },
  );

  test.each([
    ["descriptionKm", "ស្រស់\u0000"],
    ["descriptionEn", "fresh\u202E"],
    ["variety", "F1\u0000"],
    ["variety", "\u200d"],
  ])("new listing %s %j", async (field, value) => {
    const before = await prisma.listing.count();
    const status = await statusOf(
      newListing.action,
      post(`/organizations/${slug}/listings/new`, { ...listingFields, [field]: value }, lead),
      { slug },
    );
    expect(status).toBe(400);
    expect(await prisma.listing.count()).toBe(before);
  });

  test("a description keeps its line breaks", async () => {
    const status = await statusOf(
      newListing.action,
      post(
        `/organizations/${slug}/listings/new`,
        { ...listingFields, descriptionEn: "Fresh\r\nfrom the field" },
        lead,
      ),
      { slug },
    );
    expect(status).toBe(302);
  });

  test.each(["ស\u0000", "\u200b"])("cooperative name %j", async (nameKm) => {
    const before = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    const status = await statusOf(
      editOrganization.action,
      post(`/organizations/${slug}/edit`, { nameKm, nameEn: "Coop", provinceCode: "12" }, lead),
      { slug },
    );
    expect(status).toBe(400);
    expect(await prisma.organization.findUniqueOrThrow({ where: { slug } })).toEqual(before);
  });

  // Found by the fuzz suite (organization profile): the district lookup ran on a failed province.
  test.each(["Dara\u0000", "1\u0000"])("cooperative province code %j", async (provinceCode) => {
    const before = await prisma.organization.findUniqueOrThrow({ where: { slug } });
    const status = await statusOf(
      editOrganization.action,
      post(
        `/organizations/${slug}/edit`,
        { nameKm: "សហករណ៍", nameEn: "Cooperative", provinceCode, districtCode: "0102" },
        lead,
      ),
      { slug },
    );
    expect(status).toBe(400);
    expect(await prisma.organization.findUniqueOrThrow({ where: { slug } })).toEqual(before);
  });

  test("rejection reason with NUL", async () => {
    expect((await prisma.subOrder.findUniqueOrThrow({ where: { id: subOrderId } })).status).toBe(
      "CONFIRMED",
    );
    const status = await statusOf(
      cooperativeOrder.action,
      post(
        `/organizations/${slug}/orders/${subOrderId}`,
        { intent: "reject", reason: "no\u0000stock" },
        lead,
      ),
      { slug, subOrderId: String(subOrderId) },
    );
    expect(status).toBe(400);
    expect(
      (await prisma.subOrder.findUniqueOrThrow({ where: { id: subOrderId } })).status,
    ).not.toBe("REJECTED");
  });
});

describe("redirect targets, field names and bodies", () => {
  test.each(["/\n/evil.example", "/cart\r", "/\u000b", "/\u000c", "/\u3000"])(
    "redirectTo %j on /login and /language goes to a fallback",
    async (redirectTo) => {
      // Node refuses such a Location header when it writes the answer: it must never get one.
      for (const answer of [
        await login.action({
          request: post("/login", {
            identifier: "buyer@phsar.test",
            password: "phsar-demo-2026",
            redirectTo,
          }),
          params: {},
          context: { clientIp: "192.0.2.151" },
        }),
        await language.action({
          request: post("/language", { lng: "en", redirectTo }),
          params: {},
          context: {},
        }),
      ]) {
        expect(answer.status).toBe(302);
        expect(answer.headers.get("Location")).toMatch(/^\/[\x21-\x7e]*$/);
      }
    },
  );

  test("a pledge field for id 2147483648 is a 400", async () => {
    const status = await statusOf(
      editListing.action,
      post(
        `/organizations/${slug}/listings/${listingId}`,
        { intent: "pledges", windowId: String(windowId), "pledge-2147483648": "5" },
        lead,
      ),
      { slug, listingId: String(listingId) },
    );
    expect(status).toBe(400);
  });

  test("a truncated multipart photo upload is a 400", async () => {
    const boundary = "----phsar15b";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0partial`;
    const before = await prisma.listingPhoto.count();
    const status = await statusOf(
      photos.action,
      new Request(`http://localhost/organizations/${slug}/listings/${listingId}/photos`, {
        method: "POST",
        headers: { Cookie: lead, "Content-Type": `multipart/form-data; boundary=${boundary}` },
        body,
      }),
      { slug, listingId: String(listingId) },
    );
    expect(status).toBe(400);
    expect(await prisma.listingPhoto.count()).toBe(before);
  });
});
