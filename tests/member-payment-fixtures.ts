// A sub-order of lead@phsar.test's cooperative that is paid, delivered, paid out and so allocated
// to its members, for the member-payment tests. Needs the demo data (seedDemoData).
import { expect } from "vitest";
import { prisma } from "~/db/db.server";
import { manualProvider, markReceived } from "~/payments/manual.server";
import { deliverSubOrder, orderFromTwoCooperatives, paymentActor } from "./payments-fixtures";

export async function allocatedSubOrder() {
  const [buyer, admin, lead] = await Promise.all(
    ["buyer@phsar.test", "admin@phsar.test", "lead@phsar.test"].map(paymentActor),
  );
  const order = await orderFromTwoCooperatives();
  const cooperativeId = lead!.memberships[0]!.organizationId;
  const subOrder = order.subOrders.find((s) => s.cooperativeId === cooperativeId)!;
  const start = await manualProvider.startPayment(order.id, "BANK_TRANSFER", buyer!);
  if (start.provider !== "manual") throw new Error("expected manual");
  const payment = start.payments.find((p) => p.subOrderId === subOrder.id)!;
  await markReceived(payment.paymentId, { amountMinor: payment.amountMinor }, admin!);
  await deliverSubOrder(subOrder.id);
  await manualProvider.releaseSubOrder(subOrder.id, admin!);
  const rows = await prisma.memberAllocation.findMany({
    where: { subOrderId: subOrder.id, payableMinor: { gt: 0 } },
    orderBy: { farmerId: "asc" },
    select: { farmerId: true, payableMinor: true },
  });
  expect(rows.length).toBeGreaterThan(1);
  return { cooperativeId, subOrderId: subOrder.id, rows };
}
