// My orders: a standing order paused by a price change says so, and the buyer accepts or stops it.
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { runStandingOrders } from "~/checkout/standing.server";
import { seedDemoData } from "../../prisma/seed";
import { cooperativeIds, userByEmail } from "../../tests/builders";
import { at, buildStandingOrder, weekOrders } from "../../tests/standing-fixtures";
import { action, loader } from "./orders._index";
import { responseOf } from "../../tests/routes";

let cookie: string;
let userId: number;
let buyerId: number;

beforeAll(async () => {
  await seedDemoData(prisma);
  const buyer = await userByEmail("buyer@phsar.test");
  userId = buyer.id;
  buyerId = buyer.memberships[0]!.organizationId;
  cookie = (await createSession(buyer.id)).split(";")[0]!;
});

function post(fields: Record<string, string>) {
  return responseOf(() =>
    action({
      request: new Request("http://localhost/orders", {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      }),
      params: {},
      context: { clientIp: "192.0.2.60" },
    }),
  );
}

describe("a paused standing order on My orders", () => {
  test("shows what changed; accepting the new prices lets the week be placed", async () => {
    const cooperativeId = (await cooperativeIds())[0]!;
    const s = await buildStandingOrder({ buyerId, userId, cooperativeId, priceMinor: 2_000 });
    await prisma.listing.update({ where: { id: s.listingId }, data: { priceMinor: 2_400 } });
    await runStandingOrders(at(3));
    const data = await loader({
      request: new Request("http://localhost/orders", { headers: { Cookie: cookie } }),
      params: {},
      context: { clientIp: "192.0.2.60" },
    });
    const shown = data.standing.find((so) => so.id === s.standingOrderId)!;
    expect(shown.pausedAt).not.toBeNull();
    expect(shown.pauseDetails).toMatchObject([{ agreedPriceMinor: 2_000, priceMinor: 2_400 }]);

    const response = await post({
      intent: "agree-prices",
      standingOrderId: String(s.standingOrderId),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/orders?resumed=1");
    await runStandingOrders(at(3));
    expect(await weekOrders(s.standingOrderId, 1)).toMatchObject([{ totalMinor: 12_000 }]);
  });

  test("someone else's standing order is not found; an unknown intent is a 400", async () => {
    expect((await post({ intent: "agree-prices", standingOrderId: "999999" })).status).toBe(404);
    expect((await post({ intent: "launch", standingOrderId: "1" })).status).toBe(400);
  });
});
