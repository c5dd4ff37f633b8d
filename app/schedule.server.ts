// Timers of the order flow, run by the job queue (app/jobs/queue.server.ts). Each is safe to run
// again at any time: it acts only on what is due and not yet done.
import { type ScheduledJob } from "~/jobs/queue.server";
import { followAllAmountsDue } from "~/payments/adjustments.server";
import { reconcilePaymentOutcomes } from "~/payments/reconcile.server";
import { confirmKhqrWithBakong } from "~/payments/bakong-confirm.server";
import { autoConfirmDeliveries, expireUnpaidOrders } from "~/orders/orders.server";
import { runStandingOrders } from "~/checkout/standing.server";
// The timers move sub-orders, so orders need their money port connected.
import "~/wiring.server";

export const orderJobs: ScheduledJob[] = [
  { name: "orders-expire-unpaid", cron: "* * * * *", run: () => expireUnpaidOrders() },
  { name: "orders-auto-confirm", cron: "7 * * * *", run: () => autoConfirmDeliveries() },
  { name: "orders-standing", cron: "*/15 * * * *", run: () => runStandingOrders() },
  // Payments follow what is due even when a follow-up was interrupted.
  { name: "payments-follow-amounts", cron: "23 * * * *", run: () => followAllAmountsDue() },
  // Stripe requests whose answer was lost are asked again with their own key; PayWay payments
  // still waiting are checked by their tran_id.
  { name: "payments-reconcile", cron: "*/10 * * * *", run: () => reconcilePaymentOutcomes() },
  // Paid KHQR codes are recorded without a person (does nothing unless BAKONG_API_TOKEN is set).
  { name: "payments-khqr-bakong", cron: "* * * * *", run: () => confirmKhqrWithBakong() },
];
