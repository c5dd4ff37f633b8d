// Types for the parts of bakong-khqr 1.0.20 (the National Bank of Cambodia's KHQR SDK, shipped
// without types) that Phsar uses. Signatures read from node_modules/bakong-khqr/src.
declare module "bakong-khqr" {
  export type KhqrResponse<T> = {
    status: { code: 0 | 1; errorCode: number | null; message: string | null };
    data: T | null;
  };
  export type KhqrOptional = {
    currency?: number;
    amount?: number;
    billNumber?: string;
    mobileNumber?: string;
    storeLabel?: string;
    terminalLabel?: string;
    purposeOfTransaction?: string;
    expirationTimestamp?: number;
    merchantCategoryCode?: string;
  };
  export class IndividualInfo {
    constructor(
      bakongAccountID: string,
      merchantName: string,
      merchantCity: string,
      optional?: KhqrOptional,
    );
  }
  export type DecodedKhqr = {
    bakongAccountID: string | null;
    merchantName: string | null;
    merchantCity: string | null;
    billNumber: string | null;
    transactionCurrency: string | null;
    transactionAmount: string | null;
    expirationTimestamp: string | null;
    pointofInitiationMethod: string | null;
    crc: string | null;
  };
  export class BakongKHQR {
    generateIndividual(info: IndividualInfo): KhqrResponse<{ qr: string; md5: string }>;
    static verify(qr: string): { isValid: boolean };
    static decode(qr: string): KhqrResponse<DecodedKhqr>;
  }
  export const khqrData: {
    currency: { usd: number; khr: number };
  };
}
