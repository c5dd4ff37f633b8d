import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { manualProvider } from "~/payments/manual.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives } from "../../tests/payments-fixtures";
import { action, loader } from "./organizations.$slug.payments";

let cookie: string;
let slug: string;
let cooperativeId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await prisma.user.findUniqueOrThrow({
    where: { email: "lead@phsar.test" },
    select: {
      id: true,
      memberships: { select: { organization: { select: { id: true, slug: true } } } },
    },
  });
  slug = lead.memberships[0]!.organization.slug;
  cooperativeId = lead.memberships[0]!.organization.id;
  cookie = (await createSession(lead.id)).split(";")[0]!;
});

const url = () => `http://localhost/organizations/${slug}/payments`;

function post(fields: Record<string, string>) {
  return action({
    request: new Request(url(), {
      method: "POST",
      headers: { Cookie: cookie },
      body: new URLSearchParams(fields),
    }),
    params: { slug },
    context: { clientIp: "192.0.2.60" },
  }) as Promise<Response>;
}

describe("the lead's payments page", () => {
  test("lists payments to record; a wrong amount is refused with a message, the right one recorded", async () => {
    const order = await orderFromTwoCooperatives();
    const buyer = await prisma.user.findUniqueOrThrow({
      where: { email: "buyer@phsar.test" },
      select: {
        id: true,
        isAdmin: true,
        memberships: { select: { organizationId: true, role: true } },
      },
    });
    await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    const page = (await loader({
      request: new Request(url(), { headers: { Cookie: cookie } }),
      params: { slug },
      context: { clientIp: "192.0.2.60" },
    })) as Awaited<ReturnType<typeof loader>>;
    const payment = page.waiting.find((p) => p.orderId === order.id)!;
    const subOrder = order.subOrders.find((s) => s.cooperativeId === cooperativeId)!;
    expect(payment.amountMinor).toBe(subOrder.totalMinor);

    const base = { intent: "received", paymentId: String(payment.id), currency: "KHR" };
    const wrong = await post({ ...base, amount: String(payment.amountMinor + 100) });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).result.error[""]).toEqual(["payments.amountMismatch"]);
    const garbled = await post({ ...base, amount: "lots" });
    expect(garbled.status).toBe(400);
    expect((await garbled.json()).result.error.amount).toEqual(["payments.invalidAmount"]);
    expect((await post({ intent: "refund", paymentId: "1" })).status).toBe(400);

    // Typed the way people write riel, with thousands separators.
    const typed = payment.amountMinor.toLocaleString("en-US");
    const ok = await post({ ...base, amount: typed, reference: "ABA 123" });
    expect(ok.status).toBe(302);
    expect(
      await prisma.payment.findUniqueOrThrow({
        where: { id: payment.id },
        select: { status: true, reference: true },
      }),
    ).toEqual({ status: "SUCCEEDED", reference: "ABA 123" });
    expect(
      (
        await prisma.subOrder.findUniqueOrThrow({
          where: { id: subOrder.id },
          select: { status: true },
        })
      ).status,
    ).toBe("CONFIRMED");
  });

  test("shows how far the cooperative's Stripe account is; onboarding needs Stripe configured", async () => {
    const page = async () =>
      (
        (await loader({
          request: new Request(url(), { headers: { Cookie: cookie } }),
          params: { slug },
          context: { clientIp: "192.0.2.60" },
        })) as Awaited<ReturnType<typeof loader>>
      ).stripe;
    expect(await page()).toEqual({ enabled: false, state: "not-connected", payoutsEnabled: false });
    const onboard = await post({ intent: "onboard" });
    expect(onboard.status).toBe(400);
    expect((await onboard.json()).result.error[""]).toEqual(["payments.stripeNotConfigured"]);
    await prisma.connectedAccount.create({
      data: { cooperativeId, stripeAccountId: "acct_test_page" },
    });
    expect((await page()).state).toBe("incomplete");
    await prisma.connectedAccount.update({
      where: { cooperativeId },
      data: { transfersActive: true },
    });
    expect((await page()).state).toBe("ready");
  });
});
