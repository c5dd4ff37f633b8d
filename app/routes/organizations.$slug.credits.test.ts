import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./organizations.$slug.credits";

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
