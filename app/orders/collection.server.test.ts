// Collection by member (#18 items 1 and 2): records added, never edited; packing proposes them.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { buildWindow, cooperativeIds, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import {
  CollectionInputError,
  type CollectionActor,
  collectionSheet,
  proposedPacking,
  readCollectionForm,
  recordCollection,
} from "./collection.server";
import { acceptSubOrder, LineQuantityError, packSubOrder, placeOrder } from "./orders.server";

let buyerId: number;
let buyerUserId: number;
let cooperativeId: number;
let lead: CollectionActor;
let otherLead: CollectionActor;

const actorOf = async (email: string): Promise<CollectionActor> =>
  prisma.user.findUniqueOrThrow({
    where: { email },
    select: {
      id: true,
      isAdmin: true,
      memberships: { select: { organizationId: true, role: true } },
    },
  });

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  buyerId = buyer.memberships[0]!.organizationId;
  buyerUserId = buyer.id;
  lead = await actorOf("lead@phsar.test");
  otherLead = await actorOf("lead2@phsar.test");
  cooperativeId = lead.memberships[0]!.organizationId;
  expect((await cooperativeIds()).includes(cooperativeId)).toBe(true);
});

/** An accepted order of `quantity` from a window pledged `pledges` by distinct members. */
async function acceptedOrder(quantity: number, pledges: number[], tolerance = 10) {
  const window = await buildWindow({ cooperativeId, pledges });
  const { orderId } = await placeOrder({
    buyerId,
    placedById: buyerUserId,
    idempotencyKey: randomUUID(),
    weightTolerancePct: tolerance,
    lines: [{ windowId: window.id, quantity }],
  });
  const sub = await prisma.subOrder.findFirstOrThrow({
    where: { orderId },
    select: { id: true, lines: { select: { id: true, quantity: true } } },
  });
  await acceptSubOrder(sub.id, cooperativeId, lead);
  return { window, sub, lineId: sub.lines[0]!.id };
}

describe("collection records", () => {
  test("a correction is a new record, the newest counts; over-pledge warns, under shows the shortfall", async () => {
    const { window, lineId } = await acceptedOrder(30, [20, 20]);
    const [a, b] = window.farmerIds as [number, number];
    expect(
      await recordCollection(
        lineId,
        cooperativeId,
        [
          { farmerId: a, quantityMilli: 23_500, grade: null },
          { farmerId: b, quantityMilli: 8_000, grade: "B" },
        ],
        lead,
      ),
    ).toEqual({ recorded: 2 });
    // The same sheet sent again is not a correction.
    expect(
      await recordCollection(
        lineId,
        cooperativeId,
        [
          { farmerId: a, quantityMilli: 23_500, grade: null },
          { farmerId: b, quantityMilli: 8_000, grade: "B" },
        ],
        lead,
      ),
    ).toEqual({ recorded: 0 });
    await recordCollection(
      lineId,
      cooperativeId,
      [{ farmerId: b, quantityMilli: 9_250, grade: "B" }],
      lead,
    );

    const records = await prisma.collection.findMany({
      where: { orderLineId: lineId },
      orderBy: { id: "asc" },
      select: {
        farmerId: true,
        quantityMilli: true,
        grade: true,
        recordedById: true,
        windowId: true,
      },
    });
    expect(records).toEqual([
      {
        farmerId: a,
        quantityMilli: 23_500,
        grade: null,
        recordedById: lead.id,
        windowId: window.id,
      },
      { farmerId: b, quantityMilli: 8_000, grade: "B", recordedById: lead.id, windowId: window.id },
      { farmerId: b, quantityMilli: 9_250, grade: "B", recordedById: lead.id, windowId: window.id },
    ]);

    const sheet = await collectionSheet(lineId, cooperativeId, lead);
    expect(sheet.collectedMilli).toBe(32_750);
    const row = (id: number) => sheet.rows.find((r) => r.farmer.id === id)!;
    expect(row(a)).toMatchObject({ overMilli: 3_500, shortfallMilli: 0 });
    expect(row(b)).toMatchObject({ overMilli: 0, shortfallMilli: 10_750 });
    expect(row(b).current).toMatchObject({ quantityMilli: 9_250 });
    expect(row(b).history).toHaveLength(2);
  });

  test("only pledgers, only the cooperative's own people, only before packing", async () => {
    const { window, sub, lineId } = await acceptedOrder(10, [20]);
    const outsider = await prisma.farmer.findFirstOrThrow({
      where: { cooperativeId, id: { notIn: window.farmerIds } },
      select: { id: true },
    });
    const refused = await recordCollection(
      lineId,
      cooperativeId,
      [{ farmerId: outsider.id, quantityMilli: 1_000, grade: null }],
      lead,
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CollectionInputError);
    expect((refused as CollectionInputError).problems).toEqual({
      [outsider.id]: "orders.notPledger",
    });
    await expect(
      recordCollection(
        lineId,
        cooperativeId,
        [{ farmerId: window.farmerIds[0]!, quantityMilli: 1, grade: null }],
        otherLead,
      ),
    ).rejects.toThrow("orders.forbidden");
    await expect(collectionSheet(lineId, cooperativeId, otherLead)).rejects.toThrow(
      "orders.forbidden",
    );
    // Another cooperative's line is not found, even for its own lead's cooperative id.
    const otherId = otherLead.memberships[0]!.organizationId;
    await expect(
      recordCollection(
        lineId,
        otherId,
        [{ farmerId: window.farmerIds[0]!, quantityMilli: 1, grade: null }],
        otherLead,
      ),
    ).rejects.toThrow("orders.notFound");

    await packSubOrder(sub.id, cooperativeId, [{ lineId, milli: 10_000 }], { userId: lead.id });
    await expect(
      recordCollection(
        lineId,
        cooperativeId,
        [{ farmerId: window.farmerIds[0]!, quantityMilli: 1, grade: null }],
        lead,
      ),
    ).rejects.toThrow("orders.collectionClosed");
    expect(await prisma.collection.count({ where: { orderLineId: lineId } })).toBe(0);
  });

  test("the form reads Khmer and Latin digits, skips blanks and names the rows it cannot read", () => {
    const form = new FormData();
    form.set("q-1", "១២,៥");
    form.set("g-1", " A ");
    form.set("q-2", "");
    form.set("q-3", "7.25");
    form.set("q-4", "twelve");
    expect(readCollectionForm(form, [1, 2, 3, 4], "KG")).toEqual({
      entries: [
        { farmerId: 1, quantityMilli: 12_500, grade: "A" },
        { farmerId: 3, quantityMilli: 7_250, grade: null },
      ],
      problems: { 4: "orders.quantityFormat" },
    });
    const heads = new FormData();
    heads.set("q-1", "៣.៥");
    expect(readCollectionForm(heads, [1], "HEAD").problems).toEqual({ 1: "orders.quantityFormat" });
  });
});

describe("packing from collection", () => {
  test("the proposed packed quantity is what was collected, and the tolerance rules still apply", async () => {
    const { window, sub, lineId } = await acceptedOrder(20, [15, 15], 10);
    expect(await proposedPacking(sub.lines)).toEqual({
      [lineId]: { milli: 20_000, fromCollection: false },
    });
    const [a, b] = window.farmerIds as [number, number];
    // 23 kg collected: above the 10 % tolerance on 20 kg.
    await recordCollection(
      lineId,
      cooperativeId,
      [
        { farmerId: a, quantityMilli: 12_000, grade: null },
        { farmerId: b, quantityMilli: 11_000, grade: null },
      ],
      lead,
    );
    const proposed = await proposedPacking(sub.lines);
    expect(proposed).toEqual({ [lineId]: { milli: 23_000, fromCollection: true } });
    const refused = await packSubOrder(
      sub.id,
      cooperativeId,
      [{ lineId, milli: proposed[lineId]!.milli }],
      {
        userId: lead.id,
      },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LineQuantityError);
    // A correction brings it within tolerance: packed and re-priced by weight as before.
    await recordCollection(
      lineId,
      cooperativeId,
      [{ farmerId: b, quantityMilli: 9_500, grade: null }],
      lead,
    );
    const again = await proposedPacking(sub.lines);
    expect(again[lineId]!.milli).toBe(21_500);
    await packSubOrder(sub.id, cooperativeId, [{ lineId, milli: again[lineId]!.milli }], {
      userId: lead.id,
    });
    const line = await prisma.orderLine.findUniqueOrThrow({
      where: { id: lineId },
      select: { packedQuantityMilli: true, finalAmountMinor: true, unitPriceMinor: true },
    });
    expect(line.packedQuantityMilli).toBe(21_500);
    expect(line.finalAmountMinor).toBe(Math.round(line.unitPriceMinor * 21.5));
  });
});
