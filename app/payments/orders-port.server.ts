// Payments' side of the orders money port (app/orders/money-port.server.ts).
import { type MoneyPort } from "~/orders/money-port.server";
import { followAmountDue } from "./adjustments.server";
import { recordedShare } from "./settlement.server";

export const ordersMoneyPort: MoneyPort = {
  followAmountDue,
  async saleGrossMinor(tx, subOrder) {
    return (await recordedShare(tx, subOrder))?.grossMinor ?? null;
  },
};
