// Order placement under contention: 50 checkouts at once against one delivery window, through the
// real domain function (placeOrder: read prices, conditional reservation, order + sub-order + lines
// in one transaction), against 50 bare conditional UPDATEs of the same window on the same database.
// The window holds fewer than 50, so some must be refused: the check is that exactly `capacity`
// succeed and the window never goes over, in both cases.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { row, type BenchRow } from "./table";
import "~/wiring.server";

const CONCURRENCY = 50;

export async function runOrdersBench({
  databaseUrl,
  rounds = 5,
}: {
  databaseUrl: string;
  rounds?: number;
}): Promise<BenchRow[]> {
  const { prisma } = await import("~/db/db.server");
  const { placeOrder, OrderError } = await import("~/orders/orders.server");
  const { buildWindow, cooperativeIds } = await import("../tests/builders");
  const buyer = await prisma.user.findUniqueOrThrow({
    where: { email: "buyer@phsar.test" },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  const cooperativeId = (await cooperativeIds())[0]!;
  // Same pool size as Prisma's adapter (pg's default, 10): the comparison is the work, not the pool.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const capacity = 40;
  const domain: number[] = [];
  const raw: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // The domain path: a fresh window each round, 50 orders of 1 at once.
      const window = await buildWindow({ cooperativeId, pledges: [capacity] });
      const t0 = performance.now();
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENCY }, () =>
          placeOrder({
            buyerId: buyer.memberships[0]!.organizationId,
            placedById: buyer.id,
            idempotencyKey: randomUUID(),
            paymentMethod: "CASH_ON_DELIVERY",
            lines: [{ windowId: window.id, quantity: 1 }],
          }),
        ),
      );
      const elapsed = (performance.now() - t0) / 1000;
      const placed = outcomes.filter((o) => o.status === "fulfilled").length;
      const unexpected = outcomes.find(
        (o) => o.status === "rejected" && !(o.reason instanceof OrderError),
      );
      if (unexpected) throw (unexpected as PromiseRejectedResult).reason;
      const { reserved } = await prisma.deliveryWindow.findUniqueOrThrow({
        where: { id: window.id },
        select: { reserved: true },
      });
      if (placed !== capacity || reserved !== capacity)
        throw new Error(`placeOrder: ${placed} placed, ${reserved} reserved, capacity ${capacity}`);
      domain.push(CONCURRENCY / elapsed);

      // The floor: the reservation statement alone, 50 at once on another fresh window.
      const bare = await buildWindow({ cooperativeId, pledges: [capacity] });
      const t1 = performance.now();
      const updates = await Promise.all(
        Array.from({ length: CONCURRENCY }, () =>
          pool.query(
            `UPDATE "DeliveryWindow" SET "reserved" = "reserved" + $2
              WHERE "id" = $1 AND "reserved" + $2 <= "capacity"`,
            [bare.id, 1],
          ),
        ),
      );
      const rawElapsed = (performance.now() - t1) / 1000;
      const won = updates.reduce((sum, r) => sum + (r.rowCount ?? 0), 0);
      if (won !== capacity) throw new Error(`raw UPDATE: ${won} succeeded, capacity ${capacity}`);
      raw.push(CONCURRENCY / rawElapsed);
    }
  } finally {
    await pool.end();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  return [
    row(
      `orders: ${CONCURRENCY} concurrent checkouts on one window (median of ${rounds})`,
      median(domain),
      "attempts/s",
      median(raw),
      `placeOrder vs raw conditional UPDATE; ${capacity} of ${CONCURRENCY} fit, as required`,
    ),
  ];
}
