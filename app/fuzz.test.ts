// Bad input never gives a 500 (issue #9, part 3). fast-check throws arbitrary form fields, route
// parameters, query strings and webhook bodies at the real actions and loaders (real PostgreSQL):
// every answer must be below 500 (a thrown Response counts as its status; any other throw fails),
// a 4xx must carry a message, and a 4xx must leave the key tables exactly as they were.
import fc from "fast-check";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const secrets = vi.hoisted(() => {
  const value = { platform: "whsec_fuzz_platform", connect: "whsec_fuzz_connect" };
  process.env.STRIPE_WEBHOOK_SECRET = value.platform;
  process.env.STRIPE_CONNECT_WEBHOOK_SECRET = value.connect;
  return value;
});

import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { putInCart } from "~/checkout/cart.server";
import { manualProvider } from "~/payments/manual.server";
import { seedDemoData } from "../prisma/seed";
import { buildWindow, cooperativeIds } from "../tests/builders";
import { expectMoneyExact } from "../tests/money-fixtures";
import { orderFromTwoCooperatives, paymentActor } from "../tests/payments-fixtures";
import { CATEGORIES, CERTIFICATIONS, GRADES, SORTS } from "~/search/query";
import { STAT_TABLES } from "./monitoring/tables.server";
import * as apiListings from "./routes/api.v1.listings";
import * as statsApi from "./routes/api.v1.stats.$table";
import * as dashboard from "./routes/dashboard";
import * as cart from "./routes/cart";
import * as listingPage from "./routes/listings.$listingId";
import * as login from "./routes/login";
import * as buyerOrder from "./routes/orders.$orderId";
import * as editListing from "./routes/organizations.$slug.listings.$listingId";
import * as newListing from "./routes/organizations.$slug.listings.new";
import * as editOrganization from "./routes/organizations.$slug.edit";
import * as pickList from "./routes/organizations.$slug.pick-list";
import * as cooperativeOrder from "./routes/organizations.$slug.orders.$subOrderId";
import * as payments from "./routes/organizations.$slug.payments";
import * as statement from "./routes/organizations.$slug.statement";
import * as search from "./routes/search";
import * as signup from "./routes/signup";
import * as stripeConnectHook from "./routes/webhooks.stripe-connect";
import * as stripeHook from "./routes/webhooks.stripe";

// Modest run counts keep the file well under a minute on a shared 2-core machine.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** The tables a refused request must not touch, compared by a hash of every row. */
const KEY_TABLES = [
  "Order",
  "SubOrder",
  "OrderLine",
  "Payment",
  "Refund",
  "Transfer",
  "LedgerTransaction",
  "LedgerEntry",
  "CreditTerms",
  "Listing",
  "DeliveryWindow",
  "Pledge",
  "CartItem",
  "User",
  "Organization",
  "Membership",
  "PaymentProfile",
  "MarketPrice",
  "MonitoringExport",
] as const;

async function snapshot() {
  // Table names come from the constant list above, never from input.
  const sql = KEY_TABLES.map(
    (t) =>
      `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
  ).join(" UNION ALL ");
  return prisma.$queryRawUnsafe<{ t: string; n: number; h: string }[]>(sql);
}

type Outcome = { status: number; text: string };

/** Runs a loader or action as Remix would and reads its status; a non-Response throw propagates. */
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, text: await result.text() };
  return { status: 200, text: JSON.stringify(result) };
}

// FUZZ_REPORT=1 prints how often each status came back, to see that runs get past validation too.
const tally = new Map<string, Map<number, number>>();
afterAll(() => {
  if (!process.env.FUZZ_REPORT) return;
  for (const [name, counts] of tally)
    process.stdout.write(
      `${name}: ${JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)))}\n`,
    );
});

/** The property every case checks: below 500, a message with a 4xx, nothing written on a 4xx. */
async function expectSafe(run: () => Promise<unknown>, label: () => string) {
  const before = await snapshot();
  const answer = await outcome(run);
  const counts = tally.get(expect.getState().currentTestName ?? "") ?? new Map<number, number>();
  counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  tally.set(expect.getState().currentTestName ?? "", counts);
  expect(answer.status, label()).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.text.trim().length, `${label()}: a 4xx needs a message`).toBeGreaterThan(0);
    expect(await snapshot(), `${label()}: a refused request changed the database`).toEqual(before);
  }
  return answer;
}

// Values people (and attackers) type: numbers at and past every limit, other scripts, markup.
const nasty = fc.constantFrom(
  "",
  " ",
  "0",
  "-1",
  "-0",
  "1.5",
  "1e309",
  "NaN",
  "Infinity",
  "2147483647",
  "2147483648",
  "9007199254740993",
  "99999999999999999999999",
  "0x10",
  "1,000",
  "១២៣",
  "ស្ពៃក្តោប",
  "\u0000",
  "a\u0000b",
  "\u0001\u0007\u001b[2J",
  "\u007f",
  "\u0085",
  "\u000b\u000c",
  "\u200b",
  "\u200b\u200c\u200d",
  "\u3000",
  "abc\u202Egnp.exe",
  "\u2066x\u2069",
  "0000-01-01",
  "9999-12-31",
  "1999-12-31",
  "2100-12-31",
  "+275760-09-13",
  "-2147483649",
  "4294967296",
  "🥬",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "2026-02-30",
  "2026-13-01",
  "null",
  "[]",
  "x".repeat(5_000),
);
// What PostgreSQL, a header or a page cannot take as it is (issue #15, item 7): NUL and other
// controls, bidi controls, invisible-only text, years 0 and 9999, ids past int4. Mutations draw
// from these most often, so a near-valid form gets one in a field that reaches the database.
const hostile = fc.constantFrom(
  "Dara\u0000",
  "\u0000",
  "a\u0001b",
  "x\u001f",
  "\u007f",
  "\u0085",
  "/\n/evil.example",
  "/\r\n",
  "/\u000b",
  "/\u000c",
  "/\u3000",
  "\u200b\u200b",
  "\u200d",
  "abc\u202Egnp.exe",
  "\u2067x",
  "0000-01-01",
  "9999-12-31",
  "9999-12-30",
  "2147483648",
  "-2147483649",
  "99999999999",
);
// Any code point from U+0000 to U+009F: every C0 and C1 control, DEL and plain ASCII.
const controls = fc.string({
  unit: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
  maxLength: 12,
});
const junk = fc.oneof(
  nasty,
  hostile,
  controls,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);

type Fields = Record<string, string | string[]>;

/**
 * Form fields: a near-valid form (every name with a `near` value gets one, the rest junk), then up
 * to three fields replaced by junk, several junk values or nothing, and now and then an unknown
 * field. With no mutation the form is valid, so runs reach the domain code and not only the parser.
 */
function formFields(names: string[], near: Record<string, fc.Arbitrary<string>> = {}) {
  const base = fc.record(
    Object.fromEntries(names.map((name) => [name, near[name] ?? junk])) as Record<
      string,
      fc.Arbitrary<string>
    >,
  );
  const mutations = fc.array(
    fc.tuple(
      fc.constantFrom(...names),
      fc.option(
        fc.oneof(
          { weight: 3, arbitrary: hostile },
          { weight: 3, arbitrary: junk },
          { weight: 1, arbitrary: fc.array(junk, { minLength: 2, maxLength: 3 }) },
        ),
      ),
    ),
    { maxLength: 3 },
  );
  // Unknown fields, and field names holding an id past int4 (`pledge-2147483648`).
  const extraName = fc.oneof(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.constantFrom("pledge-2147483648", "pledge-99999999999", "pledge-0", "q-2147483648"),
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 2, arbitrary: fc.dictionary(extraName, junk, { maxKeys: 2 }) },
  );
  return fc.tuple(base, mutations, extra, fc.boolean()).map(([b, changes, e, multipart]) => {
    const fields: Fields = { ...e, ...b };
    for (const [name, value] of changes) {
      if (value === null) delete fields[name];
      else fields[name] = value;
    }
    return { fields, multipart };
  });
}

/** A route parameter: mostly a real one, sometimes junk. */
const param = (real: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: real }, { weight: 1, arbitrary: junk });

function body(fields: Fields, multipart: boolean) {
  if (multipart) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields))
      for (const v of [value].flat()) form.append(key, v);
    return form;
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    for (const v of [value].flat()) params.append(key, v);
  return params;
}

type Args = {
  request: Request;
  params: Record<string, string | undefined>;
  context: { clientIp: string };
};
type Handler = (args: Args) => Promise<unknown>;

function postTo(handler: Handler, path: string, cookie: string | null, params: Args["params"]) {
  return (fields: Fields, multipart: boolean, clientIp = "192.0.2.90") =>
    handler({
      request: new Request(`http://localhost${path}`, {
        method: "POST",
        headers: cookie ? { Cookie: cookie } : {},
        body: body(fields, multipart),
      }),
      params,
      context: { clientIp },
    });
}

const describeFields = (fields: Fields) =>
  JSON.stringify(fields, (_, v) =>
    typeof v === "string" && v.length > 80 ? `${v.slice(0, 80)}…` : v,
  );

let buyerCookie: string;
let leadCookie: string;
let adminCookie: string;
let monitorCookie: string;
let cooperativeSlug: string;
let buyerSlug: string;
let listingId: number;
let windowIds: number[];
let subOrderIds: number[];
let paymentIds: number[];
let orderId: number;
let paymentAmounts: number[];
let productIds: number[];
let provinceCodes: string[];
let districtCodes: string[];

async function sessionOf(email: string) {
  const user = await prisma.user.findUniqueOrThrow({
    where: { email },
    select: { id: true, memberships: { select: { organization: { select: { slug: true } } } } },
  });
  return {
    id: user.id,
    slug: user.memberships[0]?.organization.slug ?? "",
    cookie: (await createSession(user.id)).split(";")[0]!,
  };
}

beforeAll(async () => {
  await seedDemoData(prisma);
  const [buyer, lead, admin, monitor] = await Promise.all(
    ["buyer@phsar.test", "lead@phsar.test", "admin@phsar.test", "monitor@phsar.test"].map(
      sessionOf,
    ),
  );
  monitorCookie = monitor!.cookie;
  buyerCookie = buyer!.cookie;
  buyerSlug = buyer!.slug;
  leadCookie = lead!.cookie;
  cooperativeSlug = lead!.slug;
  adminCookie = admin!.cookie;
  const window = await buildWindow({ cooperativeId: (await cooperativeIds())[0]!, pledges: [40] });
  listingId = window.listingId;
  await putInCart(buyer!.id, window.id, 3);
  const order = await orderFromTwoCooperatives();
  orderId = order.id;
  subOrderIds = order.subOrders.map((s) => s.id);
  windowIds = [
    window.id,
    ...(await prisma.deliveryWindow.findMany({ select: { id: true }, take: 5 })).map((w) => w.id),
  ];
  // A waiting payment per cooperative, so the payments form has real ids and amounts to hit.
  await manualProvider.startPayment(
    order.id,
    "BANK_TRANSFER",
    await paymentActor("buyer@phsar.test"),
  );
  const waiting = await prisma.payment.findMany({ select: { id: true, amountMinor: true } });
  paymentIds = waiting.map((p) => p.id);
  paymentAmounts = waiting.map((p) => p.amountMinor);
  productIds = (await prisma.product.findMany({ select: { id: true }, take: 5 })).map((p) => p.id);
  const districts = await prisma.district.findMany({
    select: { code: true, provinceCode: true },
    take: 5,
  });
  districtCodes = districts.map((d) => d.code);
  provinceCodes = districts.map((d) => d.provinceCode);
});

const pick = (list: () => (number | string)[]) =>
  fc.nat().map((i) => {
    const values = list();
    return String(values.length ? values[i % values.length] : 1);
  });

describe("form actions answer arbitrary input below 500 and refuse without writing", () => {
  test("cart: update, remove, checkout", async () => {
    const post = () => postTo(cart.action, "/cart", buyerCookie, {});
    await fc.assert(
      fc.asyncProperty(
        formFields(
          [
            "intent",
            "windowId",
            "quantity",
            "idempotencyKey",
            "paymentMethod",
            "weightTolerancePct",
            "repeatWeeks",
            "payLater",
            "prices",
          ],
          {
            intent: fc.constantFrom("checkout", "update", "remove"),
            windowId: pick(() => windowIds),
            idempotencyKey: fc.uuid(),
            paymentMethod: fc.constantFrom("CASH_ON_DELIVERY", "BANK_TRANSFER", "KHQR", "CARD"),
            weightTolerancePct: fc.constantFrom("0", "5", "10"),
            prices: pick(() => windowIds).map((w) => `${w}:${2_000}`),
            quantity: fc.integer({ min: 1, max: 50 }).map(String),
            repeatWeeks: fc.constantFrom("1", "2", "52"),
            payLater: fc.constantFrom("on", "true"),
          },
        ),
        async ({ fields, multipart }) => {
          await expectSafe(
            () => post()(fields, multipart),
            () => describeFields(fields),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("add to cart from a listing page, with arbitrary listing ids", async () => {
    await fc.assert(
      fc.asyncProperty(
        param(pick(() => [listingId])),
        formFields(["windowId", "quantity"], {
          windowId: pick(() => windowIds),
          quantity: fc.integer({ min: 1, max: 50 }).map(String),
        }),
        async (id, { fields, multipart }) => {
          await expectSafe(
            () =>
              postTo(listingPage.action, `/listings/${encodeURIComponent(id)}`, buyerCookie, {
                listingId: id,
              })(fields, multipart),
            () => `${id} ${describeFields(fields)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  const listingFields = [
    "productId",
    "variety",
    "grade",
    "certification",
    "currency",
    "price",
    "minOrderQuantity",
    "descriptionKm",
    "descriptionEn",
    "deliveryProvinces",
    "deliveryDistricts",
  ];
  const listingNear = {
    productId: pick(() => productIds),
    variety: fc.constantFrom("", "Hybrid F1", "ពូជក្នុងស្រុក"),
    descriptionKm: fc.constantFrom("", "ស្រស់ៗ"),
    descriptionEn: fc.constantFrom("", "Fresh"),
    grade: fc.constantFrom("A", "B", "C"),
    certification: fc.constantFrom("NONE", "ORGANIC", "GAP"),
    currency: fc.constantFrom("KHR", "USD"),
    price: fc.constantFrom("2500", "1.25", "1,000,000,000,000"),
    minOrderQuantity: fc.constantFrom("1", "10"),
    deliveryProvinces: pick(() => provinceCodes),
    deliveryDistricts: pick(() => districtCodes),
  };

  test("new listing form", async () => {
    const post = () =>
      postTo(newListing.action, `/organizations/${cooperativeSlug}/listings/new`, leadCookie, {
        slug: cooperativeSlug,
      });
    await fc.assert(
      fc.asyncProperty(formFields(listingFields, listingNear), async ({ fields, multipart }) => {
        await expectSafe(
          () => post()(fields, multipart),
          () => describeFields(fields),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test("listing edit page: update, status, windows, pledges", async () => {
    await fc.assert(
      fc.asyncProperty(
        param(pick(() => [listingId])),
        formFields(
          [
            "intent",
            "status",
            "deliveryDate",
            "cutoffDate",
            "cutoffTime",
            "windowId",
            "pledge-1",
            ...listingFields,
          ],
          {
            ...listingNear,
            intent: fc.constantFrom("update", "status", "add-window", "copy-week", "pledges"),
            status: fc.constantFrom("PUBLISHED", "PAUSED", "CLOSED", "DRAFT"),
            deliveryDate: fc.constantFrom("2026-12-30", "2031-01-01", "1999-01-01", "9999-12-30"),
            cutoffDate: fc.constantFrom("2026-12-29", "2031-01-01"),
            cutoffTime: fc.constantFrom("17:00", "25:61"),
            windowId: pick(() => windowIds),
            "pledge-1": fc.integer({ min: 0, max: 100 }).map(String),
          },
        ),
        async (id, { fields, multipart }) => {
          await expectSafe(
            () =>
              postTo(
                editListing.action,
                `/organizations/${cooperativeSlug}/listings/${encodeURIComponent(id)}`,
                leadCookie,
                { slug: cooperativeSlug, listingId: id },
              )(fields, multipart),
            () => `${id} ${describeFields(fields)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("cooperative order transitions: accept, reject, pack", async () => {
    await fc.assert(
      fc.asyncProperty(
        param(pick(() => subOrderIds)),
        param(fc.constant(cooperativeSlug)),
        formFields(["intent", "reason", "line-1", "quantity"], {
          intent: fc.constantFrom("accept", "reject", "pack", "deliver"),
          reason: fc.constantFrom("", "No stock", "ស្ពៃអស់"),
        }),
        async (subOrderId, slug, { fields, multipart }) => {
          await expectSafe(
            () =>
              postTo(
                cooperativeOrder.action,
                `/organizations/${encodeURIComponent(slug)}/orders/${encodeURIComponent(subOrderId)}`,
                leadCookie,
                { slug, subOrderId },
              )(fields, multipart),
            () => `${slug} ${subOrderId} ${describeFields(fields)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("buyer order page: cancel, confirm delivery", async () => {
    await fc.assert(
      fc.asyncProperty(
        param(pick(() => [orderId])),
        formFields(["intent", "subOrderId"], {
          intent: fc.constantFrom("cancel", "confirm-delivery"),
          subOrderId: pick(() => subOrderIds),
        }),
        async (id, { fields, multipart }) => {
          await expectSafe(
            () =>
              postTo(buyerOrder.action, `/orders/${encodeURIComponent(id)}`, buyerCookie, {
                orderId: id,
              })(fields, multipart),
            () => `${id} ${describeFields(fields)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("payments page: received, payout, onboard, Bakong account, refund given back", async () => {
    const post = () =>
      postTo(payments.action, `/organizations/${cooperativeSlug}/payments`, leadCookie, {
        slug: cooperativeSlug,
      });
    await fc.assert(
      fc.asyncProperty(
        formFields(
          [
            "intent",
            "paymentId",
            "subOrderId",
            "currency",
            "amount",
            "reference",
            "bakongAccountId",
            "refundId",
          ],
          {
            intent: fc.constantFrom("received", "payout", "onboard", "bakong", "handed-back"),
            bakongAccountId: fc.constantFrom("", "kralanh@aclb", "KRALANH@ACLB", "no-at-sign"),
            refundId: fc.constantFrom("1", "2", "999999"),
            paymentId: pick(() => paymentIds),
            subOrderId: pick(() => subOrderIds),
            currency: fc.constantFrom("KHR", "USD"),
            amount: pick(() => paymentAmounts),
            reference: fc.constantFrom("", "ABA 123"),
          },
        ),
        fc.boolean(),
        async ({ fields, multipart }, coherent) => {
          // Now and then the amount due of the payment named, so a receipt can be recorded.
          if (coherent && typeof fields.paymentId === "string") {
            const index = paymentIds.indexOf(Number(fields.paymentId));
            if (index >= 0) fields.amount = String(paymentAmounts[index]);
          }
          await expectSafe(
            () => post()(fields, multipart),
            () => describeFields(fields),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("statement page: pay-later terms (admin)", async () => {
    const post = () =>
      postTo(statement.action, `/organizations/${buyerSlug}/statement`, adminCookie, {
        slug: buyerSlug,
      });
    await fc.assert(
      fc.asyncProperty(
        formFields(["currency", "creditLimit", "termDays"], {
          currency: fc.constantFrom("KHR", "USD"),
          termDays: fc.constantFrom("7", "30", "366"),
          creditLimit: fc.constantFrom("100000", "1,000,000", "0"),
        }),
        async ({ fields, multipart }) => {
          await expectSafe(
            () => post()(fields, multipart),
            () => describeFields(fields),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("sign in and sign up", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.ipV4(),
        formFields(
          [
            "identifier",
            "password",
            "redirectTo",
            "name",
            "businessNameKm",
            "businessNameEn",
            "provinceCode",
          ],
          {
            identifier: fc.oneof(
              fc.constantFrom("buyer@phsar.test", "012 000 001", "+855"),
              fc.emailAddress(),
            ),
            password: fc.constantFrom("phsar-demo-2026", "wrong-password-1"),
            name: fc.constantFrom("Dara", "សុខា"),
            businessNameKm: fc.constantFrom("ហាងបាយ"),
            businessNameEn: fc.constantFrom("Rice shop"),
            redirectTo: fc.constantFrom("/cart", "//evil.example", "/invitations/x"),
            provinceCode: fc.constantFrom("17", "04"),
          },
        ),
        async (signIn, ip, { fields, multipart }) => {
          const handler = signIn ? login.action : signup.action;
          await expectSafe(
            () => postTo(handler, signIn ? "/login" : "/signup", null, {})(fields, multipart, ip),
            () => `${signIn ? "login" : "signup"} ${describeFields(fields)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

test("a body that is not a form is a 400 on every form action", async () => {
  const actions: {
    handler: Handler;
    path: string;
    cookie: () => string | null;
    params: () => Args["params"];
  }[] = [
    { handler: cart.action, path: "/cart", cookie: () => buyerCookie, params: () => ({}) },
    {
      handler: listingPage.action,
      path: "/listings/1",
      cookie: () => buyerCookie,
      params: () => ({ listingId: String(listingId) }),
    },
    {
      handler: newListing.action,
      path: "/organizations/x/listings/new",
      cookie: () => leadCookie,
      params: () => ({ slug: cooperativeSlug }),
    },
    {
      handler: editListing.action,
      path: "/organizations/x/listings/1",
      cookie: () => leadCookie,
      params: () => ({ slug: cooperativeSlug, listingId: String(listingId) }),
    },
    {
      handler: cooperativeOrder.action,
      path: "/organizations/x/orders/1",
      cookie: () => leadCookie,
      params: () => ({ slug: cooperativeSlug, subOrderId: String(subOrderIds[0]) }),
    },
    {
      handler: buyerOrder.action,
      path: "/orders/1",
      cookie: () => buyerCookie,
      params: () => ({ orderId: String(orderId) }),
    },
    {
      handler: payments.action,
      path: "/organizations/x/payments",
      cookie: () => leadCookie,
      params: () => ({ slug: cooperativeSlug }),
    },
    {
      handler: dashboard.action,
      path: "/dashboard",
      cookie: () => monitorCookie,
      params: () => ({}),
    },
    {
      handler: statement.action,
      path: "/organizations/x/statement",
      cookie: () => adminCookie,
      params: () => ({ slug: buyerSlug }),
    },
    { handler: login.action, path: "/login", cookie: () => null, params: () => ({}) },
    { handler: signup.action, path: "/signup", cookie: () => null, params: () => ({}) },
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...actions),
      fc.constantFrom(
        "application/json",
        "multipart/form-data; boundary=fuzz",
        "multipart/form-data",
        "text/plain",
        null,
      ),
      fc.oneof(junk, fc.json()),
      async (target, contentType, payload) => {
        const cookie = target.cookie();
        const headers = new Headers(cookie ? { Cookie: cookie } : {});
        if (contentType) headers.set("Content-Type", contentType);
        const answer = await expectSafe(
          () =>
            target.handler({
              request: new Request(`http://localhost${target.path}`, {
                method: "POST",
                headers,
                body: payload,
              }),
              params: target.params(),
              context: { clientIp: "192.0.2.93" },
            }),
          () => `${target.path} ${contentType} ${payload.slice(0, 80)}`,
        );
        // text/plain and a missing type carry no form fields: a plain refusal or an empty form.
        if (contentType?.startsWith("multipart") || contentType === "application/json")
          expect(answer.status).toBeGreaterThanOrEqual(400);
      },
    ),
    { numRuns: RUNS },
  );
});

describe("query strings of the search page and the listings API", () => {
  const names = [
    "q",
    "category",
    "product",
    "province",
    "cooperative",
    "certification",
    "grade",
    "from",
    "to",
    "priceMin",
    "priceMax",
    "sort",
    "page",
    "perPage",
  ];
  test("any query string is a 200 or a 400 naming the parameter", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        formFields(names, {
          sort: fc.constantFrom(...SORTS),
          grade: fc.constantFrom(...GRADES),
          category: fc.constantFrom(...CATEGORIES),
          certification: fc.constantFrom(...CERTIFICATIONS),
          product: pick(() => productIds),
          province: pick(() => provinceCodes),
          cooperative: pick(() => [1, 2, 3]),
          from: fc.constantFrom("2026-01-01", "2026-12-01"),
          to: fc.constantFrom("2026-12-31", "2027-06-30"),
          priceMin: fc.constantFrom("", "0", "1000"),
          priceMax: fc.constantFrom("", "5000", "1000000000"),
          page: fc.constantFrom("1", "2", "1000"),
          perPage: fc.constantFrom("", "1", "50"),
          q: fc.constantFrom("", "ត្រកួន", "cabbage", "spinch", "ស្ពៃ organic"),
        }),
        async (api, { fields }) => {
          const query = body(fields, false).toString();
          const handler: Handler = api ? apiListings.loader : search.loader;
          const answer = await expectSafe(
            () =>
              handler({
                request: new Request(
                  `http://localhost/${api ? "api/v1/listings" : "search"}?${query}`,
                ),
                params: {},
                context: { clientIp: "192.0.2.91" },
              }),
            () => query,
          );
          if (api && answer.status === 400)
            expect(JSON.parse(answer.text).error.parameter, query).toEqual(expect.any(String));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("the union dashboard and the stats API", () => {
  const names = ["from", "to", "product", "province", "cooperative", "below"];
  const filters = () =>
    formFields(names, {
      from: fc.constantFrom("2026-01-01", "2026-11-01"),
      to: fc.constantFrom("2026-12-31", "2025-01-01"),
      product: pick(() => productIds),
      province: pick(() => provinceCodes),
      cooperative: pick(() => [1, 2, 3]),
      below: fc.constantFrom("10", "0", "100", "101"),
    });

  test("any query string is a 200 or a 400 naming the parameter (API), the page never fails", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STAT_TABLES, "nonsense"),
        fc.boolean(),
        filters(),
        async (table, api, { fields }) => {
          const query = body(fields, false).toString();
          const request = new Request(
            `http://localhost/${api ? `api/v1/stats/${table}` : "dashboard"}?${query}`,
            { headers: { Cookie: monitorCookie } },
          );
          const answer = await expectSafe(
            () =>
              (api ? statsApi.loader : dashboard.loader)({
                request,
                params: { table },
                context: { clientIp: "192.0.2.92" },
              }),
            () => `${table} ${query}`,
          );
          if (api && answer.status === 400)
            expect(JSON.parse(answer.text).error.parameter, query).toEqual(expect.any(String));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("dashboard actions: market-price import and background exports", async () => {
    await fc.assert(
      fc.asyncProperty(
        formFields(["intent", "csv", "table"], {
          intent: fc.constantFrom("import-market-prices", "export"),
          csv: fc.constantFrom(
            "date,province,commodity,price_khr\n2026-11-02,,Cabbage,2500",
            "date,province,commodity,price_khr\n2026-02-30,99,Gold,-1",
            "date,province,commodity,price_khr\n0000-01-01,,Cabbage,2500",
            "not,a,header\n1,2,3",
          ),
          table: fc.constantFrom(...STAT_TABLES, "nonsense"),
        }),
        async ({ fields, multipart }) => {
          await expectSafe(
            () => postTo(dashboard.action, "/dashboard", monitorCookie, {})(fields, multipart),
            () => describeFields(fields),
          );
          // An accepted export goes on writing its progress after the answer: let it finish
          // before the next run takes its snapshot.
          await vi.waitFor(
            async () =>
              expect(
                await prisma.monitoringExport.count({
                  where: { status: { in: ["QUEUED", "RUNNING"] } },
                }),
              ).toBe(0),
            { timeout: 20_000 },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("Stripe webhooks", () => {
  const hooks = [
    { handler: stripeHook.action as Handler, path: "/webhooks/stripe", secret: secrets.platform },
    {
      handler: stripeConnectHook.action as Handler,
      path: "/webhooks/stripe-connect",
      secret: secrets.connect,
    },
  ];
  const call = (hook: (typeof hooks)[number], payload: string, signature: string | null) =>
    hook.handler({
      request: new Request(`http://localhost${hook.path}`, {
        method: "POST",
        // A header carries bytes: what a client could send is Latin-1 without control characters.
        headers:
          signature === null
            ? {}
            : { "Stripe-Signature": signature.replace(/[^\x20-\x7e\xa0-\xff]/g, "?") },
        body: payload,
      }),
      params: {},
      context: { clientIp: "192.0.2.92" },
    });

  test("arbitrary bodies with arbitrary or missing signatures are a 400", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...hooks),
        fc.oneof(junk, fc.json()),
        fc.option(
          fc.oneof(
            junk,
            fc
              .tuple(
                fc.integer(),
                fc.string({
                  unit: fc.constantFrom(..."0123456789abcdef"),
                  minLength: 64,
                  maxLength: 64,
                }),
              )
              .map(([t, v]) => `t=${t},v1=${v}`),
          ),
        ),
        async (hook, payload, signature) => {
          const answer = await expectSafe(
            () => call(hook, payload, signature),
            () => `${hook.path} ${payload.slice(0, 80)} ${signature}`,
          );
          expect(answer.status).toBe(400);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("a valid signature over a junk body is refused or ignored, never a 5xx", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    const eventTypes = fc.constantFrom(
      "payment_intent.succeeded",
      "payment_intent.payment_failed",
      "charge.refunded",
      "charge.dispute.created",
      "account.updated",
      "transfer.reversed",
      "payout.failed",
      "customer.created",
    );
    const eventLike = fc.record(
      {
        id: fc.oneof(
          fc.string({ maxLength: 20 }).map((s) => `evt_${s}`),
          fc.jsonValue(),
        ),
        object: fc.constant("event"),
        type: fc.oneof(eventTypes, fc.jsonValue()),
        created: fc.oneof(fc.integer(), fc.jsonValue()),
        account: fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue()),
        data: fc.oneof(
          fc.record({ object: fc.jsonValue() }),
          fc.record({
            object: fc.record(
              {
                id: fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue()),
                metadata: fc.oneof(fc.record({ orderId: fc.string() }), fc.jsonValue()),
                amount: fc.oneof(fc.integer(), fc.jsonValue()),
                amount_received: fc.oneof(fc.integer(), fc.jsonValue()),
                currency: fc.oneof(fc.constantFrom("khr", "usd"), fc.jsonValue()),
                charge: fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue()),
              },
              { requiredKeys: [] },
            ),
          }),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...hooks),
        fc.oneof(
          junk,
          fc.json(),
          eventLike.map((e) => JSON.stringify(e)),
        ),
        async (hook, payload) => {
          const signature = Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: hook.secret,
          });
          const before = await snapshot();
          const answer = await outcome(() => call(hook, payload, signature));
          expect(answer.status, `${hook.path} ${payload.slice(0, 200)}`).toBeLessThan(500);
          // None of these names a payment of ours, so nothing may move (StripeEvent may record the id).
          expect(await snapshot(), payload.slice(0, 200)).toEqual(before);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("organization profile and pick list", () => {
  test("organization profile: names, place, contact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        formFields(["nameKm", "nameEn", "provinceCode", "districtCode", "phone", "email"], {
          nameKm: fc.constantFrom("សហករណ៍", "ស"),
          nameEn: fc.constantFrom("Cooperative", "Coop"),
          provinceCode: pick(() => provinceCodes),
          districtCode: pick(() => districtCodes),
          phone: fc.constantFrom("", "012 345 678"),
          email: fc.constantFrom("", "coop@example.com"),
        }),
        async (buyer, { fields, multipart }) => {
          const slug = buyer ? buyerSlug : cooperativeSlug;
          await expectSafe(
            () =>
              postTo(
                editOrganization.action,
                `/organizations/${slug}/edit`,
                buyer ? buyerCookie : leadCookie,
                { slug },
              )(fields, multipart),
            () => describeFields(fields),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("pick list: any date", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostile, junk, fc.constant("2026-12-30")), async (date) => {
        await expectSafe(
          () =>
            pickList.loader({
              request: new Request(
                `http://localhost/organizations/${cooperativeSlug}/pick-list?${new URLSearchParams({ date })}`,
                { headers: { Cookie: leadCookie } },
              ),
              params: { slug: cooperativeSlug },
              context: {},
            }),
          () => date,
        );
      }),
      { numRuns: RUNS },
    );
  });
});

// Every route's loader and action, listed from the route files (like the authorization matrix), so a
// new route is fuzzed without anyone adding it here. Last in the file: the account page's
// "sign out everywhere" may revoke the sessions the tests above use.
describe("every route's loader and action", () => {
  type RouteModule = { loader?: Handler; action?: Handler };
  const routeFiles = import.meta.glob<RouteModule>(["./routes/*.{ts,tsx}", "!./routes/*.test.ts"]);
  // The fields each route reads, from its source: `name="x"`, `x: z…` and `.get("x")`.
  const routeSources = import.meta.glob<string>(["./routes/*.{ts,tsx}", "!./routes/*.test.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  });
  const namesIn = (file: string) => {
    const source = routeSources[`./routes/${file}`] ?? "";
    const found = new Set<string>();
    for (const pattern of [/name="([\w-]+)"/g, /(\w+): z\b/g, /\.get(?:All)?\("([\w-]+)"\)/g])
      for (const match of source.matchAll(pattern)) found.add(match[1]!);
    return [...found];
  };
  const routes = Object.keys(routeFiles)
    .map((file) => file.replace("./routes/", ""))
    .sort();
  const ROUTE_RUNS = Math.max(4, Math.round(RUNS / 4));
  const ALL_METHODS = { loader: ["GET", "HEAD"], action: ["POST", "PUT", "PATCH", "DELETE"] };
  const INT4_PAST = ["2147483648", "99999999999", "-2147483649", "0", "1e3"];

  /** Route params from a flat-route file name: `organizations.$slug.orders.$subOrderId.tsx`. */
  const paramNames = (file: string) =>
    file
      .replace(/\.(tsx|ts)$/, "")
      .replace(/\[\.csv\]$/, "")
      .split(".")
      .filter((part) => part.startsWith("$"))
      .map((part) => (part === "$" ? "*" : part.slice(1).replace(/_$/, "")));

  const nearParam = (name: string): fc.Arbitrary<string> => {
    switch (name) {
      case "slug":
        return fc.constantFrom(cooperativeSlug, buyerSlug, "seuac", "no-such-org");
      case "cooperativeSlug":
        return fc.constantFrom(cooperativeSlug, "no-such-org");
      case "listingId":
        return pick(() => [listingId]);
      case "orderId":
        return pick(() => [orderId]);
      case "subOrderId":
        return pick(() => subOrderIds);
      case "table":
        return fc.constantFrom(...STAT_TABLES);
      case "file":
        return fc.constantFrom(...STAT_TABLES.map((t) => `${t}.csv`));
      default:
        return fc.constantFrom("1", "x");
    }
  };

  // Field names the app's forms use, plus ids past int4 inside field names.
  const fieldNames = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        "intent",
        "windowId",
        "quantity",
        "listingId",
        "subOrderId",
        "paymentId",
        "refundId",
        "membershipId",
        "standingOrderId",
        "sessionId",
        "productId",
        "name",
        "nameKm",
        "nameEn",
        "businessNameKm",
        "businessNameEn",
        "variety",
        "descriptionKm",
        "descriptionEn",
        "reason",
        "reference",
        "identifier",
        "password",
        "confirmPassword",
        "redirectTo",
        "lng",
        "token",
        "deliveryDate",
        "cutoffDate",
        "cutoffTime",
        "date",
        "from",
        "to",
        "provinceCode",
        "districtCode",
        "phone",
        "email",
        "role",
        "currency",
        "amount",
        "creditLimit",
        "termDays",
        "csv",
        "table",
        "status",
        "before",
        "window",
        "q",
        "page",
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...INT4_PAST).map((id) => `pledge-${id}`) },
    { weight: 1, arbitrary: fc.constantFrom(...INT4_PAST).map((id) => `q-${id}`) },
    { weight: 1, arbitrary: fc.constantFrom("pledge-1", "q-1") },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
  );
  const intents = fc.constantFrom(
    "update",
    "status",
    "add-window",
    "copy-week",
    "pledges",
    "import-csv",
    "checkout",
    "remove",
    "accept",
    "reject",
    "pack",
    "cancel",
    "confirm-delivery",
    "pay-card",
    "received",
    "payout",
    "onboard",
    "bakong",
    "handed-back",
    "invite",
    "change-role",
    "revoke",
    "revoke-all",
    "stop-standing",
    "export",
    "import-market-prices",
  );
  const fieldsOf = (own: string[]) =>
    fc
      .tuple(
        fc.option(intents, { nil: undefined }),
        fc.array(
          fc.tuple(
            own.length
              ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...own) }, fieldNames)
              : fieldNames,
            fc.oneof(hostile, junk, fc.array(junk, { maxLength: 3 })),
          ),
          { maxLength: 6 },
        ),
      )
      .map(([intent, pairs]) => {
        const result: Fields = intent ? { intent } : {};
        for (const [name, value] of pairs) result[name] = value;
        return result;
      });

  /** How the body is sent, including a multipart body cut short and a body past any sane size. */
  const bodyKinds = fc.constantFrom(
    "form",
    "multipart",
    "truncated-multipart",
    "oversized",
    "json",
    "none",
  );

  async function requestBody(kind: string, values: Fields, cut: number) {
    switch (kind) {
      case "form":
        return { body: body(values, false) };
      case "multipart":
        return { body: body(values, true) };
      case "truncated-multipart": {
        const encoded = new Response(body({ ...values, photo: "x".repeat(64) }, true));
        const bytes = new Uint8Array(await encoded.arrayBuffer());
        return {
          body: bytes.slice(0, Math.max(1, Math.floor(bytes.length * cut))),
          contentType: encoded.headers.get("Content-Type")!,
        };
      }
      case "oversized":
        return { body: body({ ...values, padding: "x".repeat(1_200_000) }, false) };
      case "json":
        return { body: JSON.stringify(values), contentType: "application/json" };
      default:
        return { body: undefined };
    }
  }

  const people = ["buyer@phsar.test", "lead@phsar.test", "admin@phsar.test", "monitor@phsar.test"];
  const peopleIds = new Map<string, number>();
  beforeAll(async () => {
    for (const email of people)
      peopleIds.set(
        email,
        (await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id,
      );
  });

  test("the route files are all listed", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContain("organizations.$slug.listings.$listingId.photos.tsx");
  });

  const cases = routes.flatMap((file) =>
    (["loader", "action"] as const).map((kind) => ({ file, kind })),
  );
  test.each(cases)("$file $kind", async ({ file, kind }) => {
    const module = await routeFiles[`./routes/${file}`]!();
    const handler = module[kind];
    if (!handler) return;
    const names = paramNames(file);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          Object.fromEntries(
            names.map((name) => [
              name,
              fc.oneof(
                { weight: 3, arbitrary: nearParam(name) },
                { weight: 1, arbitrary: fc.oneof(junk, fc.constantFrom(...INT4_PAST)) },
              ),
            ]),
          ) as Record<string, fc.Arbitrary<string>>,
        ),
        fc.constantFrom(...ALL_METHODS[kind]),
        fc.option(fc.constantFrom(...people), { nil: null }),
        fieldsOf(namesIn(file)),
        bodyKinds,
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.ipV4(),
        async (params, method, person, values, bodyKind, cut, ip) => {
          const headers = new Headers();
          if (person)
            headers.set("Cookie", (await createSession(peopleIds.get(person)!)).split(";")[0]!);
          const path = `/${file.replace(/\.(tsx|ts)$/, "")}`;
          let request: Request;
          if (kind === "loader") {
            request = new Request(`http://localhost${path}?${body(values, false)}`, {
              method,
              headers,
            });
          } else {
            const sent = await requestBody(bodyKind, values, cut);
            if (sent.contentType) headers.set("Content-Type", sent.contentType);
            request = new Request(`http://localhost${path}`, { method, headers, body: sent.body });
          }
          await expectSafe(
            () => handler({ request, params, context: { clientIp: ip } }),
            () =>
              `${method} ${file} ${JSON.stringify(params)} as ${person} ${bodyKind} ${describeFields(values)}`,
          );
          // An accepted export goes on writing after the answer: let it finish first.
          if (file === "dashboard.tsx")
            await vi.waitFor(
              async () =>
                expect(
                  await prisma.monitoringExport.count({
                    where: { status: { in: ["QUEUED", "RUNNING"] } },
                  }),
                ).toBe(0),
              { timeout: 20_000 },
            );
        },
      ),
      { numRuns: ROUTE_RUNS },
    );
  });
});
// Whatever the fuzzed requests did, the account invariants hold (docs/decisions/014-money-exact.md).
afterAll(expectMoneyExact);
