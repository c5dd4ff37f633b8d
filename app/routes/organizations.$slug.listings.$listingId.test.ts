import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { seedDemoData } from "../../prisma/seed";
import { action } from "./organizations.$slug.listings.$listingId";

let cookie: string;
let slug: string;
let listingId: number;
let windowId: number;
let members: { id: number; name: string }[];

beforeAll(async () => {
  await seedDemoData(prisma);
  const lead = await prisma.user.findUniqueOrThrow({
    where: { email: "lead@phsar.test" },
    select: {
      id: true,
      memberships: { select: { organization: { select: { id: true, slug: true } } } },
    },
  });
  const organization = lead.memberships[0]!.organization;
  slug = organization.slug;
  cookie = (await createSession(lead.id)).split(";")[0]!;
  const window = await prisma.deliveryWindow.findFirstOrThrow({
    where: { listing: { cooperativeId: organization.id } },
    select: { id: true, listingId: true },
  });
  windowId = window.id;
  listingId = window.listingId;
  members = await prisma.farmer.findMany({
    where: { cooperativeId: organization.id },
    select: { id: true, name: true },
    take: 3,
  });
});

function post(body: FormData) {
  return action({
    request: new Request(`http://localhost/organizations/${slug}/listings/${listingId}`, {
      method: "POST",
      headers: { Cookie: cookie },
      body,
    }),
    params: { slug, listingId: String(listingId) },
    context: { clientIp: "192.0.2.50" },
  });
}

function csvForm(text: string) {
  const form = new FormData();
  form.set("intent", "import-csv");
  form.set("windowId", String(windowId));
  form.set("file", new File([text], "pledges.csv", { type: "text/csv" }));
  return form;
}

describe("pledge CSV import", () => {
  test("imports every line, and the capacity follows", async () => {
    const response = (await post(
      csvForm(`member,quantity\n${members[0]!.id},30\n${members[1]!.id},20\n`),
    )) as Response;
    expect(response.status).toBe(302);
    const window = await prisma.deliveryWindow.findUniqueOrThrow({
      where: { id: windowId },
      select: { capacity: true, pledges: { select: { quantity: true } } },
    });
    expect(window.capacity).toBe(window.pledges.reduce((sum, p) => sum + p.quantity, 0));
  });

  test("a file with a bad line is refused whole, with the line numbers, and nothing changes", async () => {
    const before = await prisma.pledge.findMany({ where: { windowId }, orderBy: { id: "asc" } });
    const response = (await post(
      csvForm(`${members[0]!.id},999\nsomeone else,5\n${members[2]!.id},x`),
    )) as Response;
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      csvErrors: [
        { line: 2, problem: "supply.csvFarmer" },
        { line: 3, problem: "supply.csvQuantity" },
      ],
    });
    expect(await prisma.pledge.findMany({ where: { windowId }, orderBy: { id: "asc" } })).toEqual(
      before,
    );
  });

  test("with 'members not in the file lose their pledge', the file is the whole list", async () => {
    const { capacity } = await prisma.deliveryWindow.findUniqueOrThrow({
      where: { id: windowId },
      select: { capacity: true },
    });
    const form = csvForm(`"${members[1]!.name}",${capacity}\n`);
    form.set("missing", "remove");
    expect(((await post(form)) as Response).status).toBe(302);
    const pledges = await prisma.pledge.findMany({
      where: { windowId },
      select: { farmerId: true, quantity: true },
    });
    expect(pledges).toEqual([{ farmerId: members[1]!.id, quantity: capacity }]);
  });

  test("an empty or oversized file is refused", async () => {
    expect(((await post(csvForm(""))) as Response).status).toBe(400);
    expect(((await post(csvForm("1,1\n".repeat(30_000)))) as Response).status).toBe(400);
  });

  test("an unknown intent is a 400, not a 500", async () => {
    const form = new FormData();
    form.set("intent", "launch-rockets");
    expect(((await post(form)) as Response).status).toBe(400);
  });
});

describe("the pledge form", () => {
  test("a quantity out of range comes back beside that member's field, and nothing is saved", async () => {
    const before = await prisma.pledge.findMany({ where: { windowId }, orderBy: { id: "asc" } });
    for (const quantity of ["-3", "2.5", "ten", "1000001"]) {
      const form = new FormData();
      form.set("intent", "pledges");
      form.set("windowId", String(windowId));
      form.set(`pledge-${members[0]!.id}`, "4");
      form.set(`pledge-${members[1]!.id}`, quantity);
      const response = (await post(form)) as Response;
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: "supply.quantity",
        fieldErrors: { [`pledge-${members[1]!.id}`]: ["supply.quantity"] },
      });
    }
    expect(await prisma.pledge.findMany({ where: { windowId }, orderBy: { id: "asc" } })).toEqual(
      before,
    );
  });
});
