import ExcelJS from "exceljs";
import { describe, expect, test, vi } from "vitest";
import { prisma } from "~/db/db.server";
import { buildCooperativeWithStaff } from "../../tests/farmer-fixtures";
import {
  applyFarmerImport,
  exportFarmers,
  previewFarmerImport,
  stageFarmerImport,
} from "./farmer-import.server";
import { FARMER_COLUMNS, headerLabel, MAX_IMPORT_BYTES } from "./farmer-sheet.server";
import { createSelfHelpGroup, type FarmerActor } from "./farmers.server";

const HEADER =
  "លេខសមាជិក,ឈ្មោះ (ខ្មែរ),Name (Latin),ភេទ,Birth year,Phone,District,Commune,Village,Self-help group,Date joined,National ID";

function csv(...lines: string[]) {
  return Buffer.from([HEADER, ...lines].join("\n"), "utf8");
}

async function stageAndPreview(
  cooperativeId: number,
  actor: FarmerActor,
  name: string,
  content: Buffer,
) {
  const id = await stageFarmerImport(cooperativeId, { name, content }, actor);
  return { id, preview: await previewFarmerImport(cooperativeId, id, actor) };
}

const farmerCount = (cooperativeId: number) => prisma.farmer.count({ where: { cooperativeId } });

describe("member import", () => {
  test("preview writes nothing; confirm adds everyone; a re-import updates by member number", async () => {
    const { cooperative, clerk } = await buildCooperativeWithStaff();
    await createSelfHelpGroup(cooperative.id, "ក្រុម តាច្រែង", clerk);
    const first = csv(
      'KR-1,សុខ ស្រីមុំ,"Sok, Sreymom",ស្រី,1990,012 345 678,ក្រឡាញ់,ក្រឡាញ់,តាច្រែង,ក្រុម តាច្រែង,2024-03-01,',
      "KR-2,ចាន់ ដារ៉ា,Chan Dara,M,1975,+85512345678,Kralanh,Kralanh,Trapeang Chrang,,01/02/2020,010203040",
      '"KR-3","មាស ""ភី""",Meas Phy,female,2001,,,ភូមិក្រឡាញ់,Ou Kralanh,,,',
    );
    const { id, preview } = await stageAndPreview(cooperative.id, clerk, "members.csv", first);
    expect(preview).toMatchObject({ rows: 3, created: 3, updated: 0, issueCount: 0, issues: [] });
    expect(await farmerCount(cooperative.id)).toBe(0);
    expect(await applyFarmerImport(cooperative.id, id, clerk)).toEqual({
      ok: true,
      created: 3,
      updated: 0,
    });
    const farmers = await prisma.farmer.findMany({
      where: { cooperativeId: cooperative.id },
      select: {
        memberNumber: true,
        name: true,
        nameLatin: true,
        gender: true,
        phone: true,
        villageCode: true,
        communeCode: true,
        joinedOn: true,
        selfHelpGroup: { select: { name: true } },
      },
      orderBy: { memberNumber: "asc" },
    });
    expect(
      farmers.map((f) => [f.memberNumber, f.nameLatin, f.gender, f.phone, f.villageCode]),
    ).toEqual([
      ["KR-1", "Sok, Sreymom", "FEMALE", "+85512345678", "17060301"],
      ["KR-2", "Chan Dara", "MALE", "+85512345678", "17060302"],
      ["KR-3", "Meas Phy", "FEMALE", null, "17060303"],
    ]);
    expect(farmers[1]!.joinedOn?.toISOString().slice(0, 10)).toBe("2020-02-01");
    expect(farmers[0]!.selfHelpGroup?.name).toBe("ក្រុម តាច្រែង");
    expect(farmers[2]!.name).toBe('មាស "ភី"');

    const again = csv(
      'KR-1,សុខ ស្រីមុំ,"Sok, Sreymom",ស្រី,1991,012 345 678,ក្រឡាញ់,ក្រឡាញ់,តាច្រែង,ក្រុម តាច្រែង,2024-03-01,',
      "KR-4,ថ្មី,New,M,1999,,,ក្រឡាញ់,តាច្រែង,,,",
    );
    const second = await stageAndPreview(cooperative.id, clerk, "members.csv", again);
    expect(second.preview).toMatchObject({ rows: 2, created: 1, updated: 1, issueCount: 0 });
    expect(await applyFarmerImport(cooperative.id, second.id, clerk)).toMatchObject({ ok: true });
    expect(await farmerCount(cooperative.id)).toBe(4);
    expect(
      (
        await prisma.farmer.findFirstOrThrow({
          where: { cooperativeId: cooperative.id, memberNumber: "KR-1" },
        })
      ).birthYear,
    ).toBe(1991);
    const events = await prisma.auditEvent.findMany({
      where: { organizationId: cooperative.id, action: "farmers.imported" },
      select: { details: true },
    });
    expect(events.map((e) => e.details)).toEqual([
      { fileName: "members.csv", rows: 3, created: 3, updated: 0 },
      { fileName: "members.csv", rows: 2, created: 1, updated: 1 },
    ]);
  });

  test("every bad cell is named by line and column, and nothing is written even at confirm", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const bad = csv(
      "KR-1,សុខ,,ស្រី,1850,,,ក្រឡាញ់,តាច្រែង,,,", // line 2: impossible birth year
      "KR-1,សុខ,,ស្រី,1990,,,ក្រឡាញ់,តាច្រែង,,,", // line 3: member number used on line 2
      "KR-3,=1+2,,ស្រី,1990,,,ក្រឡាញ់,តាច្រែង,,,", // line 4: formula
      "KR-4,ចាន់,,ស្រី,1990,,,Nowhere,តាច្រែង,,,", // line 5: unknown commune
      "KR-5,ចាន់,,ស្រី,1990,,,ក្រឡាញ់,តាច្រែង,No such group,,", // line 6: unknown group
      "KR-6,ចាន់,,x,1990,,,ក្រឡាញ់,តាច្រែង,,,", // line 7: gender
    );
    const { id, preview } = await stageAndPreview(cooperative.id, lead, "members.csv", bad);
    expect(preview.issues).toEqual([
      { line: 2, column: "E · ឆ្នាំកំណើត / Birth year", key: "farmers.errors.birthYear" },
      {
        line: 3,
        column: "A · លេខសមាជិក / Member number",
        key: "farmersImport.duplicateNumber",
        otherLine: 2,
      },
      { line: 4, column: "B · ឈ្មោះ (ខ្មែរ) / Name (Khmer)", key: "farmers.errors.formula" },
      { line: 5, column: "H · ឃុំ / Commune", key: "farmersImport.unknownCommune" },
      { line: 6, column: "J · ក្រុមជួយខ្លួនឯង / Self-help group", key: "farmersImport.unknownGroup" },
      { line: 7, column: "D · ភេទ / Gender", key: "farmers.errors.gender" },
    ]);
    expect(await applyFarmerImport(cooperative.id, id, lead)).toMatchObject({
      ok: false,
      checked: { issueCount: 6 },
    });
    expect(await farmerCount(cooperative.id)).toBe(0);
  });

  test("a bad last row rolls back the rows already written before it (over one batch)", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const lines = Array.from({ length: 1500 }, (_, i) => `N${i},កសិករ,,ប្រុស,1980,,,ក្រឡាញ់,តាច្រែង,,,`);
    lines.push("LAST,កសិករ,,ប្រុស,1980,,,ក្រឡាញ់,តាច្រែង,ក្រុមបាត់,,");
    const id = await stageFarmerImport(
      cooperative.id,
      { name: "m.csv", content: csv(...lines) },
      lead,
    );
    const result = await applyFarmerImport(cooperative.id, id, lead);
    expect(result).toMatchObject({
      ok: false,
      checked: { issues: [{ line: 1502, key: "farmersImport.unknownGroup" }] },
    });
    expect(await farmerCount(cooperative.id)).toBe(0);
    expect(await prisma.auditEvent.count({ where: { organizationId: cooperative.id } })).toBe(0);
  });

  test("files that are not a member list are refused with a clear reason", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const stage = (name: string, content: Buffer) =>
      stageFarmerImport(cooperative.id, { name, content }, lead).then(
        () => "staged",
        (e: { key: string }) => e.key,
      );
    expect(await stage("photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]))).toBe(
      "farmersImport.wrongType",
    );
    expect(await stage("list.pdf", Buffer.from("%PDF-1.4\n"))).toBe("farmersImport.wrongType");
    expect(await stage("old.xls", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).toBe(
      "farmersImport.oldExcel",
    );
    expect(await stage("big.csv", Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41))).toBe(
      "farmersImport.tooLarge",
    );
    expect(await stage("empty.csv", Buffer.alloc(0))).toBe("farmersImport.empty");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, "utf16le")]);
    expect(await stage("unicode.csv", utf16)).toBe("farmersImport.encoding");
    expect(await prisma.farmerImport.count({ where: { cooperativeId: cooperative.id } })).toBe(0);
  });

  test("a CSV saved in another encoding is refused at the first line that is not UTF-8", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const latin1 = Buffer.concat([
      csv("KR-1,សុខ,,ស្រី,1990,,,ក្រឡាញ់,តាច្រែង,,,"),
      Buffer.from("\nKR-2,Jos", "latin1"),
      Buffer.from([0xe9]), // é in Latin-1
      Buffer.from(",,M,1990,,,Kralanh,Ta Chraeng,,,", "latin1"),
    ]);
    const { preview } = await stageAndPreview(cooperative.id, lead, "members.csv", latin1);
    expect(preview.issues).toEqual([{ line: 3, column: null, key: "farmersImport.encoding" }]);
  });

  test("a header without a required column, or with an unknown one, names it", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const noVillage = Buffer.from(
      "Member number,Name (Khmer),Gender,Birth year,Commune\nKR-1,សុខ,F,1990,Kralanh",
    );
    expect(
      (await stageAndPreview(cooperative.id, lead, "a.csv", noVillage)).preview.issues,
    ).toEqual([{ line: 1, column: "ភូមិ / Village", key: "farmersImport.missingColumn" }]);
    const unknown = Buffer.from(`${HEADER},Favourite colour\n`);
    expect((await stageAndPreview(cooperative.id, lead, "a.csv", unknown)).preview.issues).toEqual([
      { line: 1, column: "M", key: "farmersImport.unknownColumn" },
    ]);
  });

  test("XLSX: rows, dates and numeric phones read; a formula cell is refused by row and column", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Members");
    sheet.addRow(FARMER_COLUMNS.map(headerLabel));
    sheet.addRow([
      "KR-1",
      "សុខ",
      "Sok",
      "ស្រី",
      1990,
      12345678,
      "",
      "ក្រឡាញ់",
      "តាច្រែង",
      "",
      new Date(Date.UTC(2023, 4, 6)),
      "",
    ]);
    const good = Buffer.from(await workbook.xlsx.writeBuffer());
    const ok = await stageAndPreview(cooperative.id, lead, "members.xlsx", good);
    expect(ok.preview).toMatchObject({ rows: 1, created: 1, issueCount: 0 });
    expect(ok.preview.sample[0]).toMatchObject({
      phone: "+85512345678",
      joinedOn: "2023-05-06",
      birthYear: 1990,
    });

    sheet.addRow([
      "KR-2",
      "ចាន់",
      "",
      "ប្រុស",
      { formula: "1980+1", result: 1981 },
      "",
      "",
      "ក្រឡាញ់",
      "តាច្រែង",
    ]);
    const withFormula = Buffer.from(await workbook.xlsx.writeBuffer());
    const bad = await stageAndPreview(cooperative.id, lead, "members.xlsx", withFormula);
    expect(bad.preview.issues).toEqual([
      { line: 3, column: "E · ឆ្នាំកំណើត / Birth year", key: "farmers.errors.formula" },
    ]);
    expect(await applyFarmerImport(cooperative.id, bad.id, lead)).toMatchObject({ ok: false });
    expect(await farmerCount(cooperative.id)).toBe(0);
  });

  test("the export reads back as an import that changes nothing (CSV and XLSX)", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    await createSelfHelpGroup(cooperative.id, "ក្រុម ក", lead);
    const { id } = await stageAndPreview(
      cooperative.id,
      lead,
      "members.csv",
      csv(
        'KR-1,សុខ,"Sok, ""Mom""",ស្រី,1990,012 345 678,ក្រឡាញ់,ក្រឡាញ់,តាច្រែង,ក្រុម ក,2024-03-01,AB123456',
        "KR-2,ចាន់,,ប្រុស,1970,,,ក្រឡាញ់,Ou Kralanh,,,",
      ),
    );
    await applyFarmerImport(cooperative.id, id, lead);
    const before = await prisma.farmer.findMany({
      where: { cooperativeId: cooperative.id },
      select: {
        memberNumber: true,
        name: true,
        nameLatin: true,
        gender: true,
        birthYear: true,
        phone: true,
        villageCode: true,
        selfHelpGroupId: true,
        joinedOn: true,
        nationalId: true,
      },
      orderBy: { id: "asc" },
    });
    for (const format of ["csv", "xlsx"] as const) {
      const exported = await exportFarmers(cooperative.id, format, lead);
      const content = Buffer.from(await new Response(exported).arrayBuffer());
      const back = await stageAndPreview(cooperative.id, lead, `export.${format}`, content);
      expect(back.preview, format).toMatchObject({
        rows: 2,
        created: 0,
        updated: 2,
        issueCount: 0,
      });
      await applyFarmerImport(cooperative.id, back.id, lead);
    }
    const after = await prisma.farmer.findMany({
      where: { cooperativeId: cooperative.id },
      select: {
        memberNumber: true,
        name: true,
        nameLatin: true,
        gender: true,
        birthYear: true,
        phone: true,
        villageCode: true,
        selfHelpGroupId: true,
        joinedOn: true,
        nationalId: true,
      },
      orderBy: { id: "asc" },
    });
    expect(after).toEqual(before);
  });

  test("someone else's upload cannot be previewed or applied", async () => {
    const { cooperative, lead, clerk } = await buildCooperativeWithStaff();
    const id = await stageFarmerImport(cooperative.id, { name: "a.csv", content: csv() }, clerk);
    await expect(previewFarmerImport(cooperative.id, id, lead)).rejects.toMatchObject({
      key: "farmers.errors.notFound",
    });
    const other = await buildCooperativeWithStaff();
    await expect(applyFarmerImport(cooperative.id, id, other.lead)).rejects.toMatchObject({
      key: "farmers.errors.forbidden",
    });
  });
});

describe("imports at the same moment", () => {
  const file = () => csv("C1,សុខ,,ស្រី,1990,,,ក្រឡាញ់,តាច្រែង,,,", "C2,ចាន់,,ប្រុស,1980,,,ក្រឡាញ់,តាច្រែង,,,");

  test("two uploads confirmed behind a held cooperative lock: the second sees the first's members", async () => {
    const { cooperative, lead, clerk } = await buildCooperativeWithStaff();
    const a = await stageFarmerImport(cooperative.id, { name: "a.csv", content: file() }, lead);
    const b = await stageFarmerImport(cooperative.id, { name: "b.csv", content: file() }, clerk);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const locked = new Promise<void>((resolve) => (held = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Organization" WHERE "id" = ${cooperative.id} FOR UPDATE`;
        held();
        await gate;
      },
      { timeout: 20_000 },
    );
    await locked;
    const applies = [
      applyFarmerImport(cooperative.id, a, lead),
      applyFarmerImport(cooperative.id, b, clerk),
    ];
    await vi.waitFor(
      async () => {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        expect(row!.n).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000 },
    );
    expect(await farmerCount(cooperative.id)).toBe(0);
    release();
    await holder;
    const results = await Promise.all(applies);
    expect(results.map((r) => (r.ok ? `${r.created}+${r.updated}` : "refused")).sort()).toEqual([
      "0+2",
      "2+0",
    ]);
    expect(await farmerCount(cooperative.id)).toBe(2);
  });

  test("one upload confirmed twice at once (a double submit) is applied once", async () => {
    const { cooperative, lead } = await buildCooperativeWithStaff();
    const id = await stageFarmerImport(cooperative.id, { name: "a.csv", content: file() }, lead);
    const results = await Promise.allSettled([
      applyFarmerImport(cooperative.id, id, lead),
      applyFarmerImport(cooperative.id, id, lead),
    ]);
    expect(
      results
        .map((r) => (r.status === "fulfilled" ? "applied" : (r.reason as { key: string }).key))
        .sort(),
    ).toEqual(["applied", "farmers.errors.notFound"]);
    expect(
      await prisma.auditEvent.count({
        where: { organizationId: cooperative.id, action: "farmers.imported" },
      }),
    ).toBe(1);
  });
});
