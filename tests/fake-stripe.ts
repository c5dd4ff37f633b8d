// A small, stateful stand-in for Stripe's API on 127.0.0.1, for tests only: the real `stripe` SDK
// talks to it over HTTP (host, port, protocol "http", no retries). It covers the endpoints Phsar
// uses, checks each request's endpoint, form parameters and idempotency key like Stripe does,
// replays the saved answer for a repeated key, and can inject failures: card declined,
// balance_insufficient, a 500, or a response slower than the client's timeout.
// Stripe's API is unreachable from these machines (see docs/decisions/008-payments.md).
import { randomBytes } from "node:crypto";
import http from "node:http";
import { type AddressInfo } from "node:net";
import Stripe from "stripe";

type Params = { [key: string]: string | Params };
type Json = Record<string, unknown>;
type Answer = { status: number; body: Json };

export type Failure =
  | { kind: "card_declined" }
  | { kind: "balance_insufficient" }
  | { kind: "server_error" }
  /** The request is carried out and saved, but the answer comes after the client gave up. */
  | { kind: "timeout"; delayMs: number };

export type RecordedRequest = {
  method: string;
  path: string;
  params: Params;
  idempotencyKey: string | null;
  stripeAccount: string | null;
  replayed: boolean;
};

/** Parses Stripe's form encoding, where `metadata[orderId]=42` means { metadata: { orderId: "42" } }. */
export function parseForm(body: string): Params {
  const result: Params = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split(/[[\]]+/).filter(Boolean);
    let node = result;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else {
        const next = node[part];
        node = typeof next === "object" ? next : (node[part] = {});
      }
    });
  }
  return result;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

class StripeFailure extends Error {
  constructor(public readonly answer: Answer) {
    super(String((answer.body.error as Json | undefined)?.message ?? "failure"));
  }
}

function invalid(message: string, param?: string, code?: string): never {
  throw new StripeFailure({
    status: 400,
    body: { error: { type: "invalid_request_error", message, param, code } },
  });
}

function str(params: Params, name: string, required = true) {
  const value = params[name];
  if (value === undefined) {
    if (required) invalid(`Missing required param: ${name}.`, name, "parameter_missing");
    return undefined;
  }
  if (typeof value !== "string") invalid(`Invalid ${name}: must be a string`, name);
  return value;
}

function positiveInt(params: Params, name: string, required = true) {
  const value = str(params, name, required);
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    invalid(`Invalid integer: ${value}. ${name} must be a positive integer.`, name);
  return Number(value);
}

function allowOnly(params: Params, allowed: string[]) {
  for (const key of Object.keys(params))
    if (!allowed.includes(key)) invalid(`Received unknown parameter: ${key}`, key);
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

export async function startFakeStripe() {
  const secretKey = `sk_test_fake${randomBytes(6).toString("hex")}`;
  const accounts = new Map<string, Json>();
  const paymentIntents = new Map<string, Json>();
  const charges = new Map<string, Json>();
  const transfers = new Map<string, Json>();
  const refunds = new Map<string, Json>();
  const checkoutSessions = new Map<string, Json>();
  /** Balance of each connected account, which reversals draw on. */
  const balances = new Map<string, number>();
  const saved = new Map<string, { fingerprint: string; answer: Answer }>();
  const failures: { method: string; path: RegExp; failure: Failure }[] = [];
  const requests: RecordedRequest[] = [];

  function route(method: string, path: string, params: Params): Answer {
    let m: RegExpMatchArray | null;
    if (method === "POST" && path === "/v1/accounts") {
      allowOnly(params, [
        "type",
        "country",
        "email",
        "capabilities",
        "tos_acceptance",
        "metadata",
        "business_type",
      ]);
      const type = str(params, "type");
      if (type !== "express") invalid(`Invalid type: ${type}`, "type");
      const account = {
        id: id("acct"),
        object: "account",
        type,
        country: str(params, "country", false) ?? "US",
        capabilities: { transfers: "inactive" },
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        tos_acceptance: params.tos_acceptance ?? {},
        metadata: params.metadata ?? {},
        created: now(),
      };
      accounts.set(account.id, account);
      balances.set(account.id, 0);
      return { status: 200, body: account };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/accounts\/(acct_\w+)$/))) {
      const account =
        accounts.get(m[1]!) ?? invalid(`No such account: '${m[1]}'`, "id", "resource_missing");
      return { status: 200, body: account };
    }
    if (method === "POST" && path === "/v1/account_links") {
      allowOnly(params, ["account", "type", "return_url", "refresh_url"]);
      const account = str(params, "account")!;
      if (!accounts.has(account))
        invalid(`No such account: '${account}'`, "account", "resource_missing");
      if (str(params, "type") !== "account_onboarding") invalid("Invalid type", "type");
      for (const url of ["return_url", "refresh_url"])
        if (!/^https?:\/\//.test(str(params, url)!)) invalid(`Not a valid URL`, url, "url_invalid");
      return {
        status: 200,
        body: {
          object: "account_link",
          url: `https://connect.stripe.com/setup/e/${account}/${randomBytes(6).toString("hex")}`,
          created: now(),
          expires_at: now() + 300,
        },
      };
    }
    if (method === "POST" && path === "/v1/payment_intents") {
      allowOnly(params, [
        "amount",
        "currency",
        "transfer_group",
        "metadata",
        "allowed_payment_method_types",
        "description",
      ]);
      const intent = newIntent({
        amount: positiveInt(params, "amount")!,
        currency: str(params, "currency")!,
        transfer_group: str(params, "transfer_group", false) ?? null,
        metadata: params.metadata ?? {},
      });
      return {
        status: 200,
        body: { ...intent, client_secret: `${intent.id}_secret_${randomBytes(6).toString("hex")}` },
      };
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      allowOnly(params, [
        "mode",
        "line_items",
        "allowed_payment_method_types",
        "client_reference_id",
        "metadata",
        "payment_intent_data",
        "success_url",
        "cancel_url",
        "expires_at",
        "customer_email",
        "locale",
      ]);
      if (str(params, "mode") !== "payment") invalid("Only payment mode is faked", "mode");
      const successUrl = str(params, "success_url");
      const items = params.line_items;
      if (typeof items !== "object" || Object.keys(items).length === 0)
        invalid("line_items is required in payment mode", "line_items", "parameter_missing");
      let amountTotal = 0;
      let currency: string | undefined;
      for (const [i, item] of Object.entries(items)) {
        if (typeof item !== "object") invalid(`Invalid line_items[${i}]`, "line_items");
        const quantity = positiveInt(item, "quantity")!;
        const price = item.price_data;
        if (typeof price !== "object") invalid("price_data is required", `line_items[${i}]`);
        const lineCurrency = str(price, "currency")!;
        if (currency && lineCurrency !== currency)
          invalid("All line items must use the same currency", "line_items");
        currency = lineCurrency;
        const product = price.product_data;
        if (typeof product !== "object" || !str(product, "name"))
          invalid("product_data[name] is required", `line_items[${i}][price_data]`);
        amountTotal += quantity * positiveInt(price, "unit_amount")!;
      }
      const created = now();
      const expiresAt = positiveInt(params, "expires_at", false) ?? created + 24 * 3600;
      // Stripe's window for a Checkout Session's expiry.
      if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600)
        invalid(
          "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
          "expires_at",
        );
      const session = {
        id: id("cs_test"),
        object: "checkout.session",
        mode: "payment",
        status: "open",
        payment_status: "unpaid",
        url: "",
        amount_total: amountTotal,
        currency,
        client_reference_id: str(params, "client_reference_id", false) ?? null,
        metadata: params.metadata ?? {},
        payment_intent: null as string | null,
        success_url: successUrl,
        cancel_url: str(params, "cancel_url", false) ?? null,
        expires_at: expiresAt,
        created,
      };
      session.url = `http://127.0.0.1:${port}/c/pay/${session.id}`;
      checkoutSessions.set(session.id, {
        ...session,
        payment_intent_data: params.payment_intent_data ?? {},
      });
      return { status: 200, body: session };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/checkout\/sessions\/(cs_test_\w+)$/))) {
      const stored =
        checkoutSessions.get(m[1]!) ??
        invalid(`No such checkout.session: '${m[1]}'`, "session", "resource_missing");
      return { status: 200, body: publicSession(stored) };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/payment_intents\/(pi_\w+)$/))) {
      const intent =
        paymentIntents.get(m[1]!) ??
        invalid(`No such payment_intent: '${m[1]}'`, "intent", "resource_missing");
      return { status: 200, body: intent };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/charges\/(ch_\w+)$/))) {
      const charge =
        charges.get(m[1]!) ?? invalid(`No such charge: '${m[1]}'`, "charge", "resource_missing");
      return { status: 200, body: charge };
    }
    if (method === "POST" && path === "/v1/transfers") {
      allowOnly(params, [
        "amount",
        "currency",
        "destination",
        "source_transaction",
        "transfer_group",
        "metadata",
        "description",
      ]);
      const amount = positiveInt(params, "amount")!;
      const currency = str(params, "currency")!;
      const destination = str(params, "destination")!;
      const account =
        accounts.get(destination) ??
        invalid(`No such destination: '${destination}'`, "destination", "resource_missing");
      if ((account.capabilities as Json).transfers !== "active")
        invalid(
          "Your destination account needs to have the transfers capability enabled.",
          "destination",
          "insufficient_capabilities_for_transfer",
        );
      const source = str(params, "source_transaction", false);
      if (source) {
        const charge =
          charges.get(source) ??
          invalid(`No such charge: '${source}'`, "source_transaction", "resource_missing");
        if (charge.currency !== currency)
          invalid("Currency must match the source transaction", "currency");
        const transferred = [...transfers.values()]
          .filter((t) => t.source_transaction === source)
          .reduce((s, t) => s + (t.amount as number), 0);
        const available = (charge.amount as number) - (charge.amount_refunded as number);
        if (transferred + amount > available)
          invalid("Transfer amount exceeds the source transaction's remaining amount", "amount");
      }
      const transfer = {
        id: id("tr"),
        object: "transfer",
        amount,
        amount_reversed: 0,
        currency,
        destination,
        source_transaction: source ?? null,
        transfer_group: str(params, "transfer_group", false) ?? null,
        metadata: params.metadata ?? {},
        reversed: false,
        created: now(),
      };
      transfers.set(transfer.id, transfer);
      balances.set(destination, (balances.get(destination) ?? 0) + amount);
      return { status: 200, body: transfer };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/transfers\/(tr_\w+)$/))) {
      const transfer =
        transfers.get(m[1]!) ?? invalid(`No such transfer: '${m[1]}'`, "id", "resource_missing");
      return { status: 200, body: transfer };
    }
    if (method === "POST" && (m = path.match(/^\/v1\/transfers\/(tr_\w+)\/reversals$/))) {
      allowOnly(params, ["amount", "metadata", "description"]);
      const transfer =
        transfers.get(m[1]!) ?? invalid(`No such transfer: '${m[1]}'`, "id", "resource_missing");
      const amount = positiveInt(params, "amount")!;
      const left = (transfer.amount as number) - (transfer.amount_reversed as number);
      if (amount > left)
        invalid("Reversal amount exceeds the transfer's remaining amount", "amount");
      const destination = transfer.destination as string;
      if ((balances.get(destination) ?? 0) < amount)
        throw new StripeFailure({
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              code: "balance_insufficient",
              message: "Insufficient funds in the connected account to reverse this transfer.",
            },
          },
        });
      balances.set(destination, balances.get(destination)! - amount);
      transfer.amount_reversed = (transfer.amount_reversed as number) + amount;
      transfer.reversed = transfer.amount_reversed === transfer.amount;
      const reversal = {
        id: id("trr"),
        object: "transfer_reversal",
        amount,
        currency: transfer.currency,
        transfer: transfer.id,
        metadata: params.metadata ?? {},
        created: now(),
      };
      return { status: 200, body: reversal };
    }
    if (method === "POST" && path === "/v1/refunds") {
      allowOnly(params, ["payment_intent", "charge", "amount", "metadata", "reason"]);
      const intentId = str(params, "payment_intent")!;
      const intent =
        paymentIntents.get(intentId) ??
        invalid(`No such payment_intent: '${intentId}'`, "payment_intent", "resource_missing");
      const charge = charges.get(String(intent.latest_charge));
      if (intent.status !== "succeeded" || !charge)
        invalid(
          "This PaymentIntent does not have a successful charge to refund.",
          "payment_intent",
          "charge_not_refundable",
        );
      const amount = positiveInt(params, "amount")!;
      if ((charge.amount_refunded as number) + amount > (charge.amount as number))
        invalid(
          `Refund amount ($${amount / 100}) is greater than unrefunded amount on charge`,
          "amount",
          "amount_too_large",
        );
      charge.amount_refunded = (charge.amount_refunded as number) + amount;
      charge.refunded = charge.amount_refunded === charge.amount;
      const refund = {
        id: id("re"),
        object: "refund",
        amount,
        currency: charge.currency,
        charge: charge.id,
        payment_intent: intent.id,
        status: "succeeded",
        metadata: params.metadata ?? {},
        created: now(),
      };
      refunds.set(refund.id, refund);
      return { status: 200, body: refund };
    }
    return {
      status: 404,
      body: {
        error: {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${method}: ${path}).`,
        },
      },
    };
  }

  function injected(method: string, path: string) {
    const index = failures.findIndex((f) => f.method === method && f.path.test(path));
    if (index === -1) return null;
    return failures.splice(index, 1)[0]!.failure;
  }

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = url.pathname;
      const params = method === "GET" ? parseForm(url.search.slice(1)) : parseForm(body);
      const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
      const stripeAccount = (req.headers["stripe-account"] as string | undefined) ?? null;
      const send = (answer: Answer, replayed = false, delayMs = 0) => {
        requests.push({ method, path, params, idempotencyKey, stripeAccount, replayed });
        const headers: Record<string, string> = {
          "Content-Type": "application/json",
          "Request-Id": id("req"),
        };
        if (replayed) headers["Idempotent-Replayed"] = "true";
        if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
        const write = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, headers);
          res.end(JSON.stringify(answer.body));
        };
        if (delayMs > 0) setTimeout(write, delayMs);
        else write();
      };

      if (req.headers.authorization !== `Bearer ${secretKey}`)
        return send({
          status: 401,
          body: { error: { type: "invalid_request_error", message: "Invalid API Key provided" } },
        });
      // Every POST from Phsar must carry a key built from our own ids. The SDK makes up a random
      // "stripe-node-retry-…" key when given none, which would not protect a retry of ours.
      if (method === "POST" && (!idempotencyKey || idempotencyKey.startsWith("stripe-node-retry-")))
        return send({
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              message: "Phsar's fake Stripe requires an Idempotency-Key on every POST",
            },
          },
        });

      const fingerprint = JSON.stringify({ method, path, params });
      const scope = `${stripeAccount ?? "platform"}:${idempotencyKey}`;
      const previous = idempotencyKey ? saved.get(scope) : undefined;
      if (previous) {
        if (previous.fingerprint !== fingerprint)
          return send({
            status: 400,
            body: {
              error: {
                type: "idempotency_error",
                message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
              },
            },
          });
        return send(previous.answer, true);
      }

      const failure = injected(method, path);
      if (failure?.kind === "server_error")
        return send({
          status: 500,
          body: { error: { type: "api_error", message: "An unknown error occurred" } },
        });
      let answer: Answer;
      if (failure?.kind === "card_declined")
        answer = {
          status: 402,
          body: {
            error: {
              type: "card_error",
              code: "card_declined",
              decline_code: "generic_decline",
              message: "Your card was declined.",
            },
          },
        };
      else if (failure?.kind === "balance_insufficient")
        answer = {
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              code: "balance_insufficient",
              message: "You have insufficient funds in your Stripe account.",
            },
          },
        };
      else {
        try {
          answer = route(method, path, params);
        } catch (error) {
          if (!(error instanceof StripeFailure)) throw error;
          answer = error.answer;
        }
      }
      // Stripe saves the answer of any request that started executing, success or failure.
      if (idempotencyKey && method === "POST" && answer.status !== 404)
        saved.set(scope, { fingerprint, answer });
      send(answer, false, failure?.kind === "timeout" ? failure.delayMs : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  /** A PaymentIntent waiting for a card, stored; made by the API or by a payment page. */
  function newIntent(fields: {
    amount: number;
    currency: string;
    transfer_group: string | null;
    metadata: Params | string;
  }) {
    const intent = {
      id: id("pi"),
      object: "payment_intent",
      ...fields,
      amount_received: 0,
      status: "requires_payment_method",
      latest_charge: null as string | null,
      last_payment_error: null as Json | null,
      created: now(),
    };
    paymentIntents.set(intent.id, intent);
    return intent;
  }

  /** A session as the API shows it (without what we keep for making its PaymentIntent). */
  function publicSession(stored: Json) {
    const { payment_intent_data: _kept, ...session } = stored;
    return session;
  }

  /** The session's PaymentIntent, made (once) the way Checkout does when the buyer pays. */
  function intentForSession(session: Json) {
    if (session.payment_intent) return paymentIntents.get(String(session.payment_intent))!;
    const data = (session.payment_intent_data ?? {}) as Params;
    const intent = newIntent({
      amount: Number(session.amount_total),
      currency: String(session.currency),
      transfer_group: typeof data.transfer_group === "string" ? data.transfer_group : null,
      metadata: typeof data.metadata === "object" ? data.metadata : {},
    });
    session.payment_intent = intent.id;
    return intent as Json;
  }

  function event(type: string, object: Json, options: { account?: string; created?: number } = {}) {
    return {
      id: id("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: options.created ?? now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      ...(options.account ? { account: options.account } : {}),
      data: { object },
    };
  }

  return {
    host: "127.0.0.1",
    port,
    secretKey,
    requests,
    accounts,
    paymentIntents,
    charges,
    transfers,
    refunds,
    balances,
    /** The real SDK, pointed at this server. */
    client(options: { timeout?: number } = {}) {
      return new Stripe(secretKey, {
        host: "127.0.0.1",
        port,
        protocol: "http",
        maxNetworkRetries: 0,
        timeout: options.timeout ?? 5_000,
      });
    },
    /** The next matching request fails this way. */
    failNext(method: "GET" | "POST", path: RegExp, failure: Failure) {
      failures.push({ method, path, failure });
    },
    /** Forgets the failures queued by failNext that no request has met yet. */
    clearFailures() {
      failures.length = 0;
    },
    /** The connected account finished onboarding: its transfers capability is active. */
    activateAccount(accountId: string) {
      const account = accounts.get(accountId)!;
      account.capabilities = { transfers: "active" };
      account.payouts_enabled = true;
      account.details_submitted = true;
      return event("account.updated", { ...account }, { account: accountId });
    },
    /** The buyer paid: the PaymentIntent succeeds with a charge. Returns the event Stripe would send. */
    succeedPayment(intentId: string) {
      const intent = paymentIntents.get(intentId)!;
      const charge = {
        id: id("ch"),
        object: "charge",
        amount: intent.amount,
        amount_refunded: 0,
        currency: intent.currency,
        payment_intent: intent.id,
        transfer_group: intent.transfer_group,
        refunded: false,
        status: "succeeded",
        created: now(),
      };
      charges.set(charge.id, charge);
      Object.assign(intent, {
        status: "succeeded",
        amount_received: intent.amount,
        latest_charge: charge.id,
      });
      return event("payment_intent.succeeded", { ...intent });
    },
    checkoutSessions,
    /**
     * The buyer paid on the hosted page: Stripe creates the PaymentIntent from the session's
     * payment_intent_data and it succeeds. Returns both events Stripe would send.
     */
    payCheckout(sessionId: string) {
      const session = checkoutSessions.get(sessionId)!;
      const intent = intentForSession(session);
      const succeeded = this.succeedPayment(String(intent.id));
      Object.assign(session, { status: "complete", payment_status: "paid" });
      return {
        completed: event("checkout.session.completed", publicSession(session)),
        succeeded,
      };
    },
    /** The buyer's card was refused on the hosted page; the page stays open for another try. */
    declineCheckout(sessionId: string) {
      const intent = intentForSession(checkoutSessions.get(sessionId)!);
      return this.failPayment(String(intent.id));
    },
    /** The page passed its expires_at. */
    expireCheckout(sessionId: string) {
      Object.assign(checkoutSessions.get(sessionId)!, { status: "expired" });
    },
    failPayment(intentId: string) {
      const intent = paymentIntents.get(intentId)!;
      Object.assign(intent, {
        status: "requires_payment_method",
        last_payment_error: {
          type: "card_error",
          code: "card_declined",
          message: "Your card was declined.",
        },
      });
      return event("payment_intent.payment_failed", { ...intent });
    },
    /** The connected account spent its balance (paid out to its bank). */
    drainBalance(accountId: string) {
      balances.set(accountId, 0);
    },
    event,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the fake and points the app's Stripe settings at it. Call it inside `vi.hoisted`, before
 * anything imports the app (the environment is read once, at import).
 */
export async function startFakeStripeForApp(
  name: string,
  { platformFeeBps }: { platformFeeBps?: number } = {},
) {
  const server = await startFakeStripe();
  process.env.STRIPE_SECRET_KEY = server.secretKey;
  process.env.STRIPE_API_BASE = `http://127.0.0.1:${server.port}`;
  process.env.STRIPE_WEBHOOK_SECRET = `whsec_${name}_platform`;
  process.env.STRIPE_CONNECT_WEBHOOK_SECRET = `whsec_${name}_connect`;
  if (platformFeeBps !== undefined) process.env.PLATFORM_FEE_BPS = String(platformFeeBps);
  return server;
}

/** Signs an event the way Stripe does, for a webhook request to our route. */
export function signedWebhookRequest(
  event: object,
  secret: string,
  path = "/webhooks/stripe",
  signatureOverride?: string,
) {
  const payload = JSON.stringify(event);
  const signature =
    signatureOverride ?? Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
    body: payload,
  });
}
