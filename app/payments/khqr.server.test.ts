import { BakongKHQR } from "bakong-khqr";
import { describe, expect, test } from "vitest";
import { generateKhqr } from "./khqr.server";

// The SDK checks the expiry against the real clock, so the tests use it too.
const now = new Date();
const base = {
  bakongAccountId: "kralanh@aclb",
  merchantName: "Kralanh Agricultural Cooperative",
  merchantCity: "Siem Reap",
  billNumber: "PH-42-7",
  expiresAt: new Date(now.getTime() + 60 * 60_000),
};

describe("dynamic KHQR for a sub-order", () => {
  test("a riel code verifies and decodes, with the amount, bill number, account and expiry", () => {
    const { qr } = generateKhqr({ ...base, currency: "KHR", amountMinor: 125_000 }, now);
    expect(BakongKHQR.verify(qr).isValid).toBe(true);
    const decoded = BakongKHQR.decode(qr).data!;
    expect(decoded.transactionAmount).toBe("125000");
    expect(decoded.transactionCurrency).toBe("116");
    expect(decoded.billNumber).toBe("PH-42-7");
    expect(decoded.bakongAccountID).toBe("kralanh@aclb");
    expect(decoded.merchantName).toBe("Kralanh Agricultural Coop"); // 25 characters, the KHQR limit
    expect(decoded.expirationTimestamp).toBe(String(base.expiresAt.getTime()));
    expect(decoded.pointofInitiationMethod).toBe("12"); // dynamic: amount fixed, single use
  });

  test("a dollar code carries cents as a decimal amount", () => {
    const { qr } = generateKhqr({ ...base, currency: "USD", amountMinor: 1_250 }, now);
    expect(BakongKHQR.verify(qr).isValid).toBe(true);
    const decoded = BakongKHQR.decode(qr).data!;
    expect(decoded.transactionAmount).toBe("12.50");
    expect(decoded.transactionCurrency).toBe("840");
  });

  test("a tampered code does not verify", () => {
    const { qr } = generateKhqr({ ...base, currency: "KHR", amountMinor: 125_000 }, now);
    const tampered = qr.replace("125000", "125900");
    expect(tampered).not.toBe(qr);
    expect(BakongKHQR.verify(tampered).isValid).toBe(false);
  });

  test("no amount, or an expiry in the past, is refused", () => {
    expect(() => generateKhqr({ ...base, currency: "KHR", amountMinor: 0 }, now)).toThrow(
      "payments.invalidAmount",
    );
    expect(() =>
      generateKhqr({ ...base, currency: "KHR", amountMinor: 10, expiresAt: now }, now),
    ).toThrow("payments.khqrExpired");
  });
});
