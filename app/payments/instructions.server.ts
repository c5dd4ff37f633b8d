// What the buyer sees about paying an order: for each cooperative, how to pay (method), how much,
// the reference to quote, and for KHQR a fresh code with its QR image (an SVG made on the server,
// so it shows without JavaScript).
import QRCode from "qrcode";
import { prisma } from "~/db/db.server";
import { env } from "~/env.server";
import { generateKhqr } from "./khqr.server";
import { paymentReference } from "./manual.server";
import { type PayWayState } from "./payway-checkout";
import { paywayProvider } from "./providers.server";
import { PaymentError, type PaymentActor } from "./settlement.server";

/** A QR code as an SVG document, for a string such as a KHQR payload. */
export function qrSvg(text: string) {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** The cooperative's bank account when all of it is known (else the buyer asks the cooperative). */
function bankOf(
  profile: {
    bankName: string | null;
    bankAccountName: string | null;
    bankAccountNumber: string | null;
  } | null,
) {
  if (!profile?.bankName || !profile.bankAccountName || !profile.bankAccountNumber) return null;
  return {
    bankName: profile.bankName,
    bankAccountName: profile.bankAccountName,
    bankAccountNumber: profile.bankAccountNumber,
  };
}

/**
 * The payment of each sub-order of a buyer's order (manual provider), newest state first. A KHQR
 * code is made only for a payment still waiting, for its current amount, valid
 * `KHQR_EXPIRY_MINUTES` from now.
 */
export async function paymentInstructions(orderId: number, buyerId: number, now = new Date()) {
  const payments = await prisma.payment.findMany({
    where: {
      orderId,
      order: { buyerId },
      provider: "MANUAL",
      subOrderId: { not: null },
      status: { in: ["PENDING", "SUCCEEDED", "REFUNDED"] },
    },
    orderBy: { id: "asc" },
    select: {
      id: true,
      subOrderId: true,
      method: true,
      status: true,
      currency: true,
      amountMinor: true,
      refundedMinor: true,
      dueAt: true,
      subOrder: {
        select: {
          cooperative: {
            select: {
              nameEn: true,
              province: { select: { nameEn: true } },
              paymentProfile: {
                select: {
                  bakongAccountId: true,
                  bankName: true,
                  bankAccountName: true,
                  bankAccountNumber: true,
                },
              },
            },
          },
        },
      },
    },
  });
  const expiresAt = new Date(now.getTime() + env.KHQR_EXPIRY_MINUTES * 60_000);
  return Promise.all(
    payments.map(async (payment) => {
      const subOrderId = payment.subOrderId!;
      const reference = paymentReference(orderId, subOrderId);
      const cooperative = payment.subOrder!.cooperative;
      const bakongAccountId = cooperative.paymentProfile?.bakongAccountId;
      let khqr: { qr: string; svg: string; expiresAt: Date } | null = null;
      if (payment.method === "KHQR" && payment.status === "PENDING" && bakongAccountId) {
        const code = generateKhqr(
          {
            bakongAccountId,
            merchantName: cooperative.nameEn,
            merchantCity: cooperative.province.nameEn,
            currency: payment.currency,
            amountMinor: payment.amountMinor,
            billNumber: reference,
            expiresAt,
          },
          now,
        );
        khqr = { qr: code.qr, svg: await qrSvg(code.qr), expiresAt: code.expiresAt };
      }
      return {
        paymentId: payment.id,
        subOrderId,
        method: payment.method,
        status: payment.status,
        currency: payment.currency,
        amountMinor: payment.amountMinor,
        refundedMinor: payment.refundedMinor,
        dueAt: payment.dueAt,
        reference,
        khqr,
        bank: payment.method === "BANK_TRANSFER" ? bankOf(cooperative.paymentProfile) : null,
      };
    }),
  );
}

/** The order's card payment, if it is paid by card: how much, and where it stands. */
export async function cardPaymentOf(orderId: number, buyerId: number) {
  return prisma.payment.findFirst({
    where: { orderId, order: { buyerId }, provider: "STRIPE" },
    orderBy: { id: "desc" },
    select: { status: true, currency: true, amountMinor: true, refundedMinor: true },
  });
}

/**
 * The order's latest ABA PayWay payment and, while it can be paid, PayWay's checkout for it (the
 * provider decides whether it can). Asked for each time the page is shown: PayWay's page is signed
 * with the time of the request. PayWay down leaves the order placed and the buyer a "try again".
 */
export async function paywayCheckoutOf(
  orderId: number,
  buyerId: number,
  user: PaymentActor,
): Promise<PayWayState | null> {
  const payment = await prisma.payment.findFirst({
    where: { orderId, order: { buyerId }, provider: "PAYWAY" },
    orderBy: { id: "desc" },
    select: { status: true, currency: true, amountMinor: true, refundedMinor: true },
  });
  if (!payment) return null;
  const state = { ...payment, checkoutHtml: null, unavailable: false };
  const provider = paywayProvider();
  if (!provider) return state;
  try {
    return { ...state, checkoutHtml: (await provider.checkoutPage(orderId, user)).checkoutHtml };
  } catch (error) {
    // Paid already, or a part no longer waits for the money: nothing to pay, nothing wrong.
    if (error instanceof PaymentError && NOT_PAYABLE.has(error.key)) return state;
    console.warn(`PayWay checkout for order ${orderId} not shown: ${String(error)}`);
    return { ...state, unavailable: true };
  }
}

const NOT_PAYABLE = new Set(["payments.alreadyPaid", "payments.notAwaitingPayment"]);
