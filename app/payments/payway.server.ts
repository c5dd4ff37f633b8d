// ABA PayWay's e-commerce checkout API (developer.payway.com.kh): purchase and check-transaction,
// behind a small driver so the money code never builds a PayWay request itself. Every request is
// signed as PayWay documents: base64(HMAC-SHA512(values concatenated in the documented order,
// the merchant's API key)). Verified only against tests/fake-payway.ts, never against live PayWay
// (its API only answers whitelisted IPs and domains; see docs/decisions/029-payway.md).
import { createHmac } from "node:crypto";
import { z } from "zod";
import { type Currency } from "~/db/generated/enums";
import { DomainError } from "~/validation/errors";

export class PayWayError extends DomainError {
  constructor(
    key: string,
    /** PayWay's own status code, when it answered. */
    public readonly code: string | null = null,
    detail?: string,
  ) {
    super(key);
    // The detail is for the log only; the page shows the key's translation.
    if (detail) this.message = `${key}: ${detail}`;
    this.name = "PayWayError";
  }
}

/** PayWay did not answer in time or the connection broke: the request may or may not have happened. */
export class PayWayUnknownOutcome extends PayWayError {
  constructor(detail?: string) {
    super("payments.paywayUnknownOutcome", null, detail);
    this.name = "PayWayUnknownOutcome";
  }
}

export type PayWayConfig = {
  merchantId: string;
  apiKey: string;
  /** e.g. https://checkout-sandbox.payway.com.kh */
  apiBase: string;
  timeoutMs?: number;
};

export type PaymentOption = "abapay_khqr" | "abapay_khqr_deeplink" | "cards";

export type PurchaseRequest = {
  /** Ours, unique per payment attempt, at most 20 characters of [A-Za-z0-9-]. */
  tranId: string;
  currency: Currency;
  amountMinor: number;
  paymentOption: PaymentOption;
  firstname?: string;
  lastname?: string;
  email?: string;
  phone?: string;
  /** Where PayWay posts the pushback (sent base64-encoded, as documented). */
  returnUrl: string;
  /** Comes back unchanged in the pushback. */
  returnParams?: string;
  /** Minutes the payment may take (PayWay: 3 to 43200). */
  lifetimeMinutes?: number;
};

export type TransactionStatus = {
  tranId: string;
  status: "APPROVED" | "PRE-AUTH" | "PENDING" | "DECLINED" | "REFUNDED" | "CANCELLED";
  currency: Currency;
  /** What the buyer was asked for. */
  originalMinor: number;
  /** What the buyer actually paid (after any discount). */
  paidMinor: number;
  refundedMinor: number;
  apv: string | null;
};

export interface PayWayDriver {
  /** Creates the PayWay transaction; returns PayWay's checkout page (HTML) for the buyer. */
  purchase(request: PurchaseRequest, now?: Date): Promise<{ checkoutHtml: string }>;
  /** Asks PayWay what happened to a transaction: the only source a payment is recorded from. */
  checkTransaction(tranId: string, now?: Date): Promise<TransactionStatus>;
}

/** base64(HMAC-SHA512(concatenated values, api key)). */
export function paywayHash(values: readonly string[], apiKey: string) {
  return createHmac("sha512", apiKey).update(values.join("")).digest("base64");
}

/** UTC YYYYMMDDHHmmss. */
export function paywayReqTime(now: Date) {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** Riel are whole; dollars go as a decimal with two places. Never through floating point. */
export function paywayAmount(currency: Currency, amountMinor: number) {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
    throw new PayWayError("payments.invalidAmount");
  if (currency === "KHR") return String(amountMinor);
  return `${Math.floor(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, "0")}`;
}

/** PayWay's JSON amounts (0.1, 12.5, 4000) back to minor units, exactly. */
export function paywayMinor(currency: Currency, amount: number | string) {
  const text = typeof amount === "number" ? amount.toFixed(currency === "KHR" ? 0 : 2) : amount;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new PayWayError("payments.paywayBadAnswer", null, `amount ${text}`);
  if (currency === "KHR") {
    if (match[2] && Number(match[2]) !== 0)
      throw new PayWayError("payments.paywayBadAnswer", null, `riel with cents ${text}`);
    return Number(match[1]);
  }
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

/** The purchase fields in the order PayWay's hash documents (empty when not sent). */
export const PURCHASE_HASH_ORDER = [
  "req_time",
  "merchant_id",
  "tran_id",
  "amount",
  "items",
  "shipping",
  "firstname",
  "lastname",
  "email",
  "phone",
  "type",
  "payment_option",
  "return_url",
  "cancel_url",
  "continue_success_url",
  "return_deeplink",
  "currency",
  "custom_fields",
  "return_params",
  "payout",
  "lifetime",
] as const;

export const TRAN_ID = /^[A-Za-z0-9-]{1,20}$/;

export function purchaseFields(
  config: Pick<PayWayConfig, "merchantId" | "apiKey">,
  request: PurchaseRequest,
  now: Date,
) {
  if (!TRAN_ID.test(request.tranId)) throw new PayWayError("payments.paywayBadTranId");
  const fields: Record<(typeof PURCHASE_HASH_ORDER)[number], string> = {
    req_time: paywayReqTime(now),
    merchant_id: config.merchantId,
    tran_id: request.tranId,
    amount: paywayAmount(request.currency, request.amountMinor),
    items: "",
    shipping: "",
    firstname: request.firstname ?? "",
    lastname: request.lastname ?? "",
    email: request.email ?? "",
    phone: request.phone ?? "",
    type: "purchase",
    payment_option: request.paymentOption,
    return_url: Buffer.from(request.returnUrl).toString("base64"),
    cancel_url: "",
    continue_success_url: "",
    return_deeplink: "",
    currency: request.currency,
    custom_fields: "",
    return_params: request.returnParams ?? "",
    payout: "",
    lifetime: request.lifetimeMinutes ? String(request.lifetimeMinutes) : "",
  };
  const hash = paywayHash(
    PURCHASE_HASH_ORDER.map((name) => fields[name]),
    config.apiKey,
  );
  return { ...fields, hash };
}

const CheckAnswer = z.object({
  data: z
    .object({
      payment_status_code: z.number().int(),
      total_amount: z.union([z.number(), z.string()]),
      original_amount: z.union([z.number(), z.string()]),
      refund_amount: z.union([z.number(), z.string()]),
      discount_amount: z.union([z.number(), z.string()]).optional(),
      payment_amount: z.union([z.number(), z.string()]),
      payment_currency: z.enum(["USD", "KHR"]),
      apv: z.string().nullable().optional(),
      payment_status: z.enum([
        "APPROVED",
        "PRE-AUTH",
        "PENDING",
        "DECLINED",
        "REFUNDED",
        "CANCELLED",
      ]),
    })
    .nullable()
    .optional(),
  status: z.object({ code: z.string(), message: z.string().optional() }),
});

export function createPayWayDriver(config: PayWayConfig): PayWayDriver {
  const base = config.apiBase.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? 15_000;

  async function send(path: string, init: RequestInit) {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        ...init,
        method: "POST",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new PayWayUnknownOutcome(error instanceof Error ? error.message : String(error));
    }
    if (response.status >= 500)
      throw new PayWayUnknownOutcome(`HTTP ${response.status} from ${path}`);
    return response;
  }

  return {
    async purchase(request, now = new Date()) {
      const form = new FormData();
      for (const [name, value] of Object.entries(purchaseFields(config, request, now)))
        if (value !== "") form.append(name, value);
      const response = await send("/api/payment-gateway/v1/payments/purchase", { body: form });
      const text = await response.text();
      if ((response.headers.get("content-type") ?? "").includes("text/html") && response.ok)
        return { checkoutHtml: text };
      let code: string | null = null;
      try {
        code = String((JSON.parse(text) as { status?: { code?: unknown } }).status?.code ?? "");
      } catch {
        // Not JSON: PayWay's answer is reported as is.
      }
      throw new PayWayError("payments.paywayRefused", code, text.slice(0, 200));
    },

    async checkTransaction(tranId, now = new Date()) {
      if (!TRAN_ID.test(tranId)) throw new PayWayError("payments.paywayBadTranId");
      const reqTime = paywayReqTime(now);
      const body = {
        req_time: reqTime,
        merchant_id: config.merchantId,
        tran_id: tranId,
        hash: paywayHash([reqTime, config.merchantId, tranId], config.apiKey),
      };
      const response = await send("/api/payment-gateway/v1/payments/check-transaction-2", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      let parsed;
      try {
        parsed = CheckAnswer.parse(await response.json());
      } catch (error) {
        throw new PayWayError(
          "payments.paywayBadAnswer",
          null,
          error instanceof Error ? error.message : String(error),
        );
      }
      if (parsed.status.code !== "00" || !parsed.data)
        throw new PayWayError("payments.paywayRefused", parsed.status.code, parsed.status.message);
      const d = parsed.data;
      const currency = d.payment_currency;
      return {
        tranId,
        status: d.payment_status,
        currency,
        originalMinor: paywayMinor(currency, d.original_amount),
        paidMinor: paywayMinor(currency, d.payment_amount),
        refundedMinor: paywayMinor(currency, d.refund_amount),
        apv: d.apv ?? null,
      };
    },
  };
}

/** PayWay's pushback body: { tran_id, apv, status, return_params }. It carries no signature. */
export const PushbackBody = z.object({
  tran_id: z.string().regex(TRAN_ID),
  apv: z.string().optional(),
  status: z.union([z.string(), z.number()]).transform(String),
  return_params: z.string().optional(),
});

/**
 * A pushback only says "look at transaction X": anyone can post one, so what is recorded comes
 * from PayWay's check-transaction answer, and a pushback for a transaction we did not start, or one
 * whose amount or currency differs from ours, is refused.
 */
export async function confirmPushback(
  driver: PayWayDriver,
  body: unknown,
  expected: (tranId: string) => Promise<{ currency: Currency; amountMinor: number } | null>,
) {
  const pushback = PushbackBody.safeParse(body);
  if (!pushback.success) throw new PayWayError("payments.paywayBadPushback");
  const ours = await expected(pushback.data.tran_id);
  if (!ours) throw new PayWayError("payments.paywayUnknownTransaction");
  const status = await driver.checkTransaction(pushback.data.tran_id);
  if (status.currency !== ours.currency || status.originalMinor !== ours.amountMinor)
    throw new PayWayError("payments.paywayMismatch");
  return {
    ...status,
    /** What is still owed when the buyer paid less (a discount or fee taken before us). */
    shortMinor: status.status === "APPROVED" ? ours.amountMinor - status.paidMinor : 0,
  };
}
