// Every route × every kind of visitor: who may read it (loader) and who may change it (action).
// The route list comes from the files in app/routes, so a new route without a rule here fails.
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { demoAdmin, demoLogins, seedDemoData } from "../../prisma/seed";
import { demoUnion } from "../../prisma/seed/demo-data";
import { placeOrder } from "~/orders/orders.server";
import { createSession } from "./session.server";

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
};

// Resource routes (JSON) are .ts files; tests beside routes are not routes.
const routeFiles = import.meta.glob<RouteModule>(["../routes/*.{ts,tsx}", "!../routes/*.test.ts"]);

const personas = [
  "anonymous",
  "lead", // LEAD of cooperative A
  "clerk", // MEMBER_CLERK of cooperative A
  "otherLead", // LEAD of cooperative B
  "buyer", // OWNER of buyer X
  "purchaser", // PURCHASER of buyer X
  "otherBuyer", // OWNER of buyer Y
  "monitor", // MONITOR of the union
  "admin", // platform admin
] as const;
type Persona = (typeof personas)[number];

const emails: Record<Exclude<Persona, "anonymous">, string> = {
  lead: "lead@phsar.test",
  clerk: "clerk@phsar.test",
  otherLead: "lead2@phsar.test",
  buyer: "buyer@phsar.test",
  purchaser: "purchaser@phsar.test",
  otherBuyer: "trader@phsar.test",
  monitor: "monitor@phsar.test",
  admin: demoAdmin.email,
};

const everyone = [...personas];
const signedIn = personas.filter((p) => p !== "anonymous");
type Allowed = readonly Persona[];
/** `hidden`: personas who get a 404 (another tenant's record: its existence is not revealed). */
type Case = {
  params?: () => Record<string, string>;
  GET?: Allowed;
  POST?: Allowed;
  hidden?: Allowed;
};

const slugs = {
  cooperativeA: "",
  buyerX: "",
  invitation: "not-a-real-invitation-token-000000",
  listingA: "",
  orderX: "",
  subOrderA: "",
  lineA: "",
  product: "",
  farmerA: "",
  farmerB: "",
};
const unionStaff: Allowed = ["monitor", "admin"];
const buyers: Allowed = ["buyer", "purchaser", "otherBuyer"];
const cooperativeA =
  (extra: Record<string, () => string> = {}) =>
  () => ({
    slug: slugs.cooperativeA,
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v()])),
  });
const organizationCases = (page: "_index" | "edit" | "members"): Case[] => {
  const readers: Allowed = page === "edit" ? ["lead", "admin"] : ["lead", "clerk", "admin"];
  const buyerReaders: Allowed =
    page === "edit" ? ["buyer", "admin"] : ["buyer", "purchaser", "admin"];
  const writers = (list: Allowed) =>
    page === "_index" ? undefined : list.filter((p) => p !== "clerk" && p !== "purchaser");
  return [
    { params: () => ({ slug: slugs.cooperativeA }), GET: readers, POST: writers(readers) },
    { params: () => ({ slug: slugs.buyerX }), GET: buyerReaders, POST: writers(buyerReaders) },
  ];
};

/** The rules. Key: route file name. */
const matrix: Record<string, Case[]> = {
  "$.tsx": [{ GET: everyone }],
  "_index.tsx": [{ GET: everyone }],
  "search.tsx": [{ GET: everyone }],
  "api.v1.listings.ts": [{ GET: everyone }],
  "account.tsx": [{ GET: signedIn, POST: signedIn }],
  "admin.audit.tsx": [{ GET: ["admin"] }],
  "admin.outbox.tsx": [{ GET: ["admin"] }],
  "admin.refunds.tsx": [{ GET: ["admin"], POST: ["admin"] }],
  "cooperatives._index.tsx": [{ GET: everyone }],
  "cooperatives.$slug.tsx": [{ params: () => ({ slug: slugs.cooperativeA }), GET: everyone }],
  "dashboard.tsx": [{ GET: ["monitor", "admin"], POST: ["monitor", "admin"] }],
  "dashboard_.export.$file.ts": [
    { params: () => ({ file: "volumes.csv" }), GET: ["monitor", "admin"] },
  ],
  // A missing export is a 404 for monitors and admins (counted as allowed), a 403 for others.
  "dashboard_.exports.$exportId.tsx": [
    { params: () => ({ exportId: "999999" }), GET: ["monitor", "admin"] },
  ],
  "dashboard_.exports.$exportId.download.ts": [
    { params: () => ({ exportId: "999999" }), GET: ["monitor", "admin"] },
  ],
  "api.v1.stats.$table.ts": [{ params: () => ({ table: "prices" }), GET: ["monitor", "admin"] }],
  "forgot-password.tsx": [{ POST: everyone }],
  "healthz.tsx": [{ GET: everyone }],
  "invitations.$token.tsx": [
    { params: () => ({ token: slugs.invitation }), GET: everyone, POST: signedIn },
  ],
  "language.tsx": [{ GET: everyone, POST: everyone }],
  "login.tsx": [{ GET: everyone, POST: everyone }],
  "logout.tsx": [{ GET: everyone, POST: everyone }],
  "organizations.$slug._index.tsx": organizationCases("_index"),
  "organizations.$slug.edit.tsx": organizationCases("edit"),
  "organizations.$slug.members.tsx": organizationCases("members"),
  // The member register: the cooperative's lead and clerks (and admins); deactivating is the
  // lead's alone, which the domain module checks (app/organizations/farmers.server.test.ts).
  "organizations.$slug.farmers._index.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"] },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"] },
  ],
  "organizations.$slug.farmers.new.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"], POST: ["lead", "clerk", "admin"] },
  ],
  "organizations.$slug.farmers.$farmerId.tsx": [
    {
      params: cooperativeA({ farmerId: () => slugs.farmerA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "clerk", "admin"],
    },
    // Another cooperative's member under this cooperative's address: not found, even for admins.
    {
      params: cooperativeA({ farmerId: () => slugs.farmerB }),
      GET: [],
      POST: [],
      hidden: ["lead", "clerk", "admin"],
    },
  ],
  "organizations.$slug.farmers.import.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"], POST: ["lead", "clerk", "admin"] },
  ],
  "organizations.$slug.farmers.export.$file.ts": [
    { params: cooperativeA({ file: () => "members.csv" }), GET: ["lead", "clerk", "admin"] },
  ],
  "organizations.$slug.self-help-groups.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"], POST: ["lead", "clerk", "admin"] },
  ],
  "reset-password.tsx": [{ GET: everyone, POST: everyone }],
  "listings.$listingId.tsx": [
    { params: () => ({ listingId: slugs.listingA }), GET: everyone, POST: buyers },
  ],
  "cart.tsx": [{ GET: buyers, POST: buyers }],
  "catalogue._index.tsx": [{ GET: unionStaff }],
  "catalogue.new.tsx": [{ GET: unionStaff, POST: unionStaff }],
  "catalogue.$productId.tsx": [
    { params: () => ({ productId: slugs.product }), GET: unionStaff, POST: unionStaff },
  ],
  // Its loader is a 404 for everyone (the upload form lives on the product page).
  "catalogue.$productId.photo.tsx": [
    { params: () => ({ productId: slugs.product }), GET: everyone, POST: unionStaff },
  ],
  "notifications.tsx": [{ GET: signedIn, POST: signedIn }],
  "orders._index.tsx": [{ GET: buyers, POST: buyers }],
  "orders.$orderId.tsx": [
    {
      params: () => ({ orderId: slugs.orderX }),
      GET: ["buyer", "purchaser"],
      POST: ["buyer", "purchaser"],
      hidden: ["otherBuyer"],
    },
  ],
  "organizations.$slug.orders._index.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"] },
  ],
  "organizations.$slug.orders.$subOrderId.tsx": [
    {
      params: cooperativeA({ subOrderId: () => slugs.subOrderA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "clerk", "admin"],
    },
  ],
  "organizations.$slug.orders.$subOrderId_.delivery-note.tsx": [
    {
      params: cooperativeA({ subOrderId: () => slugs.subOrderA }),
      GET: ["lead", "clerk", "admin"],
    },
  ],
  // Recording what each member brought: the cooperative's lead and clerks, from the pick list.
  "organizations.$slug.collection.$lineId.tsx": [
    {
      params: cooperativeA({ lineId: () => slugs.lineA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "clerk", "admin"],
    },
  ],
  "organizations.$slug.pick-list.tsx": [
    { params: cooperativeA(), GET: ["lead", "clerk", "admin"] },
  ],
  "organizations.$slug.listings._index.tsx": [
    { params: () => ({ slug: slugs.cooperativeA }), GET: ["lead", "clerk", "admin"] },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"] },
  ],
  "organizations.$slug.listings.$listingId.photos.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA, listingId: slugs.listingA }),
      GET: everyone,
      POST: ["lead", "admin"],
    },
  ],
  "photos.$key.tsx": [{ params: () => ({ key: "listing-1-unknown.webp" }), GET: everyone }],
  "organizations.$slug.listings.new.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA }),
      GET: ["lead", "admin"],
      POST: ["lead", "admin"],
    },
  ],
  "organizations.$slug.listings.$listingId.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA, listingId: slugs.listingA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "clerk", "admin"],
    },
  ],
  "signup.tsx": [{ GET: everyone, POST: everyone }],
  // The token is the credential; with an admin present (the demo data) it is a 404 for everyone.
  "setup.$token.tsx": [
    {
      params: () => ({ token: "not-a-real-setup-token-00000000000" }),
      GET: everyone,
      POST: everyone,
    },
  ],
  "signup_.confirm.tsx": [{ GET: everyone, POST: everyone }],
  "organizations.$slug.payments.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA }),
      GET: ["lead", "admin"],
      POST: ["lead", "admin"],
    },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"], POST: ["admin"] },
  ],
  "organizations.$slug.statement.tsx": [
    {
      params: () => ({ slug: slugs.buyerX }),
      GET: ["buyer", "purchaser", "admin"],
      POST: ["admin"],
    },
    { params: () => ({ slug: slugs.cooperativeA }), GET: ["admin"], POST: ["admin"] },
  ],
  // Clerks record input credits with the lead (only the lead cancels: checked in the module).
  "organizations.$slug.credits.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "clerk", "admin"],
    },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"], POST: ["admin"] },
  ],
  "organizations.$slug.member-statement[.csv].ts": [
    { params: () => ({ slug: slugs.cooperativeA }), GET: ["lead", "admin"] },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"] },
  ],
  // Paying members is the lead's; clerks see balances, slips and statements beside them.
  "organizations.$slug.member-payments.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA }),
      GET: ["lead", "clerk", "admin"],
      POST: ["lead", "admin"],
    },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"], POST: ["admin"] },
  ],
  "organizations.$slug.members-payable[.csv].ts": [
    { params: () => ({ slug: slugs.cooperativeA }), GET: ["lead", "clerk", "admin"] },
    { params: () => ({ slug: slugs.buyerX }), GET: ["admin"] },
  ],
  // A missing payment is a 404 for those who may read slips (counted as allowed), a 403 for others.
  "organizations.$slug.member-payments_.$paymentId.slip.tsx": [
    {
      params: () => ({ slug: slugs.cooperativeA, paymentId: "999999" }),
      GET: ["lead", "clerk", "admin"],
    },
  ],
  "organizations.$slug.member-payments_.statement.$farmerId.tsx": [
    {
      params: cooperativeA({ farmerId: () => slugs.farmerA }),
      GET: ["lead", "clerk", "admin"],
    },
  ],
  // Unions: admins make them and invite their staff; the union's staff (the monitor) and admins
  // manage its cooperatives. Lead, clerk and buyers are refused.
  "unions._index.tsx": [{ GET: ["monitor", "admin"], POST: ["admin"] }],
  "unions.$slug._index.tsx": [
    { params: () => ({ slug: demoUnion.slug }), GET: ["monitor", "admin"], POST: ["admin"] },
  ],
  "unions.$slug.cooperatives.new.tsx": [
    {
      params: () => ({ slug: demoUnion.slug }),
      GET: ["monitor", "admin"],
      POST: ["monitor", "admin"],
    },
  ],
  "unions.$slug.cooperatives.$cooperativeSlug.tsx": [
    {
      params: () => ({ slug: demoUnion.slug, cooperativeSlug: slugs.cooperativeA }),
      GET: ["monitor", "admin"],
      POST: ["monitor", "admin"],
    },
  ],
  // Stripe calls these, signed with the endpoint's secret instead of a session (400 without it).
  "webhooks.stripe.ts": [{ POST: everyone }],
  "webhooks.stripe-connect.ts": [{ POST: everyone }],
  // PayWay calls it without a session; the body is only a prompt to ask PayWay (404 unconfigured).
  "payments.payway.pushback.ts": [{ POST: everyone }],
  // Telegram calls it with the webhook's secret header instead of a session (403 without it).
  "telegram.webhook.ts": [{ POST: everyone }],
};

type Outcome = "allowed" | "sent to sign in" | "forbidden" | "not found";

async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) {
    if (result.status === 403) return "forbidden";
    if (result.status === 404) return "not found";
    if (
      result.status >= 300 &&
      result.status < 400 &&
      result.headers.get("Location")?.startsWith("/login")
    ) {
      return "sent to sign in";
    }
  }
  return "allowed";
}

const cookies = new Map<Persona, string>();

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = demoLogins.find((l) => l.email === emails.lead)!;
  const buyer = demoLogins.find((l) => l.email === emails.buyer)!;
  slugs.cooperativeA = lead.organizationSlug;
  slugs.buyerX = buyer.organizationSlug;
  const listing = await prisma.listing.findFirstOrThrow({
    where: { status: "PUBLISHED", cooperative: { slug: lead.organizationSlug } },
    select: { id: true },
  });
  slugs.listingA = String(listing.id);
  slugs.product = String(
    (await prisma.product.findFirstOrThrow({ select: { id: true }, orderBy: { id: "asc" } })).id,
  );
  const window = await prisma.deliveryWindow.findFirstOrThrow({
    where: { listingId: listing.id, cutoffAt: { gt: new Date() } },
    select: { id: true },
  });
  const buyerUser = await prisma.user.findUniqueOrThrow({
    where: { email: emails.buyer },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  const { orderId } = await placeOrder({
    buyerId: buyerUser.memberships[0]!.organizationId,
    placedById: buyerUser.id,
    idempotencyKey: "authorization-matrix",
    lines: [{ windowId: window.id, quantity: 10 }],
  });
  slugs.orderX = String(orderId);
  slugs.subOrderA = String(
    (await prisma.subOrder.findFirstOrThrow({ where: { orderId }, select: { id: true } })).id,
  );
  slugs.lineA = String(
    (
      await prisma.orderLine.findFirstOrThrow({
        where: { subOrderId: Number(slugs.subOrderA) },
        select: { id: true },
      })
    ).id,
  );
  const farmerOf = async (slug: string) =>
    String(
      (
        await prisma.farmer.findFirstOrThrow({
          where: { cooperative: { slug } },
          select: { id: true },
          orderBy: { id: "asc" },
        })
      ).id,
    );
  slugs.farmerA = await farmerOf(lead.organizationSlug);
  slugs.farmerB = await farmerOf(
    demoLogins.find((l) => l.email === emails.otherLead)!.organizationSlug,
  );
  for (const persona of signedIn) {
    const user = await prisma.user.findUniqueOrThrow({
      where: { email: emails[persona] },
      select: { id: true },
    });
    // A fresh session per persona; logout during the run ends it, so cookies are made per request below.
    cookies.set(persona, String(user.id));
  }
});

async function request(persona: Persona, method: "GET" | "POST", path: string) {
  const headers = new Headers();
  if (persona !== "anonymous") {
    const setCookie = await createSession(Number(cookies.get(persona)));
    headers.set("Cookie", setCookie.split(";")[0]!);
  }
  const init: RequestInit = { method, headers };
  if (method === "POST") init.body = new URLSearchParams();
  return new Request(`http://localhost${path}`, init);
}

describe("authorization matrix", () => {
  test("every route has a rule, and every rule a route", () => {
    const files = Object.keys(routeFiles).map((path) => path.replace("../routes/", ""));
    expect(files.sort()).toEqual(Object.keys(matrix).sort());
  });

  for (const [file, cases] of Object.entries(matrix)) {
    test(`${file}: every way in has a rule`, async () => {
      const module = await routeFiles[`../routes/${file}`]!();
      for (const rule of cases) {
        expect(Boolean(module.loader), `${file} loader rule`).toBe(Boolean(rule.GET));
        expect(Boolean(module.action), `${file} action rule`).toBe(Boolean(rule.POST));
      }
    });

    cases.forEach((rule, index) => {
      for (const method of ["GET", "POST"] as const) {
        const allowed = rule[method];
        if (!allowed) continue;
        test(`${file} [${index}] ${method}`, async () => {
          const module = await routeFiles[`../routes/${file}`]!();
          const handler = method === "GET" ? module.loader! : module.action!;
          const params = rule.params?.() ?? {};
          const path = `/${file.replace(/\.tsx?$/, "").replace(/\$(\w+)/g, (_, name: string) => params[name] ?? name)}`;
          const seen: Record<string, Outcome> = {};
          const expected: Record<string, Outcome> = {};
          for (const persona of personas) {
            const outcome = await outcomeOf(async () =>
              handler({
                request: await request(persona, method, path),
                params,
                context: { clientIp: "192.0.2.1" },
              }),
            );
            // A 404 is only told apart where the rule expects one (another tenant's record).
            seen[persona] = outcome === "not found" && !rule.hidden ? "allowed" : outcome;
            expected[persona] = allowed.includes(persona)
              ? "allowed"
              : persona === "anonymous"
                ? "sent to sign in"
                : rule.hidden?.includes(persona)
                  ? "not found"
                  : "forbidden";
          }
          expect(seen).toEqual(expected);
        });
      }
    });
  }
});
