// The one place the feature modules are plugged into each other, imported by every entry point
// (app/entry.server.tsx, the job schedule, benchmarks, the test setup). Dependencies point one way:
// checkout → payments → orders → supply; orders reach money only through their port. Payments is
// loaded on first use, so importing this early (the test setup) reads no configuration yet.
import { connectMoney } from "~/orders/money-port.server";

const payments = () => import("~/payments/orders-port.server").then((m) => m.ordersMoneyPort);

connectMoney({
  followAmountDue: async (subOrderId) => (await payments()).followAmountDue(subOrderId),
  saleGrossMinor: async (tx, subOrder) => (await payments()).saleGrossMinor(tx, subOrder),
});
