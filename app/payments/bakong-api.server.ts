// The National Bank of Cambodia's Bakong open API: was the KHQR with this MD5 paid? (Bakong Open
// API Documentation 1.0.2, "Check Transaction Status by MD5"). Behind a small driver; verified only
// against tests/fake-bakong.ts, never the live API (it answers only IPs in Cambodia).
import { z } from "zod";
import { type Currency } from "~/db/generated/enums";

export class BakongUnknownOutcome extends Error {
  constructor(detail: string) {
    super(`payments.bakongUnknownOutcome: ${detail}`);
    this.name = "BakongUnknownOutcome";
  }
}

export type BakongCheck =
  | { paid: false }
  | {
      paid: true;
      /** Bakong's transaction hash: the receipt reference. */
      hash: string;
      fromAccountId: string;
      toAccountId: string;
      currency: Currency;
      amountMinor: number;
      acknowledgedAt: Date;
    };

export interface BakongDriver {
  checkTransactionByMd5(md5: string): Promise<BakongCheck>;
}

const Answer = z.object({
  responseCode: z.number().int(),
  responseMessage: z.string().optional(),
  errorCode: z.number().int().nullable().optional(),
  data: z
    .object({
      hash: z.string(),
      fromAccountId: z.string(),
      toAccountId: z.string(),
      currency: z.enum(["KHR", "USD"]),
      amount: z.number().nonnegative(),
      acknowledgedDateMs: z.number().int(),
    })
    .nullable()
    .optional(),
});

/** Bakong's amount (riel whole, dollars with cents as a decimal) to minor units, exactly. */
export function bakongMinor(currency: Currency, amount: number) {
  const minor = currency === "KHR" ? amount : Math.round(amount * 100);
  if (
    !Number.isSafeInteger(minor) ||
    Math.abs(minor - (currency === "KHR" ? amount : amount * 100)) > 1e-6
  )
    throw new BakongUnknownOutcome(`amount ${amount} ${currency}`);
  return minor;
}

export function createBakongDriver(config: {
  apiBase: string;
  token: string;
  timeoutMs?: number;
}): BakongDriver {
  const url = `${config.apiBase.replace(/\/+$/, "")}/v1/check_transaction_by_md5`;
  return {
    async checkTransactionByMd5(md5) {
      if (!/^[0-9a-f]{32}$/.test(md5)) throw new Error(`not an MD5: ${md5}`);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
          body: JSON.stringify({ md5 }),
          signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new BakongUnknownOutcome(error instanceof Error ? error.message : String(error));
      }
      if (!response.ok) throw new BakongUnknownOutcome(`HTTP ${response.status}`);
      const parsed = Answer.safeParse(await response.json().catch(() => null));
      if (!parsed.success) throw new BakongUnknownOutcome("unreadable answer");
      const { responseCode, data, errorCode } = parsed.data;
      // errorCode 1: "Transaction could not be found" (not paid yet); anything else is not an answer.
      if (responseCode !== 0 || !data) {
        if (errorCode === 1) return { paid: false };
        throw new BakongUnknownOutcome(`errorCode ${errorCode ?? "none"}`);
      }
      return {
        paid: true,
        hash: data.hash,
        fromAccountId: data.fromAccountId,
        toAccountId: data.toAccountId,
        currency: data.currency,
        amountMinor: bakongMinor(data.currency, data.amount),
        acknowledgedAt: new Date(data.acknowledgedDateMs),
      };
    },
  };
}
