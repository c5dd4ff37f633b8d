// A cooperative's bank account: entered by its lead on the Payments page, shown to buyers who pay by
// bank transfer on their order page, and on the cooperative's own page instead of "coming next".
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { orderFromTwoCooperatives, paymentActor as actor } from "../../tests/payments-fixtures";
import { action as paymentsAction } from "./organizations.$slug.payments";
import { loader as organizationLoader } from "./organizations.$slug._index";
import { payoutDetails, setBankAccount } from "~/payments/bank.server";
import { paymentInstructions } from "~/payments/instructions.server";
import { manualProvider } from "~/payments/manual.server";
import { PaymentError, type PaymentActor } from "~/payments/settlement.server";

let lead: PaymentActor;
let clerk: PaymentActor;
let buyer: PaymentActor;
let cookie: string;
let slug: string;
let cooperativeId: number;
const context = { clientIp: "192.0.2.61" };

beforeAll(async () => {
  await seedDemoData(prisma);
  lead = await actor("lead@phsar.test");
  clerk = await actor("clerk@phsar.test");
  buyer = await actor("buyer@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  slug = (
    await prisma.organization.findUniqueOrThrow({
      where: { id: cooperativeId },
      select: { slug: true },
    })
  ).slug;
  cookie = (await createSession(lead.id)).split(";")[0]!;
});

const post = (fields: Record<string, string>) =>
  paymentsAction({
    request: new Request(`http://localhost/organizations/${slug}/payments`, {
      method: "POST",
      headers: { Cookie: cookie },
      body: new URLSearchParams(fields),
    }),
    params: { slug },
    context,
  }) as Promise<Response>;

describe("the cooperative's bank account", () => {
  test("half an account or a bad number is refused beside the fields, and nothing is stored", async () => {
    const partial = await post({ intent: "bank", bankName: "ACLEDA Bank" });
    expect(partial.status).toBe(400);
    const { result } = (await partial.json()) as { result: { error: Record<string, string[]> } };
    expect(result.error).toMatchObject({
      bankAccountName: ["payments.bankAllThree"],
      bankAccountNumber: ["payments.bankAllThree"],
    });
    const badNumber = await post({
      intent: "bank",
      bankName: "ACLEDA Bank",
      bankAccountName: "Kralanh Agricultural Cooperative",
      bankAccountNumber: "12ab",
    });
    expect(badNumber.status).toBe(400);
    expect((await payoutDetails(cooperativeId)).bank).toBeNull();
  });

  test("the lead saves it (audited), buyers paying by transfer see it, and the page shows it", async () => {
    const saved = await post({
      intent: "bank",
      bankName: "ACLEDA Bank",
      bankAccountName: "Kralanh Agricultural Cooperative",
      bankAccountNumber: "0001-2345-6789-10",
    });
    expect(saved.status).toBe(302);
    expect((await payoutDetails(cooperativeId)).bank).toEqual({
      bankName: "ACLEDA Bank",
      bankAccountName: "Kralanh Agricultural Cooperative",
      bankAccountNumber: "0001-2345-6789-10",
    });
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { action: "payment.bank_account_set", organizationId: cooperativeId },
      select: { details: true, actorUserId: true },
    });
    expect(audit).toEqual({
      actorUserId: lead.id,
      details: { bankName: "ACLEDA Bank", accountEnding: "8910" },
    });

    const order = await orderFromTwoCooperatives();
    await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer);
    const instructions = await paymentInstructions(order.id, order.buyerId);
    const ours = instructions.find(
      (i) => order.subOrders.find((s) => s.id === i.subOrderId)!.cooperativeId === cooperativeId,
    );
    const other = instructions.find((i) => i !== ours);
    expect(ours?.bank).toMatchObject({ bankAccountNumber: "0001-2345-6789-10" });
    // The other cooperative has not entered one: the buyer is told to ask it.
    expect(other?.bank).toBeNull();

    const page = (await organizationLoader({
      request: new Request(`http://localhost/organizations/${slug}`, {
        headers: { Cookie: cookie },
      }),
      params: { slug },
      context,
    })) as Awaited<ReturnType<typeof organizationLoader>>;
    expect(page.payout?.bank?.bankName).toBe("ACLEDA Bank");
  });

  test("a clerk may not change it; the lead removes it with three empty fields", async () => {
    await expect(setBankAccount(cooperativeId, null, clerk)).rejects.toThrow(
      new PaymentError("payments.forbidden"),
    );
    const removed = await post({ intent: "bank" });
    expect(removed.status).toBe(302);
    expect((await payoutDetails(cooperativeId)).bank).toBeNull();
    expect(
      await prisma.auditEvent.count({
        where: { action: "payment.bank_account_removed", organizationId: cooperativeId },
      }),
    ).toBe(1);
  });
});
