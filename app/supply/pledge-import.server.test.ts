// A pledge sheet imported again can remove members (issue #25, case 10).
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { type CommandActor } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { placeOrder } from "~/orders/orders.server";
import { buildActor, buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import { importPledgeCsv } from "./pledge-import.server";

let cooperativeId: number;
let userId: number;
let buyerId: number;
let clerk: CommandActor;
const actor = () => clerk;

beforeAll(async () => {
  await seedDemoData(prisma);
  cooperativeId = (await cooperativeIds())[0]!;
  const buyer = await userByEmail("buyer@phsar.test");
  userId = buyer.id;
  buyerId = buyer.memberships[0]!.organizationId;
  // Recording pledges is a clerk's work too: one of this cooperative, made for these tests.
  clerk = await buildActor([{ organizationId: cooperativeId, role: "MEMBER_CLERK" }]);
});

async function pledgesOf(windowId: number) {
  const rows = await prisma.pledge.findMany({
    where: { windowId },
    select: { farmerId: true, quantity: true },
    orderBy: { farmerId: "asc" },
  });
  const { capacity } = await prisma.deliveryWindow.findUniqueOrThrow({
    where: { id: windowId },
    select: { capacity: true },
  });
  return { pledges: rows.map((r) => [r.farmerId, r.quantity]), capacity };
}

describe("re-importing a pledge sheet", () => {
  test("quantity 0 removes a member; members left out keep their pledge unless told otherwise", async () => {
    const w = await buildWindow({ cooperativeId, pledges: [10, 20, 30] });
    const [a, b, c] = w.farmerIds as [number, number, number];
    await importPledgeCsv(
      w.id,
      cooperativeId,
      `member,quantity\n${a},15\n${b},0\n`,
      "keep",
      actor(),
    );
    expect(await pledgesOf(w.id)).toEqual({
      pledges: [
        [a, 15],
        [c, 30],
      ],
      capacity: 45,
    });
    await importPledgeCsv(w.id, cooperativeId, `${a},5\n`, "remove", actor());
    expect(await pledgesOf(w.id)).toEqual({ pledges: [[a, 5]], capacity: 5 });
  });

  test("removing below what is already ordered is refused and changes nothing", async () => {
    const w = await buildWindow({ cooperativeId, pledges: [10, 20] });
    await placeOrder({
      buyerId,
      placedById: userId,
      idempotencyKey: randomUUID(),
      lines: [{ windowId: w.id, quantity: 15 }],
    });
    await expect(
      importPledgeCsv(w.id, cooperativeId, `${w.farmerIds[0]},10\n`, "remove", actor()),
    ).rejects.toMatchObject({ key: "supply.pledgeBelowReserved" });
    expect((await pledgesOf(w.id)).capacity).toBe(30);
  });

  test("a bad line saves nothing and says which line", async () => {
    const w = await buildWindow({ cooperativeId, pledges: [10] });
    const result = await importPledgeCsv(
      w.id,
      cooperativeId,
      `${w.farmerIds[0]},0\nnobody,3\n`,
      "remove",
      actor(),
    );
    expect(result.errors).toEqual([{ line: 2, problem: "supply.csvFarmer" }]);
    expect((await pledgesOf(w.id)).capacity).toBe(10);
  });
});
