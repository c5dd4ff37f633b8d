import { beforeAll, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { grantCreditTerms, payLater } from "~/payments/credit.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives } from "../../tests/payments-fixtures";
import { loader } from "./organizations.$slug.statement";

beforeAll(async () => {
  await seedDemoData(prisma);
});

test("a buyer's statement shows what it owes on credit and when each payment is due", async () => {
  const load = (email: string) =>
    prisma.user.findUniqueOrThrow({
      where: { email },
      select: {
        id: true,
        isAdmin: true,
        memberships: {
          select: { organizationId: true, role: true, organization: { select: { slug: true } } },
        },
      },
    });
  const buyer = await load("purchaser@phsar.test");
  const admin = await load("admin@phsar.test");
  const order = await orderFromTwoCooperatives();
  await grantCreditTerms(
    order.buyerId,
    { currency: "KHR", creditLimitMinor: order.totalMinor * 2, termDays: 7 },
    admin,
  );
  await payLater(order.id, buyer);
  const slug = buyer.memberships[0]!.organization.slug;
  const cookie = (await createSession(buyer.id)).split(";")[0]!;
  const data = (await loader({
    request: new Request(`http://localhost/organizations/${slug}/statement`, {
      headers: { Cookie: cookie },
    }),
    params: { slug },
    context: { clientIp: "192.0.2.70" },
  })) as Awaited<ReturnType<typeof loader>>;
  expect(data.statements.KHR).toMatchObject({
    owesMinor: order.totalMinor,
    creditLimitMinor: order.totalMinor * 2,
    availableMinor: order.totalMinor,
    termDays: 7,
  });
  expect(data.statements.KHR.open).toHaveLength(2);
  expect(data.statements.USD.owesMinor).toBe(0);
});
