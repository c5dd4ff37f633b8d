// A cooperative's bank account, shown to buyers who pay it by bank transfer, and the payout details
// its own page shows (bank account and Bakong account).
import { recordAudit } from "~/audit/audit.server";
import { prisma } from "~/db/db.server";
import { type BankAccount } from "./money-details";
import { assertCan, PaymentError, type PaymentActor } from "./settlement.server";

/** Sets (or, with null, removes) the cooperative's bank account. Lead or admin. */
export async function setBankAccount(
  cooperativeId: number,
  account: BankAccount | null,
  actor: PaymentActor,
  ipAddress?: string,
) {
  assertCan(actor, "manage:payments:own", cooperativeId);
  const cooperative = await prisma.organization.findUnique({
    where: { id: cooperativeId },
    select: { kind: true },
  });
  if (cooperative?.kind !== "COOPERATIVE") throw new PaymentError("payments.notACooperative");
  const fields = {
    bankName: account?.bankName ?? null,
    bankAccountName: account?.bankAccountName ?? null,
    bankAccountNumber: account?.bankAccountNumber ?? null,
  };
  await prisma.$transaction(async (tx) => {
    await tx.paymentProfile.upsert({
      where: { organizationId: cooperativeId },
      create: { organizationId: cooperativeId, ...fields },
      update: fields,
      select: { organizationId: true },
    });
    await recordAudit(
      {
        action: account ? "payment.bank_account_set" : "payment.bank_account_removed",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "PaymentProfile",
        targetId: cooperativeId,
        // The bank and the last digits say which account without copying it whole into the log.
        details: account
          ? {
              bankName: account.bankName,
              accountEnding: account.bankAccountNumber.replace(/\D/g, "").slice(-4),
            }
          : {},
        ipAddress,
      },
      tx,
    );
  });
}

/** What the cooperative's page shows about how money reaches it. */
export async function payoutDetails(organizationId: number) {
  const profile = await prisma.paymentProfile.findUnique({
    where: { organizationId },
    select: {
      bankName: true,
      bankAccountName: true,
      bankAccountNumber: true,
      bakongAccountId: true,
    },
  });
  return {
    bank:
      profile?.bankName && profile.bankAccountName && profile.bankAccountNumber
        ? {
            bankName: profile.bankName,
            bankAccountName: profile.bankAccountName,
            bankAccountNumber: profile.bankAccountNumber,
          }
        : null,
    bakongAccountId: profile?.bakongAccountId ?? null,
  };
}
