// A cooperative's own Bakong account, which its KHQR codes pay into.
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { generateKhqr, KhqrError } from "./khqr.server";
import { assertCan, PaymentError, type PaymentActor } from "./settlement.server";

/**
 * Sets (or, with null, removes) the cooperative's Bakong account. The account is first put through
 * the central bank's own SDK with a sample code, so one the SDK refuses is never stored only to fail
 * at a buyer's checkout.
 */
export async function setBakongAccount(
  cooperativeId: number,
  bakongAccountId: string | null,
  actor: PaymentActor,
  now = new Date(),
) {
  assertCan(actor, "manage:payments:own", cooperativeId);
  const cooperative = await prisma.organization.findUniqueOrThrow({
    where: { id: cooperativeId },
    select: { kind: true, nameEn: true, province: { select: { nameEn: true } } },
  });
  if (cooperative.kind !== "COOPERATIVE") throw new PaymentError("payments.notACooperative");
  if (bakongAccountId !== null) {
    try {
      generateKhqr(
        {
          bakongAccountId,
          merchantName: cooperative.nameEn,
          merchantCity: cooperative.province.nameEn,
          currency: "KHR",
          amountMinor: 1_000,
          billNumber: "PH-CHECK",
          expiresAt: new Date(now.getTime() + 60_000),
        },
        now,
      );
    } catch (error) {
      if (error instanceof KhqrError) throw new PaymentError("payments.bakongAccountRefused");
      throw error;
    }
  }
  await prisma.$transaction(async (tx) => {
    await tx.paymentProfile.upsert({
      where: { organizationId: cooperativeId },
      create: { organizationId: cooperativeId, bakongAccountId },
      update: { bakongAccountId },
    });
    await recordAudit(
      {
        action: "payment.bakong_account_set",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        details: { bakongAccountId },
      },
      tx,
    );
  });
}
