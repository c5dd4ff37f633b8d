// #17: members a lead imports from a spreadsheet are the members the union's inclusion figures
// count: their gender and birth year, as typed in the file, decide the women's and young farmers'
// shares of the money allocated to them.
import { beforeAll, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { type FarmerActor } from "~/organizations/farmers.server";
import {
  applyFarmerImport,
  previewFarmerImport,
  stageFarmerImport,
} from "~/organizations/farmer-import.server";
import { setPledges } from "~/supply/listings.server";
import { seedDemoData } from "../../prisma/seed";
import { allocatedSubOrder } from "../../tests/member-payment-fixtures";
import { paymentActor } from "../../tests/payments-fixtures";
import { loadDashboard } from "./dashboard.server";
import { type MonitoringFilters } from "./filters";

const HEADER =
  "លេខសមាជិក,ឈ្មោះ (ខ្មែរ),Name (Latin),ភេទ,Birth year,Phone,District,Commune,Village,Self-help group,Date joined,National ID";

// Birth years far from the youth limit, so the rule's exact edge (tested in inclusion.test.ts)
// does not decide this test whatever the delivery year.
const MEMBERS = [
  { number: "INC-1", name: "សុខ ស្រីលីន", gender: "ស្រី", woman: true, born: 2001, young: true },
  { number: "INC-2", name: "ចាន់ សុភា", gender: "F", woman: true, born: 1958, young: false },
  { number: "INC-3", name: "មាស វិចិត្រ", gender: "ប្រុស", woman: false, born: 1999, young: true },
  { number: "INC-4", name: "ហេង សំណាង", gender: "male", woman: false, born: 1962, young: false },
];

beforeAll(async () => {
  await seedDemoData(prisma);
});

test("the dashboard's inclusion figures read the gender and birth year of imported members", async () => {
  const lead = await paymentActor("lead@phsar.test");
  const cooperativeId = lead.memberships[0]!.organizationId;
  const importer: FarmerActor = { ...lead, ipAddress: "192.0.2.17" };

  // Members live in a village of the cooperative's district, named as a lead types it.
  const { districtCode } = await prisma.organization.findUniqueOrThrow({
    where: { id: cooperativeId },
    select: { districtCode: true },
  });
  const village = await prisma.village.findFirstOrThrow({
    where: { commune: { districtCode: districtCode! } },
    orderBy: { code: "asc" },
    select: {
      nameKm: true,
      commune: { select: { nameKm: true, district: { select: { nameKm: true } } } },
    },
  });
  const place = `${village.commune.district.nameKm},${village.commune.nameKm},${village.nameKm}`;
  const file = Buffer.from(
    [
      HEADER,
      ...MEMBERS.map((m) => `${m.number},${m.name},,${m.gender},${m.born},,${place},,,`),
    ].join("\n"),
    "utf8",
  );
  const importId = await stageFarmerImport(
    cooperativeId,
    { name: "members.csv", content: file },
    importer,
  );
  const preview = await previewFarmerImport(cooperativeId, importId, importer);
  expect(preview.issues).toEqual([]);
  expect(preview).toMatchObject({ created: 4, issueCount: 0 });
  await applyFarmerImport(cooperativeId, importId, importer);
  const imported = await prisma.farmer.findMany({
    where: { cooperativeId, memberNumber: { in: MEMBERS.map((m) => m.number) } },
    select: { id: true, memberNumber: true },
  });
  const byFarmer = new Map(
    imported.map((f) => [f.id, MEMBERS.find((m) => m.number === f.memberNumber)!]),
  );

  // The window the order will take (the cooperative's first open one) is pledged by the imported
  // members alone, so they share what the buyer pays for it.
  const window = await prisma.deliveryWindow.findFirstOrThrow({
    where: { cutoffAt: { gt: new Date() }, listing: { cooperativeId, status: "PUBLISHED" } },
    orderBy: { id: "asc" },
    select: { id: true, reserved: true, pledges: { select: { farmerId: true } } },
  });
  await setPledges(
    window.id,
    cooperativeId,
    [
      ...window.pledges.map((p) => ({ farmerId: p.farmerId, quantity: 0 })),
      ...imported.map((f, i) => ({ farmerId: f.id, quantity: window.reserved + (i + 1) * 10_000 })),
    ],
    { ...lead, ipAddress: "192.0.2.17" },
  );

  const filters = (deliveryDate: Date): MonitoringFilters => {
    const day = deliveryDate.toISOString().slice(0, 10) as MonitoringFilters["from"];
    return { from: day, to: day, cooperative: cooperativeId, below: 10 };
  };
  const { subOrderId } = await allocatedSubOrder();
  const subOrder = await prisma.subOrder.findUniqueOrThrow({
    where: { id: subOrderId },
    select: { deliveryDate: true },
  });
  const allocations = await prisma.memberAllocation.findMany({
    where: { subOrderId },
    select: { farmerId: true, shareMinor: true },
  });
  expect(new Set(allocations.map((a) => a.farmerId))).toEqual(new Set(byFarmer.keys()));
  // By hand, from the file: which shares went to women and to young farmers.
  const sum = (pick: (m: (typeof MEMBERS)[number]) => boolean) =>
    allocations
      .filter((a) => pick(byFarmer.get(a.farmerId)!))
      .reduce((s, a) => s + a.shareMinor, 0);
  const allocated = sum(() => true);
  const women = sum((m) => m.woman);
  const young = sum((m) => m.young);
  expect(women).toBeGreaterThan(0);
  expect(young).toBeGreaterThan(0);
  expect(women).toBeLessThan(allocated);

  // The sub-order's delivery day holds only what this test sold (the demo history is in the past).
  const dashboard = await loadDashboard(filters(subOrder.deliveryDate));
  expect(dashboard.inclusion.byCooperative).toEqual([
    expect.objectContaining({
      cooperativeId,
      allocated,
      women,
      young,
      womenShare: women / allocated,
      youngShare: young / allocated,
    }),
  ]);
});
