// A stand-in for Bakong's open API on 127.0.0.1, for tests only: POST /v1/check_transaction_by_md5
// with a Bearer token, answering as the Bakong Open API Documentation shows. A test "pays" an MD5
// (any amount, to model short or over payments) and can make the next answer about an MD5 slow
// or an HTTP error.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { type AddressInfo } from "node:net";

type Paid = { toAccountId: string; currency: "KHR" | "USD"; amountMinor: number; hash: string };

export async function startFakeBakong(token = "fake-bakong-token") {
  const paid = new Map<string, Paid>();
  const calls: string[] = [];
  const faults = new Map<string, { delayMs?: number; status?: number }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        let asked = "";
        try {
          asked = String(
            (JSON.parse(Buffer.concat(chunks).toString()) as { md5?: unknown }).md5 ?? "",
          );
        } catch {
          // Answered below.
        }
        const fault = faults.get(asked);
        faults.delete(asked);
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (fault?.status) return send(fault.status, { message: "down" });
        if (req.method !== "POST" || req.url !== "/v1/check_transaction_by_md5")
          return send(404, { message: "Not found" });
        if (req.headers.authorization !== `Bearer ${token}`)
          return send(401, { responseCode: 1, responseMessage: "Unauthorized", errorCode: 6 });
        let md5 = "";
        try {
          md5 = String(
            (JSON.parse(Buffer.concat(chunks).toString()) as { md5?: unknown }).md5 ?? "",
          );
        } catch {
          return send(400, { responseCode: 1, errorCode: 5 });
        }
        calls.push(md5);
        const p = paid.get(md5);
        if (!p)
          return send(200, {
            responseCode: 1,
            responseMessage: "Transaction could not be found. Please check and try again.",
            errorCode: 1,
            data: null,
          });
        const now = Date.now();
        send(200, {
          responseCode: 0,
          responseMessage: "Getting transaction successfully.",
          errorCode: null,
          data: {
            hash: p.hash,
            fromAccountId: "buyer@aclb",
            toAccountId: p.toAccountId,
            currency: p.currency,
            amount: p.currency === "KHR" ? p.amountMinor : p.amountMinor / 100,
            description: "",
            createdDateMs: now - 1000,
            acknowledgedDateMs: now,
          },
        });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    pay(md5: string, p: Omit<Paid, "hash">) {
      paid.set(md5, { ...p, hash: randomBytes(32).toString("hex") });
    },
    /** The next question about `md5` is answered late or with an HTTP error. */
    failNext(md5: string, fault: { delayMs?: number; status?: number }) {
      faults.set(md5, fault);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeBakong = Awaited<ReturnType<typeof startFakeBakong>>;
