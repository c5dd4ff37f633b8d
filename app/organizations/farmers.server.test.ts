import { describe, expect, test, vi } from "vitest";
import { prisma } from "~/db/db.server";
import { buildCooperativeWithStaff, farmerForm } from "../../tests/farmer-fixtures";
import {
  createFarmer,
  createSelfHelpGroup,
  FarmerError,
  getFarmer,
  listFarmers,
  listSelfHelpGroups,
  mergeSelfHelpGroups,
  renameSelfHelpGroup,
  setFarmerActive,
  updateFarmer,
} from "./farmers.server";

const audits = (organizationId: number) =>
  prisma.auditEvent.findMany({
    where: { organizationId },
    select: { action: true, targetId: true },
    orderBy: { id: "asc" },
  });

describe("member farmers", () => {
  test("a clerk adds a member: phone in E.164, village, commune and district from the gazetteer", async () => {
    const { cooperative, clerk } = await buildCooperativeWithStaff();
    const id = await createFarmer(cooperative.id, farmerForm(), clerk);
    const farmer = await getFarmer(cooperative.id, id, clerk);
    expect(farmer).toMatchObject({
      name: "សុខ ស្រីមុំ",
      nameLatin: "Sok Sreymom",
      gender: "FEMALE",
      birthYear: 1990,
      phone: "+85512345678",
      village: "តាច្រែង",
      villageCode: "17060301",
      communeCode: "170603",
      memberNumber: "KR-001",
      deactivatedAt: null,
      commune: { nameEn: "Kralanh", district: { code: "1706" } },
    });
    expect(farmer.joinedOn?.toISOString().slice(0, 10)).toBe("2024-03-01");
    expect(await audits(cooperative.id)).toEqual([
      { action: "farmer.created", targetId: String(id) },
    ]);
  });

  test("family members share a phone; a member number is one member's only", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    await createFarmer(cooperative.id, farmerForm(), lead);
    await createFarmer(
      cooperative.id,
      farmerForm({ memberNumber: "KR-002", name: "សុខ ដារ៉ា" }),
      lead,
    );
    await expect(
      createFarmer(cooperative.id, farmerForm({ name: "ផ្សេង" }), lead),
    ).rejects.toMatchObject({ key: "farmers.errors.memberNumberTaken" });
    expect(await prisma.farmer.count({ where: { cooperativeId: cooperative.id } })).toBe(2);
  });

  test("bad fields are named, and nothing is written", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const error = await createFarmer(
      cooperative.id,
      farmerForm({
        name: '=HYPERLINK("x")',
        birthYear: "1850",
        phone: "12",
        villageCode: "01020101", // a village in another province
      }),
      lead,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FarmerError);
    expect((error as FarmerError).fields).toEqual({
      name: "farmers.errors.formula",
      birthYear: "farmers.errors.birthYear",
      phone: "farmers.errors.phone",
      villageCode: "farmers.errors.village",
    });
    expect(await prisma.farmer.count({ where: { cooperativeId: cooperative.id } })).toBe(0);
    expect(await audits(cooperative.id)).toEqual([]);
  });

  test("an edit records which fields changed", async () => {
    const { cooperative, clerk } = await buildCooperativeWithStaff();
    const id = await createFarmer(cooperative.id, farmerForm(), clerk);
    await updateFarmer(
      cooperative.id,
      id,
      farmerForm({ birthYear: "1991", villageCode: "17060302" }),
      clerk,
    );
    const event = await prisma.auditEvent.findFirstOrThrow({
      where: { organizationId: cooperative.id, action: "farmer.updated" },
      select: { details: true },
    });
    expect(event.details).toEqual({ changed: ["birthYear", "village", "villageCode"] });
  });

  test("a clerk may record but not deactivate; the lead deactivates and the history stays", async () => {
    const { cooperative, lead, clerk } = await buildCooperativeWithStaff();
    const id = await createFarmer(cooperative.id, farmerForm(), clerk);
    await prisma.farmerCredit.create({
      data: { cooperativeId: cooperative.id, farmerId: id, currency: "KHR", amountMinor: 50_000 },
    });
    await expect(setFarmerActive(cooperative.id, id, false, clerk)).rejects.toMatchObject({
      key: "farmers.errors.forbidden",
    });
    await setFarmerActive(cooperative.id, id, false, lead);
    await setFarmerActive(cooperative.id, id, false, lead); // twice: recorded once
    expect((await listFarmers(cooperative.id, lead)).total).toBe(0);
    expect((await listFarmers(cooperative.id, lead, { status: "inactive" })).total).toBe(1);
    expect(await prisma.farmerCredit.count({ where: { farmerId: id } })).toBe(1);
    expect((await audits(cooperative.id)).map((a) => a.action)).toEqual([
      "farmer.created",
      "farmer.deactivated",
    ]);
  });

  test("another cooperative's lead can neither list nor change these members", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const other = await buildCooperativeWithStaff();
    const id = await createFarmer(cooperative.id, farmerForm(), lead);
    await expect(listFarmers(cooperative.id, other.lead)).rejects.toMatchObject({
      key: "farmers.errors.forbidden",
    });
    // Their own cooperative's id with this member's id: not found, not changed.
    await expect(getFarmer(other.cooperative.id, id, other.lead)).rejects.toMatchObject({
      key: "farmers.errors.notFound",
    });
    await expect(
      setFarmerActive(other.cooperative.id, id, false, other.lead),
    ).rejects.toMatchObject({ key: "farmers.errors.notFound" });
  });

  test("search finds Khmer, Latin, member numbers and phones however written; pages of 50", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    await createFarmer(cooperative.id, farmerForm(), lead);
    await prisma.farmer.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        cooperativeId: cooperative.id,
        name: `កសិករ ${i}`,
        gender: "MALE" as const,
        birthYear: 1980,
        village: "តាច្រែង",
        searchText: `កសិករ ${i}`,
      })),
    });
    const names = async (query: string) =>
      (await listFarmers(cooperative.id, lead, { query })).farmers.map((f) => f.nameLatin);
    expect(await names("ស្រីមុំ")).toEqual(["Sok Sreymom"]);
    expect(await names("SREYMOM")).toEqual(["Sok Sreymom"]);
    expect(await names("kr-001")).toEqual(["Sok Sreymom"]);
    expect(await names("+855 12 345 678")).toEqual(["Sok Sreymom"]);
    expect(await names("012345678")).toEqual(["Sok Sreymom"]);
    const page3 = await listFarmers(cooperative.id, lead, { page: 3 });
    expect(page3).toMatchObject({ total: 121, page: 3, pageCount: 3 });
    expect(page3.farmers).toHaveLength(21);
    expect((await listFarmers(cooperative.id, lead, { page: 99 })).page).toBe(3);
  });
});

describe("self-help groups", () => {
  test("create, rename, count members; names are unique in a cooperative", async () => {
    const { cooperative, clerk } = await buildCooperativeWithStaff();
    const id = await createSelfHelpGroup(cooperative.id, "ក្រុម ក", clerk);
    await createFarmer(cooperative.id, farmerForm({ selfHelpGroupId: String(id) }), clerk);
    await expect(createSelfHelpGroup(cooperative.id, "ក្រុម ក", clerk)).rejects.toMatchObject({
      key: "farmers.errors.groupExists",
    });
    await renameSelfHelpGroup(cooperative.id, id, "ក្រុម ខ", clerk);
    expect(await listSelfHelpGroups(cooperative.id, clerk)).toEqual([
      { id, name: "ក្រុម ខ", members: 1 },
    ]);
  });

  test("merging moves every member and removes the emptied group; only the lead merges", async () => {
    const { cooperative, lead, clerk } = await buildCooperativeWithStaff();
    const a = await createSelfHelpGroup(cooperative.id, "ក្រុម ក", lead);
    const b = await createSelfHelpGroup(cooperative.id, "ក្រុម ខ", lead);
    await createFarmer(cooperative.id, farmerForm({ selfHelpGroupId: String(a) }), lead);
    await createFarmer(
      cooperative.id,
      farmerForm({ memberNumber: "2", selfHelpGroupId: String(a) }),
      lead,
    );
    await createFarmer(
      cooperative.id,
      farmerForm({ memberNumber: "3", selfHelpGroupId: String(b) }),
      lead,
    );
    await expect(mergeSelfHelpGroups(cooperative.id, a, b, clerk)).rejects.toMatchObject({
      key: "farmers.errors.forbidden",
    });
    await expect(mergeSelfHelpGroups(cooperative.id, a, a, lead)).rejects.toMatchObject({
      key: "farmers.errors.groupSame",
    });
    expect(await mergeSelfHelpGroups(cooperative.id, a, b, lead)).toBe(2);
    expect(await listSelfHelpGroups(cooperative.id, lead)).toEqual([
      { id: b, name: "ក្រុម ខ", members: 3 },
    ]);
  });

  test("two merges of the same groups at once: one moves the members, the other finds no group", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const a = await createSelfHelpGroup(cooperative.id, "ក្រុម ក", lead);
    const b = await createSelfHelpGroup(cooperative.id, "ក្រុម ខ", lead);
    await createFarmer(cooperative.id, farmerForm({ selfHelpGroupId: String(a) }), lead);
    const results = await Promise.allSettled([
      mergeSelfHelpGroups(cooperative.id, a, b, lead),
      mergeSelfHelpGroups(cooperative.id, b, a, lead),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === "rejected")
        .map((r) => (r as PromiseRejectedResult).reason.key),
    ).toEqual(["farmers.errors.groupNotFound"]);
    expect(await prisma.selfHelpGroup.count({ where: { cooperativeId: cooperative.id } })).toBe(1);
    expect(
      await prisma.farmer.count({
        where: { cooperativeId: cooperative.id, selfHelpGroupId: null },
      }),
    ).toBe(0);
  });

  test("two opposite merges queued behind a held group lock: one merges, the other finds no group", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const a = await createSelfHelpGroup(cooperative.id, "ក្រុម ក", lead);
    const b = await createSelfHelpGroup(cooperative.id, "ក្រុម ខ", lead);
    await createFarmer(cooperative.id, farmerForm({ selfHelpGroupId: String(a) }), lead);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const locked = new Promise<void>((resolve) => (held = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "SelfHelpGroup" WHERE "id" IN (${a}, ${b}) FOR UPDATE`;
        held();
        await gate;
      },
      { timeout: 20_000 },
    );
    await locked;
    const merges = [
      mergeSelfHelpGroups(cooperative.id, a, b, lead),
      mergeSelfHelpGroups(cooperative.id, b, a, lead),
    ].map((p) =>
      p.then(
        (moved) => `moved ${moved}`,
        (e: { key: string }) => e.key,
      ),
    );
    await vi.waitFor(
      async () => {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        expect(row!.n).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000 },
    );
    release();
    await holder;
    const outcomes = (await Promise.all(merges)).sort();
    expect(outcomes[0]).toBe("farmers.errors.groupNotFound");
    expect(outcomes[1]).toMatch(/^moved [01]$/);
    expect(await prisma.selfHelpGroup.count({ where: { cooperativeId: cooperative.id } })).toBe(1);
    const [group] = await listSelfHelpGroups(cooperative.id, lead);
    expect(group!.members).toBe(1);
  });
});
