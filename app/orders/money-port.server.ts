// Orders do not know how money works, and do not import payments (payments imports orders): what
// orders need from money goes through this port, which payments connects at start
// (app/payments/orders-port.server.ts, loaded by app/wiring.server.ts). Unconnected, it fails
// loudly rather than skipping a refund.
import { type prisma } from "~/db/db.server";

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export type MoneyPort = {
  /** Brings a sub-order's money in line with what is due after it moved or was re-weighed. */
  followAmountDue(subOrderId: number): Promise<unknown>;
  /** What the buyer paid or owes on account for a sub-order's sale; null before any sale. */
  saleGrossMinor(
    tx: Tx,
    subOrder: { id: number; orderId: number; cooperativeId: number },
  ): Promise<number | null>;
};

let connected: MoneyPort | null = null;

export function connectMoney(port: MoneyPort) {
  connected = port;
}

export function money(): MoneyPort {
  if (!connected)
    throw new Error("Payments are not connected to orders: import ~/wiring.server first");
  return connected;
}
