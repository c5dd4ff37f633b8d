// The collection page's action (#18 item 6): Khmer digits accepted, a refused sheet comes back as typed.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { acceptSubOrder, placeOrder } from "~/orders/orders.server";
import { actorByEmail, buildWindow, userByEmail } from "../../tests/builders";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./organizations.$slug.collection.$lineId";

let clerkCookie: string;
let slug: string;
let lineId: number;
let farmers: number[];

beforeAll(async () => {
  await seedDemoData(prisma);
  const clerk = await prisma.user.findUniqueOrThrow({
    where: { email: "clerk@phsar.test" },
    select: {
      id: true,
      memberships: { select: { organization: { select: { id: true, slug: true } } } },
    },
  });
  const cooperative = clerk.memberships[0]!.organization;
  slug = cooperative.slug;
  const window = await buildWindow({ cooperativeId: cooperative.id, pledges: [10, 10] });
  farmers = window.farmerIds;
  const buyer = await userByEmail("buyer@phsar.test");
  const { orderId } = await placeOrder({
    buyerId: buyer.memberships[0]!.organizationId,
    placedById: buyer.id,
    idempotencyKey: randomUUID(),
    lines: [{ windowId: window.id, quantity: 15 }],
  });
  const sub = await prisma.subOrder.findFirstOrThrow({
    where: { orderId },
    select: { id: true, lines: { select: { id: true } } },
  });
  await acceptSubOrder(sub.id, cooperative.id, await actorByEmail("admin@phsar.test"));
  lineId = sub.lines[0]!.id;
  clerkCookie = (await createSession(clerk.id)).split(";")[0]!;
});

const post = (fields: Record<string, string>) =>
  action({
    request: new Request(`http://localhost/organizations/${slug}/collection/${lineId}`, {
      method: "POST",
      headers: { Cookie: clerkCookie },
      body: new URLSearchParams(fields),
    }),
    params: { slug, lineId: String(lineId) },
    context: { clientIp: "192.0.2.63" },
  }).catch((thrown: unknown) => thrown) as Promise<Response>;

describe("the collection page", () => {
  test("a row it cannot read answers 400 beside that row, keeps every typed value, writes nothing", async () => {
    const [a, b] = farmers as [number, number];
    const fields = { [`q-${a}`]: "៨,៥", [`g-${a}`]: "B", [`q-${b}`]: "eight" };
    const response = await post(fields);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: object; typed: object };
    expect(body.problems).toEqual({ [b]: "orders.quantityFormat" });
    expect(body.typed).toEqual(fields);
    expect(await prisma.collection.count({ where: { orderLineId: lineId } })).toBe(0);
  });

  test("Khmer and Latin digits are recorded by the clerk, as new records", async () => {
    const [a, b] = farmers as [number, number];
    const response = await post({ [`q-${a}`]: "៨,៥", [`g-${a}`]: "B", [`q-${b}`]: "7" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(
      `/organizations/${slug}/collection/${lineId}?saved=2`,
    );
    const records = await prisma.collection.findMany({
      where: { orderLineId: lineId },
      orderBy: { farmerId: "asc" },
      select: {
        farmerId: true,
        quantityMilli: true,
        grade: true,
        recordedBy: { select: { email: true } },
      },
    });
    expect(records).toEqual([
      { farmerId: a, quantityMilli: 8_500, grade: "B", recordedBy: { email: "clerk@phsar.test" } },
      { farmerId: b, quantityMilli: 7_000, grade: null, recordedBy: { email: "clerk@phsar.test" } },
    ]);
  });
});
