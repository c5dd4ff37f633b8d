// PayWay configured against tests/fake-payway.ts: the parsed environment gets the fake's address,
// merchant id and key (as if they were set at boot), so the app picks the payway provider for KHQR
// exactly as it would in production.
import { generateKeyPairSync } from "node:crypto";
import { env } from "~/env.server";
import { paywayProvider } from "~/payments/providers.server";
import { startFakePayWay, type FakePayWay } from "./fake-payway";

export async function configureFakePayWay(): Promise<FakePayWay> {
  const fake = await startFakePayWay();
  env.PAYWAY_MERCHANT_ID = fake.merchantId;
  env.PAYWAY_API_KEY = fake.apiKey;
  env.PAYWAY_API_BASE = fake.url;
  env.PAYWAY_RSA_PUBLIC_KEY = generateKeyPairSync("rsa", { modulusLength: 1024 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString()
    .trim();
  if (!paywayProvider()) throw new Error("PayWay should be configured now");
  return fake;
}

/** The fake's transaction for a payment's tran_id. */
export function transactionOf(fake: FakePayWay, tranId: string | null) {
  const t = tranId ? fake.transactions.get(tranId) : undefined;
  if (!t) throw new Error(`fake PayWay has no transaction ${tranId}`);
  return t;
}
