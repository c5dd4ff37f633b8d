import { createPublicKey } from "node:crypto";
import { z } from "zod";

// Unset and empty mean the same thing for environment variables.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("production"),
  PORT: optional(port("PORT")).default(3000),
  HOST: optional(z.string()).default("0.0.0.0"),
  DATABASE_URL: optional(
    z.url({
      protocol: /^postgres(ql)?$/,
      error:
        "DATABASE_URL must be a PostgreSQL URL like postgresql://user:password@host:5432/phsar",
    }),
  ),
  /**
   * The address people reach Phsar at (`https://phsar.example.org`): every link in a message (password
   * reset, invitation) is built from it, never from a request's Host header. Unset: http://localhost:<PORT>.
   */
  PUBLIC_URL: optional(
    z
      .url({
        protocol: /^https?$/,
        error: "PUBLIC_URL must be an http(s) URL like https://phsar.example.org",
      })
      .refine((value) => {
        // Runs even when the URL check above failed (zod 4 checks do not abort).
        if (!URL.canParse(value)) return true;
        const url = new URL(value);
        return (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
      }, "PUBLIC_URL must be an origin only (scheme, host and port), with no path or query")
      .transform((value) => new URL(value).origin),
  ),
  PHSAR_DATA_DIR: optional(z.string()).default(".data"),
  /** A folder where every message sent outside the app is also written as a JSON file. */
  NOTIFIER_DIR: optional(z.string()),
  // Messages (docs/decisions/026-outbox.md).
  /**
   * Where email goes: smtp(s)://user:password@host:port. Unset: `npm start` runs a local SMTP catcher
   * on 127.0.0.1:SMTP_CATCHER_PORT that keeps nothing (the admin outbox shows each message).
   */
  SMTP_URL: optional(
    z.url({
      protocol: /^smtps?$/,
      error: "SMTP_URL must be an SMTP URL like smtp://user:password@smtp.example.org:587",
    }),
  ),
  /** The From address of email. */
  SMTP_FROM: optional(z.string()).default("Phsar <no-reply@phsar.localhost>"),
  /** Unset: a free port chosen at start, so several instances (and test servers) on one host never collide. */
  SMTP_CATCHER_PORT: optional(port("SMTP_CATCHER_PORT")),
  /** Delivery attempts before a message is a dead letter. */
  OUTBOX_MAX_ATTEMPTS: optional(
    z.coerce
      .number({ error: "OUTBOX_MAX_ATTEMPTS must be a number" })
      .int("OUTBOX_MAX_ATTEMPTS must be a whole number")
      .min(1, "OUTBOX_MAX_ATTEMPTS must be between 1 and 20")
      .max(20, "OUTBOX_MAX_ATTEMPTS must be between 1 and 20"),
  ).default(5),
  /**
   * How long a starting instance waits for another one to finish preparing the database before it
   * gives up with one line (docs/decisions/032-concurrent-start.md); its supervisor restarts it.
   */
  STARTUP_LOCK_WAIT_SECONDS: optional(
    z.coerce
      .number({ error: "STARTUP_LOCK_WAIT_SECONDS must be a number" })
      .int("STARTUP_LOCK_WAIT_SECONDS must be a whole number")
      .min(1, "STARTUP_LOCK_WAIT_SECONDS must be between 1 and 86400")
      .max(86_400, "STARTUP_LOCK_WAIT_SECONDS must be between 1 and 86400"),
  ).default(900),
  // Telegram (docs/decisions/036-telegram.md). Unset token: no Telegram channel, no linking.
  /** The bot's token from @BotFather, `123456789:AA…`. */
  TELEGRAM_BOT_TOKEN: optional(
    z
      .string()
      .regex(
        /^\d{5,}:[\w-]{30,}$/,
        "TELEGRAM_BOT_TOKEN must be the token @BotFather issued, like 123456789:AAE…",
      ),
  ),
  /** Where the Bot API is; unset: Telegram itself. A local Bot API server or a test fake otherwise. */
  TELEGRAM_API_BASE: optional(
    z
      .url({
        protocol: /^https?$/,
        error: "TELEGRAM_API_BASE must be an http(s) URL like https://api.telegram.org",
      })
      .transform((value) => value.replace(/\/+$/, "")),
  ).default("https://api.telegram.org"),
  /**
   * The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with each update to
   * /telegram/webhook (set it with setWebhook's secret_token).
   */
  TELEGRAM_WEBHOOK_SECRET: optional(
    z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{16,256}$/,
        "TELEGRAM_WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or - (e.g. openssl rand -hex 24)",
      ),
  ),
  EMBEDDED_PG_PORT: optional(port("EMBEDDED_PG_PORT")).default(54329),
  SEED_DEMO_DATA: optional(booleanFlag),
  /** Cookies carry the Secure flag unless this is false (only for plain-HTTP access from other machines). */
  SECURE_COOKIES: optional(booleanFlag),
  /** True behind a reverse proxy (nginx, a load balancer): trust X-Forwarded-For for the client address. */
  TRUST_PROXY: optional(booleanFlag),
  /** Hours a buyer has to pay an order that needs payment first (bank transfer, KHQR, card). */
  ORDER_PAYMENT_HOURS: optional(
    z.coerce
      .number({ error: "ORDER_PAYMENT_HOURS must be a number of hours" })
      .int("ORDER_PAYMENT_HOURS must be a whole number")
      .min(1, "ORDER_PAYMENT_HOURS must be between 1 and 720")
      .max(720, "ORDER_PAYMENT_HOURS must be between 1 and 720"),
  ).default(24),
  /** Days after the delivery date when a packed order the buyer has not confirmed counts as delivered. */
  DELIVERY_AUTO_CONFIRM_DAYS: optional(
    z.coerce
      .number({ error: "DELIVERY_AUTO_CONFIRM_DAYS must be a number of days" })
      .int("DELIVERY_AUTO_CONFIRM_DAYS must be a whole number")
      .min(1, "DELIVERY_AUTO_CONFIRM_DAYS must be between 1 and 60")
      .max(60, "DELIVERY_AUTO_CONFIRM_DAYS must be between 1 and 60"),
  ).default(3),
  // Below-market alerts need a sample (docs/decisions/033-weighted-price-figures.md).
  /** Delivered order lines a weighted price needs before it can raise a below-market alert. */
  ALERT_MIN_SALES: optional(
    z.coerce
      .number({ error: "ALERT_MIN_SALES must be a number of sales" })
      .int("ALERT_MIN_SALES must be a whole number")
      .min(1, "ALERT_MIN_SALES must be between 1 and 1000")
      .max(1000, "ALERT_MIN_SALES must be between 1 and 1000"),
  ).default(3),
  /** Cooperatives whose sales a weighted price needs before it can raise a below-market alert. */
  ALERT_MIN_COOPERATIVES: optional(
    z.coerce
      .number({ error: "ALERT_MIN_COOPERATIVES must be a number of cooperatives" })
      .int("ALERT_MIN_COOPERATIVES must be a whole number")
      .min(1, "ALERT_MIN_COOPERATIVES must be between 1 and 100")
      .max(100, "ALERT_MIN_COOPERATIVES must be between 1 and 100"),
  ).default(2),
  /** Search with Meilisearch at this URL (e.g. http://127.0.0.1:7700); unset: search in PostgreSQL. */
  MEILISEARCH_HOST: optional(
    z.url({
      protocol: /^https?$/,
      error: "MEILISEARCH_HOST must be an http(s) URL like http://127.0.0.1:7700",
    }),
  ),
  /** Meilisearch API key (its master key, or a key allowed to manage the index). */
  MEILISEARCH_API_KEY: optional(z.string()),
  /** Name of the Meilisearch index (settings changes build `<name>_new` and swap it in). */
  MEILISEARCH_INDEX: optional(
    z.string().regex(/^[a-zA-Z0-9_-]+$/, "MEILISEARCH_INDEX may hold letters, digits, - and _"),
  ).default("listings"),

  // Payments (docs/decisions/008-payments.md). Without STRIPE_SECRET_KEY the manual provider is used.
  STRIPE_SECRET_KEY: optional(
    z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_\w+$/,
        "STRIPE_SECRET_KEY must look like sk_test_… or sk_live_…",
      ),
  ),
  /**
   * Where the Stripe SDK sends its requests; unset means Stripe itself (https://api.stripe.com).
   * For a Stripe-compatible test server such as stripe-mock, e.g. http://127.0.0.1:12111.
   */
  STRIPE_API_BASE: optional(
    z.url({
      protocol: /^https?$/,
      error: "STRIPE_API_BASE must be an http(s) URL like http://127.0.0.1:12111",
    }),
  ),
  /** Signing secret of the platform webhook endpoint (/webhooks/stripe). */
  STRIPE_WEBHOOK_SECRET: optional(
    z.string().startsWith("whsec_", "STRIPE_WEBHOOK_SECRET must start with whsec_"),
  ),
  /** Signing secret of the Connect webhook endpoint (/webhooks/stripe-connect). */
  STRIPE_CONNECT_WEBHOOK_SECRET: optional(
    z.string().startsWith("whsec_", "STRIPE_CONNECT_WEBHOOK_SECRET must start with whsec_"),
  ),
  /** The service fee, in basis points (250 = 2.5%), for cooperatives whose union has not set its own. */
  PLATFORM_FEE_BPS: optional(
    z.coerce
      .number({ error: "PLATFORM_FEE_BPS must be a number of basis points" })
      .int("PLATFORM_FEE_BPS must be a whole number of basis points")
      .min(0, "PLATFORM_FEE_BPS must be between 0 and 10000")
      .max(10_000, "PLATFORM_FEE_BPS must be between 0 and 10000"),
  ).default(0),
  // Operations (docs/decisions/013-operations.md).
  /** Bearer token for GET /metrics; unset turns /metrics off. */
  METRICS_TOKEN: optional(
    z
      .string()
      .min(16, "METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)")
      .regex(/^[\x21-\x7e]+$/, "METRICS_TOKEN may hold printable ASCII characters only, no spaces"),
  ),
  /** json: one JSON object per line (default); text: `[phsar] message` for a terminal. */
  LOG_FORMAT: optional(z.enum(["json", "text"])),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace"])).default("info"),
  // Object storage (docs/decisions/027-object-storage.md). Unset S3_BUCKET: photos on local disk.
  /** Bucket for uploaded photos in an S3-compatible store; the app serves them, so keep it private. */
  S3_BUCKET: optional(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, dots and dashes)",
      ),
  ),
  /** The store's URL (MinIO, R2, Spaces…), e.g. http://minio:9000; unset: AWS S3 itself. */
  S3_ENDPOINT: optional(
    z.url({
      protocol: /^https?$/,
      error: "S3_ENDPOINT must be an http(s) URL like http://minio:9000",
    }),
  ),
  S3_REGION: optional(
    z.string().regex(/^[a-z0-9-]+$/, "S3_REGION must look like us-east-1"),
  ).default("us-east-1"),
  /** Both or neither: unset uses the SDK's own credentials chain (an instance role). */
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  /** Bucket in the URL path rather than the host name; defaults to true when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: optional(booleanFlag),
  /** A folder in the bucket for every key (e.g. phsar/), so one bucket can serve several sites. */
  S3_PREFIX: optional(
    z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, "S3_PREFIX must end with / (e.g. phsar/)"),
  ),
  /** Folder with pg_dump/pg_restore of the database's major version, for `npm run db:backup`. */
  PG_BIN_DIR: optional(z.string()),
  /** How long a dynamic KHQR code stays payable, in minutes. */
  KHQR_EXPIRY_MINUTES: optional(
    z.coerce.number().int("KHQR_EXPIRY_MINUTES must be a whole number").min(1).max(10_080),
  ).default(60),
  // Cambodian rails (docs/decisions/029-payway-bakong.md). Verified only against local fakes.
  /** Bakong open API token (api-bakong.nbc.gov.kh); set, a job confirms paid KHQR codes by their MD5. */
  BAKONG_API_TOKEN: optional(
    z.string().min(20, "BAKONG_API_TOKEN must be the token Bakong issued"),
  ),
  BAKONG_API_BASE: optional(
    z.url({ protocol: /^https?$/, error: "BAKONG_API_BASE must be an http(s) URL" }),
  ).default("https://api-bakong.nbc.gov.kh"),
  /** ABA PayWay merchant id, API key (the "public key" PayWay signs with) and API address. */
  PAYWAY_MERCHANT_ID: optional(
    z
      .string()
      .regex(
        /^[\w-]{1,30}$/,
        "PAYWAY_MERCHANT_ID must be PayWay's merchant id (up to 30 letters, digits, - or _)",
      ),
  ),
  PAYWAY_API_KEY: optional(z.string().min(16, "PAYWAY_API_KEY must be the key PayWay issued")),
  PAYWAY_API_BASE: optional(
    z.url({
      protocol: /^https?$/,
      error: "PAYWAY_API_BASE must be an http(s) URL like https://checkout-sandbox.payway.com.kh",
    }),
  ),
  /**
   * PayWay's RSA public key (PEM; `\n` may stand for line breaks in a one-line variable), which
   * payout beneficiaries are encrypted with. Checked at boot so a pasted half key fails early.
   */
  PAYWAY_RSA_PUBLIC_KEY: optional(
    z
      .string()
      .transform((value) => value.replaceAll("\\n", "\n").trim())
      .refine((pem) => {
        try {
          return createPublicKey(pem).asymmetricKeyType === "rsa";
        } catch {
          return false;
        }
      }, "PAYWAY_RSA_PUBLIC_KEY must be PayWay's RSA public key in PEM (-----BEGIN PUBLIC KEY-----…)"),
  ),
});

/** Rules across variables. */
const CheckedEnvSchema = EnvSchema.superRefine((value, ctx) => {
  if (value.STRIPE_SECRET_KEY && !value.STRIPE_WEBHOOK_SECRET)
    ctx.addIssue({
      code: "custom",
      path: ["STRIPE_WEBHOOK_SECRET"],
      message: "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set",
    });
  if (Boolean(value.S3_ACCESS_KEY_ID) !== Boolean(value.S3_SECRET_ACCESS_KEY))
    ctx.addIssue({
      code: "custom",
      path: [value.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"],
      message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both or neither",
    });
  if (!value.S3_BUCKET)
    for (const name of ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_PREFIX"] as const)
      if (value[name])
        ctx.addIssue({
          code: "custom",
          path: ["S3_BUCKET"],
          message: `S3_BUCKET is required when ${name} is set (photos go to that bucket)`,
        });
  if (value.TELEGRAM_BOT_TOKEN && !value.TELEGRAM_WEBHOOK_SECRET)
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_WEBHOOK_SECRET"],
      message: "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_BOT_TOKEN is set",
    });
  const payway = [
    "PAYWAY_MERCHANT_ID",
    "PAYWAY_API_KEY",
    "PAYWAY_RSA_PUBLIC_KEY",
    "PAYWAY_API_BASE",
  ] as const;
  const set = payway.filter((name) => value[name]);
  if (set.length > 0 && set.length < payway.length)
    for (const name of payway.filter((n) => !value[n]))
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `${name} is required when ${set.join(" and ")} ${set.length > 1 ? "are" : "is"} set`,
      });
});

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses environment variables, or throws an EnvError naming each bad variable and what it expects. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = CheckedEnvSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const value = source[name];
    return `  ${name}=${JSON.stringify(value ?? "")}: ${issue.message}`;
  });
  throw new EnvError(
    `Invalid environment variables:\n${lines.join("\n")}\nSee "Configuration" in README.md.`,
  );
}

export const env = parseEnv(process.env);

/**
 * The embedded PostgreSQL's address is known only once it has started (server/start.ts): from then
 * on it is part of the environment, for this process and the modules it loads.
 */
export function adoptEmbeddedDatabaseUrl(url: string) {
  process.env.DATABASE_URL = url;
  env.DATABASE_URL = parseEnv(process.env).DATABASE_URL;
}

export function cookiesAreSecure(e: Env) {
  return e.SECURE_COOKIES ?? e.NODE_ENV === "production";
}

/** Stripe when its secret key is configured, otherwise manual settlement (nothing needs secrets). */
export function paymentProviderName(e: Env): "stripe" | "manual" {
  return e.STRIPE_SECRET_KEY ? "stripe" : "manual";
}

/**
 * ABA PayWay takes KHQR payments (for the whole order, into the platform's merchant account) when
 * all four `PAYWAY_*` are set (the schema refuses some without the others); cards stay with Stripe.
 */
export function paywayConfigured(e: Env) {
  return Boolean(
    e.PAYWAY_MERCHANT_ID && e.PAYWAY_API_KEY && e.PAYWAY_API_BASE && e.PAYWAY_RSA_PUBLIC_KEY,
  );
}

/** Demo data is seeded by default only into the embedded database, never into one you configured. */
export function shouldSeedDemoData(e: Env) {
  return e.SEED_DEMO_DATA ?? !e.DATABASE_URL;
}
