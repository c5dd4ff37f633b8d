// A small, stateful stand-in for ABA PayWay's checkout API on 127.0.0.1, for tests only. It checks
// each request's merchant id and HMAC-SHA512 hash exactly as PayWay documents them, refuses a
// reused tran_id with different parameters, lets a test "pay" a transaction (in full, short, or
// declined), can answer slower than the client's timeout (the request still takes effect), and
// can be down (503 to everything, nothing changes).
// Live PayWay only answers whitelisted IPs, so this fake is all Phsar was verified against.
import http from "node:http";
import { type AddressInfo } from "node:net";
import { PURCHASE_HASH_ORDER, paywayHash, paywayMinor, TRAN_ID } from "~/payments/payway.server";

type Currency = "USD" | "KHR";
type Transaction = {
  tranId: string;
  currency: Currency;
  amountMinor: number;
  paidMinor: number;
  refundedMinor: number;
  status: "PENDING" | "APPROVED" | "DECLINED" | "REFUNDED";
  apv: string | null;
  /** The signed fields, to tell a retry from a different purchase under the same id. */
  fingerprint: string;
};

export type FakePayWay = {
  url: string;
  merchantId: string;
  apiKey: string;
  transactions: Map<string, Transaction>;
  requests: { path: string; accepted: boolean }[];
  /** The buyer pays; `paidMinor` below the amount models a fee or discount taken before us. */
  pay(tranId: string, paidMinor?: number): void;
  decline(tranId: string): void;
  /** The next request to `path` is carried out but answered after `ms`. */
  delayNext(path: string, ms: number): void;
  /** While down, every request is answered 503 and changes nothing (PayWay unreachable or failing). */
  setDown(down: boolean): void;
  close(): Promise<void>;
};

const PURCHASE = "/api/payment-gateway/v1/payments/purchase";
const CHECK = "/api/payment-gateway/v1/payments/check-transaction-2";

function readBody(request: http.IncomingMessage) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const decimal = (currency: Currency, minor: number) =>
  currency === "KHR" ? minor : Number((minor / 100).toFixed(2));

export async function startFakePayWay(
  options: { merchantId?: string; apiKey?: string } = {},
): Promise<FakePayWay> {
  const merchantId = options.merchantId ?? "ec000002";
  const apiKey = options.apiKey ?? "fake-payway-public-key-0123456789";
  const transactions = new Map<string, Transaction>();
  const requests: FakePayWay["requests"] = [];
  const delays = new Map<string, number>();
  let down = false;
  let apv = 100000;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: http.ServerResponse, code: string, message: string) =>
    json(res, 200, { status: { code, message } });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = req.url ?? "";
    const raw = await readBody(req);
    const delay = delays.get(path);
    if (delay !== undefined) {
      delays.delete(path);
      await new Promise((r) => setTimeout(r, delay));
    }
    if (down) {
      requests.push({ path, accepted: false });
      return json(res, 503, { message: "Service Unavailable" });
    }
    if (req.method !== "POST") return json(res, 405, { message: "Method Not Allowed" });

    if (path === PURCHASE) {
      const form = await new Request("http://x", {
        method: "POST",
        headers: { "content-type": req.headers["content-type"] ?? "" },
        body: new Uint8Array(raw),
      }).formData();
      const field = (name: string) => {
        const v = form.get(name);
        return typeof v === "string" ? v : "";
      };
      const accepted = (ok: boolean) => requests.push({ path, accepted: ok });
      if (field("merchant_id") !== merchantId) {
        accepted(false);
        return refuse(res, "1", "Invalid merchant profile");
      }
      const expected = paywayHash(PURCHASE_HASH_ORDER.map(field), apiKey);
      if (field("hash") !== expected) {
        accepted(false);
        return refuse(res, "1", "Wrong hash");
      }
      const tranId = field("tran_id");
      const currency = field("currency") === "KHR" ? "KHR" : "USD";
      if (!TRAN_ID.test(tranId)) {
        accepted(false);
        return refuse(res, "4", "Invalid tran_id");
      }
      let amountMinor: number;
      try {
        amountMinor = paywayMinor(currency, field("amount"));
      } catch {
        accepted(false);
        return refuse(res, "3", "Invalid amount");
      }
      const fingerprint = PURCHASE_HASH_ORDER.filter((n) => n !== "req_time")
        .map((n) => `${n}=${field(n)}`)
        .join("&");
      const existing = transactions.get(tranId);
      if (existing && existing.fingerprint !== fingerprint) {
        accepted(false);
        return refuse(res, "5", "Duplicate tran_id");
      }
      if (!existing)
        transactions.set(tranId, {
          tranId,
          currency,
          amountMinor,
          paidMinor: 0,
          refundedMinor: 0,
          status: "PENDING",
          apv: null,
          fingerprint,
        });
      accepted(true);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(`<!doctype html><title>PayWay</title><p>Pay ${tranId}</p>`);
    }

    if (path === CHECK) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        requests.push({ path, accepted: false });
        return json(res, 400, { status: { code: "400", message: "Bad JSON" } });
      }
      const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
      const ok =
        s("merchant_id") === merchantId &&
        s("hash") === paywayHash([s("req_time"), s("merchant_id"), s("tran_id")], apiKey);
      requests.push({ path, accepted: ok });
      if (!ok) return refuse(res, "1", "Wrong hash");
      const t = transactions.get(s("tran_id"));
      if (!t) return refuse(res, "2", "Transaction not found");
      return json(res, 200, {
        data: {
          payment_status_code: { APPROVED: 0, PENDING: 2, DECLINED: 3, REFUNDED: 4 }[t.status],
          total_amount: decimal(t.currency, t.amountMinor),
          original_amount: decimal(t.currency, t.amountMinor),
          refund_amount: decimal(t.currency, t.refundedMinor),
          discount_amount: decimal(
            t.currency,
            t.status === "PENDING" ? 0 : t.amountMinor - t.paidMinor,
          ),
          payment_amount: decimal(t.currency, t.paidMinor),
          payment_currency: t.currency,
          apv: t.apv,
          payment_status: t.status,
          transaction_date: new Date().toISOString(),
        },
        status: { code: "00", message: "Success!" },
      });
    }
    json(res, 404, { message: "Not found" });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const get = (tranId: string) => {
    const t = transactions.get(tranId);
    if (!t) throw new Error(`fake PayWay: no transaction ${tranId}`);
    return t;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    merchantId,
    apiKey,
    transactions,
    requests,
    pay(tranId, paidMinor) {
      const t = get(tranId);
      t.status = "APPROVED";
      t.paidMinor = paidMinor ?? t.amountMinor;
      t.apv = String(apv++);
    },
    decline(tranId) {
      get(tranId).status = "DECLINED";
    },
    setDown(value) {
      down = value;
    },
    delayNext(path, ms) {
      delays.set(path === "purchase" ? PURCHASE : path === "check" ? CHECK : path, ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
