import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { recordCredit } from "~/payments/credits.server";
import { seedDemoData } from "../../prisma/seed";
import { paymentActor as actor } from "../../tests/payments-fixtures";
import { action, loader } from "./organizations.$slug.credits";

let clerkCookie: string;
let slug: string;
let farmerId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const clerk = await prisma.user.findUniqueOrThrow({
    where: { email: "clerk@phsar.test" },
    select: {
      id: true,
      memberships: { select: { organization: { select: { id: true, slug: true } } } },
    },
  });
  const organization = clerk.memberships[0]!.organization;
  slug = organization.slug;
  farmerId = (
    await prisma.farmer.findFirstOrThrow({
      where: { cooperativeId: organization.id },
      select: { id: true },
    })
  ).id;
  clerkCookie = (await createSession(clerk.id)).split(";")[0]!;
});

const post = (fields: Record<string, string>) =>
  action({
    request: new Request(`http://localhost/organizations/${slug}/credits`, {
      method: "POST",
      headers: { Cookie: clerkCookie },
      body: new URLSearchParams(fields),
    }),
    params: { slug },
    context: { clientIp: "192.0.2.62" },
  }).catch((thrown: unknown) => thrown) as Promise<Response>;

const good = () => ({
  intent: "record",
  farmerId: String(farmerId),
  currency: "KHR",
  amount: "150,000",
  issuedOn: "2026-11-20",
  dueOn: "2027-02-28",
  purpose: "Vegetable seed",
});

describe("the input credits page", () => {
  test("bad input answers 400 naming the field, and nothing is written", async () => {
    const before = await prisma.farmerCredit.count();
    for (const [fields, field, message] of [
      [{ amount: "12.5.0" }, "amount", "credits.amountInvalid"],
      [{ amount: "0" }, "amount", "credits.amountInvalid"],
      [{ issuedOn: "2026-02-31" }, "issuedOn", "credits.dateInvalid"],
      [{ dueOn: "2026-01-01" }, "dueOn", "credits.dueBeforeIssued"],
      [{ purpose: "" }, "purpose", "validation.required"],
      [{ farmerId: "2147483647" }, "farmerId", "credits.notAMember"],
    ] as const) {
      const response = await post({ ...good(), ...fields });
      expect(response.status, field).toBe(400);
      const { result } = (await response.json()) as { result: { error: Record<string, string[]> } };
      expect(result.error[field], field).toEqual([message]);
    }
    expect(await prisma.farmerCredit.count()).toBe(before);
  });

  test("a clerk records a credit in riel; cancelling it is for the lead", async () => {
    const response = await post(good());
    expect(response.status).toBe(302);
    const credit = await prisma.farmerCredit.findFirstOrThrow({
      where: { farmerId, note: "Vegetable seed" },
      select: { id: true, amountMinor: true, currency: true },
    });
    expect(credit).toMatchObject({ amountMinor: 150_000, currency: "KHR" });
    const cancel = await post({ intent: "cancel", creditId: String(credit.id) });
    expect(cancel.status).toBe(403);
  });
});

// The cash-repayment form posted as a browser without JavaScript would: a redirect on success, a 400
// that keeps what was typed on a refusal, a 403 for a clerk.
let repayCreditId: number;

beforeAll(async () => {
  const lead = await actor("lead@phsar.test");
  const cooperativeId = lead.memberships[0]!.organizationId;
  const farmer = await prisma.farmer.findFirstOrThrow({
    where: { cooperativeId },
    select: { id: true },
  });
  repayCreditId = await recordCredit(
    cooperativeId,
    {
      farmerId: farmer.id,
      currency: "KHR",
      amountMinor: 50_000,
      issuedOn: "2026-11-02",
      purpose: "Chicks",
    },
    lead,
  );
});

async function postAs(email: string, fields: Record<string, string>) {
  const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const cookie = (await createSession(user.id)).split(";")[0]!;
  return action({
    request: new Request(`http://localhost/organizations/${slug}/credits`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    }),
    params: { slug },
    context: { clientIp: "192.0.2.71" },
  }).catch((thrown: unknown) => thrown);
}

test("the lead records a cash repayment from the credits page; a refusal keeps what was typed", async () => {
  const lead = await prisma.user.findUniqueOrThrow({
    where: { email: "lead@phsar.test" },
    select: { id: true },
  });
  const cookie = (await createSession(lead.id)).split(";")[0]!;
  const page = (await loader({
    request: new Request(`http://localhost/organizations/${slug}/credits`, {
      headers: { Cookie: cookie },
    }),
    params: { slug },
    context: { clientIp: "192.0.2.71" },
  })) as Awaited<ReturnType<typeof loader>>;
  expect(page.canRepay).toBe(true);
  const form = {
    intent: "repay",
    creditId: String(repayCreditId),
    currency: "KHR",
    repaidOn: "2026-12-02",
    note: "Receipt 17",
    formKey: page.formKey,
  };

  const tooMuch = (await postAs("lead@phsar.test", { ...form, amount: "60000" })) as Response;
  expect(tooMuch.status).toBe(400);
  const refused = (await tooMuch.json()) as {
    target: string;
    result: { error: Record<string, string[]>; initialValue: Record<string, string> };
  };
  expect(refused.target).toBe(`repay${repayCreditId}`);
  expect(refused.result.error.amount).toEqual(["credits.moreThanOwed"]);
  expect(refused.result.initialValue).toMatchObject({ amount: "60000", note: "Receipt 17" });

  const clerk = (await postAs("clerk@phsar.test", { ...form, amount: "20000" })) as Response;
  expect(clerk.status).toBe(403);

  for (let i = 0; i < 2; i++) {
    const saved = (await postAs("lead@phsar.test", { ...form, amount: "20000" })) as Response;
    expect(saved.status).toBe(302);
  }
  const credit = await prisma.farmerCredit.findUniqueOrThrow({
    where: { id: repayCreditId },
    select: { repaidMinor: true, repayments: { select: { amountMinor: true, note: true } } },
  });
  expect(credit).toEqual({
    repaidMinor: 20_000,
    repayments: [{ amountMinor: 20_000, note: "Receipt 17" }],
  });
});
