import { describe, expect, test } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import {
  EnvError,
  parseEnv,
  paymentProviderName,
  paywayConfigured,
  shouldSeedDemoData,
} from "./env.server";

describe("parseEnv", () => {
  test("needs nothing to run the embedded demo", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, EMBEDDED_PG_PORT: 54329, PHSAR_DATA_DIR: ".data" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(shouldSeedDemoData(env)).toBe(true);
  });

  test("treats empty variables as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({
      PORT: 3000,
      DATABASE_URL: undefined,
    });
  });

  test("does not seed demo data into a database you configured, unless asked", () => {
    const url = "postgresql://app:secret@db:5432/phsar";
    expect(shouldSeedDemoData(parseEnv({ DATABASE_URL: url }))).toBe(false);
    expect(shouldSeedDemoData(parseEnv({ DATABASE_URL: url, SEED_DEMO_DATA: "true" }))).toBe(true);
  });

  test("names each bad variable and says what it expects", () => {
    const attempt = () =>
      parseEnv({
        PORT: "eighty",
        DATABASE_URL: "mysql://localhost/phsar",
        SEED_DEMO_DATA: "maybe",
      });
    expect(attempt).toThrow(EnvError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT="eighty": PORT must be a port number');
      expect(message).toContain(
        'DATABASE_URL="mysql://localhost/phsar": DATABASE_URL must be a PostgreSQL URL',
      );
      expect(message).toContain('SEED_DEMO_DATA="maybe"');
    }
  });

  test("PayWay needs its merchant id, keys and address together; Bakong's token must look real", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      type: "spki",
      format: "pem",
    }) as string;
    const payway = {
      PAYWAY_MERCHANT_ID: "ec000002",
      PAYWAY_API_KEY: "0123456789abcdef0123",
      PAYWAY_RSA_PUBLIC_KEY: rsa,
      PAYWAY_API_BASE: "https://checkout-sandbox.payway.com.kh",
    };
    expect(parseEnv(payway)).toMatchObject({ ...payway, PAYWAY_RSA_PUBLIC_KEY: rsa.trim() });
    expect(paywayConfigured(parseEnv(payway))).toBe(true);
    expect(paywayConfigured(parseEnv({}))).toBe(false);
    // One line with \n for the breaks, as many hosting panels store it.
    expect(
      parseEnv({ ...payway, PAYWAY_RSA_PUBLIC_KEY: rsa.trim().replaceAll("\n", "\\n") })
        .PAYWAY_RSA_PUBLIC_KEY,
    ).toBe(rsa.trim());
    expect(() =>
      parseEnv({ ...payway, PAYWAY_RSA_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----" }),
    ).toThrow(/PAYWAY_RSA_PUBLIC_KEY must be PayWay's RSA public key/);
    const { PAYWAY_RSA_PUBLIC_KEY: _rsa, ...withoutRsa } = payway;
    expect(() => parseEnv(withoutRsa)).toThrow(/PAYWAY_RSA_PUBLIC_KEY is required/);
    expect(() => parseEnv({ PAYWAY_MERCHANT_ID: "ec000002" })).toThrow(
      /PAYWAY_API_KEY="": PAYWAY_API_KEY is required when PAYWAY_MERCHANT_ID is set/,
    );
    expect(() => parseEnv({ ...payway, PAYWAY_API_BASE: "ftp://x" })).toThrow(/PAYWAY_API_BASE/);
    expect(() => parseEnv({ ...payway, PAYWAY_MERCHANT_ID: "has space" })).toThrow(
      /PAYWAY_MERCHANT_ID/,
    );
    expect(parseEnv({}).BAKONG_API_BASE).toBe("https://api-bakong.nbc.gov.kh");
    expect(() => parseEnv({ BAKONG_API_TOKEN: "short" })).toThrow(/BAKONG_API_TOKEN/);
  });

  test("Telegram: the token must look like BotFather's, and the webhook secret comes with it", () => {
    const telegram = {
      TELEGRAM_BOT_TOKEN: "123456789:AAEabcdefghijklmnopqrstuvwxyz012345",
      TELEGRAM_WEBHOOK_SECRET: "0123456789abcdef0123",
    };
    expect(parseEnv(telegram)).toMatchObject({
      ...telegram,
      TELEGRAM_API_BASE: "https://api.telegram.org",
    });
    expect(
      parseEnv({ ...telegram, TELEGRAM_API_BASE: "http://127.0.0.1:8081/" }).TELEGRAM_API_BASE,
    ).toBe("http://127.0.0.1:8081");
    expect(() => parseEnv({ TELEGRAM_BOT_TOKEN: telegram.TELEGRAM_BOT_TOKEN })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_BOT_TOKEN is set/,
    );
    expect(() => parseEnv({ ...telegram, TELEGRAM_BOT_TOKEN: "not-a-token" })).toThrow(
      /TELEGRAM_BOT_TOKEN="not-a-token"/,
    );
    expect(() => parseEnv({ ...telegram, TELEGRAM_WEBHOOK_SECRET: "short" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET/,
    );
    expect(() => parseEnv({ ...telegram, TELEGRAM_API_BASE: "ftp://x" })).toThrow(
      /TELEGRAM_API_BASE/,
    );
  });

  test("refuses ports out of range", () => {
    expect(() => parseEnv({ PORT: "70000" })).toThrow(/PORT must be between 1 and 65535/);
  });

  test("payments: manual by default, Stripe when its key is set, and its webhook secret is then required", () => {
    const manual = parseEnv({});
    expect(paymentProviderName(manual)).toBe("manual");
    expect(manual.PLATFORM_FEE_BPS).toBe(0);
    const stripe = parseEnv({
      STRIPE_SECRET_KEY: "sk_test_abc123",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      PLATFORM_FEE_BPS: "250",
    });
    expect(paymentProviderName(stripe)).toBe("stripe");
    expect(stripe.PLATFORM_FEE_BPS).toBe(250);
    expect(() => parseEnv({ STRIPE_SECRET_KEY: "sk_test_abc123" })).toThrow(
      "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set",
    );
    expect(() => parseEnv({ STRIPE_SECRET_KEY: "pk_test_abc" })).toThrow(
      "STRIPE_SECRET_KEY must look like",
    );
    expect(() => parseEnv({ PLATFORM_FEE_BPS: "10001" })).toThrow(
      "PLATFORM_FEE_BPS must be between 0 and 10000",
    );
  });
});

describe("PUBLIC_URL", () => {
  test("is an origin: a trailing slash is dropped, a path, query or other scheme refused", () => {
    expect(parseEnv({ PUBLIC_URL: "https://phsar.example.org/" }).PUBLIC_URL).toBe(
      "https://phsar.example.org",
    );
    expect(parseEnv({ PUBLIC_URL: "http://10.0.0.5:8080" }).PUBLIC_URL).toBe(
      "http://10.0.0.5:8080",
    );
    for (const bad of ["https://phsar.example.org/app", "https://x.org/?a=1", "ftp://x.org", "x"])
      expect(() => parseEnv({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
  });
});

describe("monitoring alert sample", () => {
  test("below-market alerts need 3 sales from 2 cooperatives unless configured, within bounds", () => {
    expect(parseEnv({})).toMatchObject({
      ALERT_MIN_SALES: 3,
      ALERT_MIN_COOPERATIVES: 2,
    });
    expect(parseEnv({ ALERT_MIN_SALES: "5", ALERT_MIN_COOPERATIVES: "1" })).toMatchObject({
      ALERT_MIN_SALES: 5,
      ALERT_MIN_COOPERATIVES: 1,
    });
    expect(() => parseEnv({ ALERT_MIN_SALES: "0" })).toThrow(
      "ALERT_MIN_SALES must be between 1 and 1000",
    );
    expect(() => parseEnv({ ALERT_MIN_COOPERATIVES: "1.5" })).toThrow(
      "ALERT_MIN_COOPERATIVES must be a whole number",
    );
  });
});
