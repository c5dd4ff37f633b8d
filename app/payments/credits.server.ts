// Input credits: seed, fertiliser or chicks a cooperative advances to a member, repaid from the
// member's share of sales (app/payments/members.server.ts). The lead and clerks record them; only
// the lead cancels one entered by mistake, and only before any of it was repaid.
import { recordAudit } from "~/audit/audit.server";
import { type Actor, can } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { type Currency } from "~/db/generated/enums";
import { dateColumn, type IsoDate } from "~/calendar/dates";
import { PaymentError } from "./settlement.server";

export type CreditActor = Actor & { id: number };

export type CreditInput = {
  farmerId: number;
  currency: Currency;
  amountMinor: number;
  issuedOn: IsoDate;
  dueOn?: IsoDate;
  purpose: string;
};

/** Largest credit a form may record: 100 million riel or 100,000 dollars (a typing mistake beyond). */
const MAX_CREDIT_MINOR: Record<Currency, number> = { KHR: 100_000_000, USD: 10_000_000 };

export async function recordCredit(
  cooperativeId: number,
  input: CreditInput,
  actor: CreditActor,
  ipAddress?: string,
) {
  if (!can(actor, "record:credits:own", cooperativeId))
    throw new PaymentError("payments.forbidden");
  if (
    !Number.isSafeInteger(input.amountMinor) ||
    input.amountMinor <= 0 ||
    input.amountMinor > MAX_CREDIT_MINOR[input.currency]
  )
    throw new PaymentError("credits.amountInvalid");
  return prisma.$transaction(async (tx) => {
    // The member must be this cooperative's: ownership is part of the query.
    const farmer = await tx.farmer.findFirst({
      where: { id: input.farmerId, cooperativeId },
      select: { id: true },
    });
    if (!farmer) throw new PaymentError("credits.notAMember");
    const credit = await tx.farmerCredit.create({
      data: {
        cooperativeId,
        farmerId: farmer.id,
        currency: input.currency,
        amountMinor: input.amountMinor,
        note: input.purpose,
        issuedOn: dateColumn(input.issuedOn),
        dueOn: input.dueOn ? dateColumn(input.dueOn) : null,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "credit.recorded",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "FarmerCredit",
        targetId: credit.id,
        details: {
          farmerId: farmer.id,
          amountMinor: input.amountMinor,
          currency: input.currency,
          purpose: input.purpose,
        },
        ipAddress,
      },
      tx,
    );
    return credit.id;
  });
}

/**
 * Cancels a credit entered by mistake. The row is changed only while nothing of it was repaid and
 * it is not cancelled yet, in one conditional update: an allocation repaying it holds the row's
 * lock, so the cancel waits and then finds it repaid.
 */
export async function cancelCredit(
  cooperativeId: number,
  creditId: number,
  actor: CreditActor,
  ipAddress?: string,
) {
  if (!can(actor, "cancel:credits:own", cooperativeId))
    throw new PaymentError("payments.forbidden");
  await prisma.$transaction(async (tx) => {
    const cancelled = await tx.$executeRaw`
      UPDATE "FarmerCredit" SET "cancelledAt" = now()
       WHERE "id" = ${creditId} AND "cooperativeId" = ${cooperativeId}
         AND "cancelledAt" IS NULL AND "repaidMinor" = 0`;
    if (cancelled === 0) {
      const credit = await tx.farmerCredit.findFirst({
        where: { id: creditId, cooperativeId },
        select: { cancelledAt: true },
      });
      if (!credit) throw new PaymentError("credits.notFound");
      if (credit.cancelledAt) return; // already cancelled: nothing more to do or audit
      throw new PaymentError("credits.alreadyRepaid");
    }
    await recordAudit(
      {
        action: "credit.cancelled",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "FarmerCredit",
        targetId: creditId,
        ipAddress,
      },
      tx,
    );
  });
}

/** The cooperative's credits, newest first, with what is still owed, and its members to choose. */
export async function cooperativeCredits(cooperativeId: number, actor: CreditActor) {
  if (!can(actor, "record:credits:own", cooperativeId))
    throw new PaymentError("payments.forbidden");
  const [credits, members] = await Promise.all([
    prisma.farmerCredit.findMany({
      where: { cooperativeId },
      orderBy: [{ issuedOn: "desc" }, { id: "desc" }],
      take: 500,
      select: {
        id: true,
        currency: true,
        amountMinor: true,
        repaidMinor: true,
        note: true,
        issuedOn: true,
        dueOn: true,
        cancelledAt: true,
        farmer: { select: { id: true, name: true, village: true } },
      },
    }),
    prisma.farmer.findMany({
      where: { cooperativeId },
      select: { id: true, name: true, village: true },
      orderBy: [{ village: "asc" }, { name: "asc" }],
    }),
  ]);
  return {
    credits: credits.map((c) => ({ ...c, outstandingMinor: c.amountMinor - c.repaidMinor })),
    members,
  };
}

export type CreditRepaymentInput = {
  /** Must be the credit's: the form shows the amount in it. */
  currency: Currency;
  amountMinor: number;
  repaidOn: IsoDate;
  note?: string;
  /** The form's own key (a UUID put in the form when it was shown): a resubmit names the same fact. */
  formKey: string;
};

const FORM_KEY = /^[A-Za-z0-9-]{8,64}$/;

export const creditRepaymentKey = (creditId: number, formKey: string) =>
  `credit:${creditId}:repaid:${formKey}`;

/**
 * Records cash a member handed back against a credit. The credit's row is locked before what is
 * still owed is read, the same lock an allocation's deduction takes (members.server.ts), so the two
 * together never repay more than the credit. A repeated form key returns the repayment already
 * recorded; the same key with another amount is refused.
 */
export async function recordCreditRepayment(
  cooperativeId: number,
  creditId: number,
  input: CreditRepaymentInput,
  actor: CreditActor,
  ipAddress?: string,
) {
  if (!can(actor, "repay:credits:own", cooperativeId)) throw new PaymentError("payments.forbidden");
  if (!FORM_KEY.test(input.formKey)) throw new PaymentError("credits.badFormKey");
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0)
    throw new PaymentError("credits.repaymentInvalid");
  const note = (input.note ?? "").trim();
  if (note.length > 200) throw new PaymentError("credits.noteTooLong");
  const idempotencyKey = creditRepaymentKey(creditId, input.formKey);
  return prisma.$transaction(async (tx) => {
    const [credit] = await tx.$queryRaw<
      { amountMinor: number; repaidMinor: number; cancelledAt: Date | null; currency: Currency }[]
    >`SELECT "amountMinor", "repaidMinor", "cancelledAt", "currency" FROM "FarmerCredit"
       WHERE "id" = ${creditId} AND "cooperativeId" = ${cooperativeId} FOR UPDATE`;
    if (!credit) throw new PaymentError("credits.notFound");
    const existing = await tx.farmerCreditRepayment.findUnique({
      where: { idempotencyKey },
      select: { id: true, amountMinor: true },
    });
    if (existing) {
      if (existing.amountMinor !== input.amountMinor)
        throw new PaymentError("payments.idempotencyConflict");
      return { created: false, repaymentId: existing.id };
    }
    if (credit.cancelledAt) throw new PaymentError("credits.isCancelled");
    if (credit.currency !== input.currency) throw new PaymentError("credits.otherCurrency");
    if (input.amountMinor > credit.amountMinor - credit.repaidMinor)
      throw new PaymentError("credits.moreThanOwed");
    const repayment = await tx.farmerCreditRepayment.create({
      data: {
        creditId,
        amountMinor: input.amountMinor,
        repaidOn: dateColumn(input.repaidOn),
        note,
        idempotencyKey,
        recordedById: actor.id,
      },
      select: { id: true },
    });
    await tx.farmerCredit.update({
      where: { id: creditId },
      data: { repaidMinor: { increment: input.amountMinor } },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "credit.repaid",
        actorUserId: actor.id,
        organizationId: cooperativeId,
        targetType: "FarmerCredit",
        targetId: creditId,
        details: {
          repaymentId: repayment.id,
          amountMinor: input.amountMinor,
          currency: credit.currency,
          repaidOn: input.repaidOn,
          note,
        },
        ipAddress,
      },
      tx,
    );
    return { created: true, repaymentId: repayment.id };
  });
}
