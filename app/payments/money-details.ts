// The forms for a cooperative's bank account and its members' input credits. Pure, shared by the
// browser (constraints) and the server (parsing).
import { z } from "zod";
import { dbId, isoDate, nameText, plainText } from "~/validation/schemas";

/** Digits, optionally grouped by spaces or dashes as banks print them: 5 to 34 digits. */
export const BANK_ACCOUNT_NUMBER = /^\d(?:[ -]?\d){4,33}$/;

export const bankAccountSchema = z
  .object({
    intent: z.literal("bank"),
    bankName: plainText({ max: 80 }).optional(),
    bankAccountName: plainText({ max: 120 }).optional(),
    bankAccountNumber: z
      .string()
      .trim()
      .refine((value) => BANK_ACCOUNT_NUMBER.test(value), "payments.bankAccountNumberInvalid")
      .optional(),
  })
  .superRefine((value, ctx) => {
    // All three or none (none removes the account; buyers then get no bank details).
    const given = [value.bankName, value.bankAccountName, value.bankAccountNumber].filter(Boolean);
    if (given.length === 0 || given.length === 3) return;
    for (const field of ["bankName", "bankAccountName", "bankAccountNumber"] as const)
      if (!value[field])
        ctx.addIssue({ code: "custom", path: [field], message: "payments.bankAllThree" });
  });

export type BankAccount = { bankName: string; bankAccountName: string; bankAccountNumber: string };

export const creditSchema = z
  .object({
    intent: z.literal("record"),
    farmerId: dbId,
    currency: z.enum(["KHR", "USD"]),
    amount: z.string({ error: "validation.required" }).trim().min(1, "validation.required"),
    issuedOn: isoDate("credits.dateInvalid"),
    dueOn: isoDate("credits.dateInvalid").optional(),
    purpose: nameText(200),
  })
  .refine((value) => !value.dueOn || value.dueOn >= value.issuedOn, {
    path: ["dueOn"],
    message: "credits.dueBeforeIssued",
  });

export const cancelCreditSchema = z.object({ intent: z.literal("cancel"), creditId: dbId });

/** Cash a member hands back against a credit; `formKey` is the UUID the page put in the form. */
export const repayCreditSchema = z.object({
  intent: z.literal("repay"),
  creditId: dbId,
  /** The credit's, put in the form: the amount is read in it, and the module checks it. */
  currency: z.enum(["KHR", "USD"]),
  amount: z.string({ error: "validation.required" }).trim().min(1, "validation.required"),
  repaidOn: isoDate("credits.dateInvalid"),
  note: plainText({ max: 200 }).optional(),
  formKey: z.uuid("credits.badFormKey"),
});
