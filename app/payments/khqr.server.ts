// Dynamic KHQR codes (Cambodia's national QR payment standard) for one cooperative's sub-order,
// made by the National Bank of Cambodia's own SDK, never by hand.
import { BakongKHQR, IndividualInfo, khqrData } from "bakong-khqr";
import { type Currency } from "~/db/generated/enums";
import { DomainError } from "~/validation/errors";

export class KhqrError extends DomainError {
  constructor(key: string, detail?: string) {
    super(key);
    // The detail is for the log only; the page shows the key's translation.
    if (detail) this.message = `${key}: ${detail}`;
    this.name = "KhqrError";
  }
}

export type KhqrRequest = {
  /** The cooperative's Bakong account, e.g. "kralanh@aclb". */
  bakongAccountId: string;
  merchantName: string;
  merchantCity: string;
  currency: Currency;
  amountMinor: number;
  /** Our reference for the payment, shown in the buyer's banking app, e.g. "PH-42-7". */
  billNumber: string;
  expiresAt: Date;
};

// EMVCo limits: merchant name 25 characters, city 15, bill number 25.
const clip = (text: string, length: number) => [...text].slice(0, length).join("");

/** Riel are whole; US dollars have cents, which KHQR writes as a decimal amount. */
export function khqrAmount(currency: Currency, amountMinor: number) {
  return currency === "KHR" ? amountMinor : amountMinor / 100;
}

export function generateKhqr(request: KhqrRequest, now = new Date()) {
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0)
    throw new KhqrError("payments.invalidAmount");
  if (request.expiresAt <= now) throw new KhqrError("payments.khqrExpired");
  const info = new IndividualInfo(
    request.bakongAccountId,
    clip(request.merchantName, 25),
    clip(request.merchantCity, 15),
    {
      currency: request.currency === "KHR" ? khqrData.currency.khr : khqrData.currency.usd,
      amount: khqrAmount(request.currency, request.amountMinor),
      billNumber: clip(request.billNumber, 25),
      expirationTimestamp: request.expiresAt.getTime(),
    },
  );
  const response = new BakongKHQR().generateIndividual(info);
  if (response.status.code !== 0 || !response.data)
    throw new KhqrError("payments.khqrRefused", response.status.message ?? undefined);
  return { qr: response.data.qr, md5: response.data.md5, expiresAt: request.expiresAt };
}
