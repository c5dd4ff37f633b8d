// Bulk import of a cooperative's member list: upload → preview → confirm, all or nothing. A row
// whose member number is already in the register updates that member instead of adding another.
import { prisma } from "~/db/db.server";
import { type Gender } from "~/db/generated/enums";
import { recordAudit } from "~/audit/audit.server";
import { can, type Permission } from "~/auth/permissions";
import { normalizeText } from "~/search/normalize";
import { cambodiaToday } from "~/calendar/dates";
import {
  farmerSearchText,
  genderLabelKm,
  parseFarmerFields,
  parseMemberNumber,
  type FarmerFields,
} from "./farmer-rules";
import {
  csvHeader,
  csvLine,
  detectFormat,
  FARMER_COLUMNS,
  headerLabel,
  readFarmerSheet,
  SheetError,
  xlsxBuffer,
  type ColumnKey,
  type SheetFormat,
  type SheetHeader,
  type SheetRow,
} from "./farmer-sheet.server";
import { FarmerError, type FarmerActor } from "./farmers.server";

export type ImportIssue = {
  line: number | null;
  /** Column letter and heading, e.g. "E · ឆ្នាំកំណើត / Birth year". */
  column: string | null;
  key: string;
  /** Another line the issue refers to (a duplicate member number). */
  otherLine?: number;
};

const MAX_ISSUES_SHOWN = 200;
const BATCH = 1000;
/** Uploads nobody confirmed are removed after this long. */
const STAGED_HOURS = 24;

function assertCan(actor: FarmerActor, permission: Permission, cooperativeId: number) {
  if (!can(actor, permission, cooperativeId)) throw new FarmerError("farmers.errors.forbidden");
}

/** Keeps an upload for its preview; refuses at once what is not a CSV/XLSX member list at all. */
export async function stageFarmerImport(
  cooperativeId: number,
  file: { name: string; content: Buffer },
  actor: FarmerActor,
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const format = detectFormat(file.name, file.content);
  await prisma.farmerImport.deleteMany({
    where: { createdAt: { lt: new Date(Date.now() - STAGED_HOURS * 3_600_000) } },
  });
  const staged = await prisma.farmerImport.create({
    data: {
      cooperativeId,
      createdById: actor.id,
      fileName: file.name.slice(0, 200),
      format,
      content: new Uint8Array(file.content),
    },
    select: { id: true },
  });
  return staged.id;
}

async function stagedImport(cooperativeId: number, importId: number, actor: FarmerActor) {
  const staged = await prisma.farmerImport.findFirst({
    where: { id: importId, cooperativeId, createdById: actor.id },
    select: { id: true, fileName: true, format: true, content: true },
  });
  if (!staged) throw new FarmerError("farmers.errors.notFound");
  return { ...staged, content: Buffer.from(staged.content), format: staged.format as SheetFormat };
}

export async function discardFarmerImport(
  cooperativeId: number,
  importId: number,
  actor: FarmerActor,
) {
  assertCan(actor, "record:farmers:own", cooperativeId);
  await prisma.farmerImport.deleteMany({
    where: { id: importId, cooperativeId, createdById: actor.id },
  });
}

type Db = Pick<typeof prisma, "farmer" | "selfHelpGroup" | "commune" | "district" | "$executeRaw">;

type PlaceIndex = {
  districts: Map<string, string[]>;
  communes: Map<string, { code: string; districtCode: string }[]>;
  villages: Map<string, { code: string; nameKm: string }[]>;
};

// "ភូមិ ក្រឡាញ់", "Phum Kralanh", "kralanh village" all name the village ក្រឡាញ់/Kralanh.
const UNIT_WORDS =
  /^(ភូមិ|ឃុំ|សង្កាត់|ស្រុក|ក្រុង|ខណ្ឌ|phum|khum|sangkat|srok|krong|khan|village|commune|district)\s*|\s*(village|commune|district)$/gu;
const placeKey = (name: string) =>
  normalizeText(name).trim().replace(UNIT_WORDS, "").replace(/\s+/g, "");

function add<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function placeIndex(db: Db, provinceCode: string): Promise<PlaceIndex> {
  const communes = await db.commune.findMany({
    where: { district: { provinceCode } },
    select: {
      code: true,
      nameKm: true,
      nameEn: true,
      districtCode: true,
      district: { select: { nameKm: true, nameEn: true } },
      villages: { select: { code: true, nameKm: true, nameEn: true } },
    },
  });
  const index: PlaceIndex = { districts: new Map(), communes: new Map(), villages: new Map() };
  const seenDistricts = new Set<string>();
  for (const commune of communes) {
    if (!seenDistricts.has(commune.districtCode)) {
      seenDistricts.add(commune.districtCode);
      for (const name of [commune.district.nameKm, commune.district.nameEn, commune.districtCode])
        add(index.districts, placeKey(name), commune.districtCode);
    }
    const c = { code: commune.code, districtCode: commune.districtCode };
    for (const name of [commune.nameKm, commune.nameEn, commune.code])
      add(index.communes, placeKey(name), c);
    for (const village of commune.villages) {
      const v = { code: village.code, nameKm: village.nameKm };
      for (const name of [village.nameKm, village.nameEn])
        add(index.villages, `${commune.code}:${placeKey(name)}`, v);
      add(index.villages, `${commune.code}:${village.code}`, v);
    }
  }
  return index;
}

type ImportContext = {
  cooperativeId: number;
  year: number;
  today: string;
  places: PlaceIndex;
  groups: Map<string, number>;
  existing: Map<string, number>;
};

async function importContext(db: Db, cooperativeId: number, now: Date): Promise<ImportContext> {
  const cooperative = await prisma.organization.findFirst({
    where: { id: cooperativeId, kind: "COOPERATIVE" },
    select: { provinceCode: true },
  });
  if (!cooperative) throw new FarmerError("farmers.errors.notFound");
  const today = cambodiaToday(now);
  const [places, groups, existing] = await Promise.all([
    placeIndex(db, cooperative.provinceCode),
    db.selfHelpGroup.findMany({ where: { cooperativeId }, select: { id: true, name: true } }),
    db.farmer.findMany({
      where: { cooperativeId, memberNumber: { not: null } },
      select: { id: true, memberNumber: true },
    }),
  ]);
  return {
    cooperativeId,
    year: Number(today.slice(0, 4)),
    today,
    places,
    groups: new Map(groups.map((g) => [normalizeText(g.name).replace(/\s+/g, " ").trim(), g.id])),
    existing: new Map(existing.map((f) => [f.memberNumber!, f.id])),
  };
}

export type ImportRow = {
  line: number;
  memberNumber: string;
  name: string;
  nameLatin: string;
  gender: Gender;
  birthYear: number;
  phone: string | null;
  nationalId: string | null;
  joinedOn: string | null;
  village: string;
  villageCode: string;
  communeCode: string;
  selfHelpGroupId: number | null;
  searchText: string;
};

function checkRow(
  row: SheetRow,
  letters: SheetHeader,
  context: ImportContext,
  seen: Map<string, number>,
): { row: ImportRow | null; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const at = (key: ColumnKey) => {
    const column = FARMER_COLUMNS.find((c) => c.key === key)!;
    return `${letters[key] ?? "?"} · ${headerLabel(column)}`;
  };
  const text = (key: ColumnKey) => {
    const cell = row.cells[key];
    if (!cell) return "";
    // Excel drops a phone's leading 0 when the cell is a number: 12345678 is 012 345 678.
    if (key === "phone" && cell.numeric && /^[1-9]\d{7,8}$/.test(cell.text)) return `0${cell.text}`;
    return cell.text;
  };
  for (const [key, cell] of Object.entries(row.cells))
    if (cell?.formula)
      issues.push({ line: row.line, column: at(key as ColumnKey), key: "farmers.errors.formula" });
  if (issues.length) return { row: null, issues };

  const fields: FarmerFields = {
    name: text("name"),
    nameLatin: text("nameLatin"),
    gender: text("gender"),
    birthYear: text("birthYear"),
    phone: text("phone"),
    nationalId: text("nationalId"),
    joinedOn: text("joinedOn"),
    memberNumber: text("memberNumber"),
  };
  const parsed = parseFarmerFields(fields, {
    year: context.year,
    today: context.today,
    memberNumberRequired: true,
  });
  if (!parsed.ok)
    for (const [key, error] of Object.entries(parsed.errors))
      issues.push({ line: row.line, column: at(key as ColumnKey), key: error });

  // District (optional: it only tells communes of the same name apart), commune, village.
  let districtCodes: string[] | null = null;
  const districtText = text("district").trim();
  if (districtText) {
    districtCodes = context.places.districts.get(placeKey(districtText)) ?? null;
    if (!districtCodes)
      issues.push({
        line: row.line,
        column: at("district"),
        key: "farmersImport.unknownDistrict",
      });
  }
  let communeCode: string | null = null;
  const communeText = text("commune").trim();
  if (!communeText)
    issues.push({ line: row.line, column: at("commune"), key: "farmersImport.unknownCommune" });
  else if (!districtText || districtCodes) {
    const candidates = (context.places.communes.get(placeKey(communeText)) ?? []).filter(
      (c) => !districtCodes || districtCodes.includes(c.districtCode),
    );
    if (candidates.length === 1) communeCode = candidates[0]!.code;
    else
      issues.push({
        line: row.line,
        column: at("commune"),
        key: candidates.length ? "farmersImport.ambiguousCommune" : "farmersImport.unknownCommune",
      });
  }
  let village: { code: string; nameKm: string } | null = null;
  if (communeCode) {
    const villageText = text("village").trim();
    const candidates = villageText
      ? (context.places.villages.get(`${communeCode}:${placeKey(villageText)}`) ??
        context.places.villages.get(`${communeCode}:${villageText}`) ??
        [])
      : [];
    if (candidates.length === 1) village = candidates[0]!;
    else
      issues.push({
        line: row.line,
        column: at("village"),
        key: candidates.length ? "farmersImport.ambiguousVillage" : "farmersImport.unknownVillage",
      });
  }
  let selfHelpGroupId: number | null = null;
  const groupText = text("selfHelpGroup").trim();
  if (groupText) {
    selfHelpGroupId =
      context.groups.get(normalizeText(groupText).replace(/\s+/g, " ").trim()) ?? null;
    if (!selfHelpGroupId)
      issues.push({
        line: row.line,
        column: at("selfHelpGroup"),
        key: "farmersImport.unknownGroup",
      });
  }
  // Checked even when other cells of the row are wrong, so a duplicate is told at once.
  const number = parseMemberNumber(fields.memberNumber, true);
  if (number.ok && number.value) {
    const first = seen.get(number.value);
    if (first !== undefined)
      issues.push({
        line: row.line,
        column: at("memberNumber"),
        key: "farmersImport.duplicateNumber",
        otherLine: first,
      });
    else seen.set(number.value, row.line);
  }
  if (issues.length || !parsed.ok || !village || !communeCode) return { row: null, issues };
  const value = parsed.value;
  return {
    row: {
      line: row.line,
      ...value,
      memberNumber: value.memberNumber!,
      village: village.nameKm,
      villageCode: village.code,
      communeCode,
      selfHelpGroupId,
      searchText: farmerSearchText(value),
    },
    issues,
  };
}

type Checked = {
  rows: number;
  created: number;
  updated: number;
  issues: ImportIssue[];
  issueCount: number;
};

/** Reads every row once, streaming; `onRow` gets each valid row (in order) as it is checked. */
async function checkSheet(
  staged: { content: Buffer; format: SheetFormat },
  context: ImportContext,
  onRow: (row: ImportRow) => Promise<void> | void,
): Promise<Checked> {
  const result: Checked = { rows: 0, created: 0, updated: 0, issues: [], issueCount: 0 };
  const seen = new Map<string, number>();
  let letters: SheetHeader = {};
  const note = (issue: ImportIssue) => {
    result.issueCount++;
    if (result.issues.length < MAX_ISSUES_SHOWN) result.issues.push(issue);
  };
  try {
    for await (const sheetRow of readFarmerSheet(staged.content, staged.format, (l) => {
      letters = l;
    })) {
      result.rows++;
      const { row, issues } = checkRow(sheetRow, letters, context, seen);
      issues.forEach(note);
      if (!row) continue;
      if (context.existing.has(row.memberNumber)) result.updated++;
      else result.created++;
      // Once a row is wrong nothing will be written, so stop handing rows on (keep checking).
      if (result.issueCount === 0) await onRow(row);
    }
  } catch (error) {
    if (!(error instanceof SheetError)) throw error;
    note({ line: error.line ?? null, column: error.column ?? null, key: error.key });
  }
  if (result.rows === 0 && result.issueCount === 0)
    note({ line: null, column: null, key: "farmersImport.empty" });
  return result;
}

export type ImportPreview = Checked & { fileName: string; sample: ImportRow[] };

/** What confirming the upload would do: how many members added and updated, and every problem. */
export async function previewFarmerImport(
  cooperativeId: number,
  importId: number,
  actor: FarmerActor,
  now = new Date(),
): Promise<ImportPreview> {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const staged = await stagedImport(cooperativeId, importId, actor);
  const context = await importContext(prisma, cooperativeId, now);
  const sample: ImportRow[] = [];
  const checked = await checkSheet(staged, context, (row) => {
    if (sample.length < 20) sample.push(row);
  });
  return { ...checked, fileName: staged.fileName, sample };
}

class ImportRefused extends Error {
  constructor(public readonly checked: Checked) {
    super("import refused");
  }
}

async function upsertBatch(db: Db, cooperativeId: number, rows: ImportRow[]) {
  const col = <K extends keyof ImportRow>(key: K) => rows.map((r) => r[key]);
  // One statement per batch; the unique (cooperativeId, memberNumber) index decides add or update.
  // A deactivated member stays deactivated: the import changes their details, not their status.
  await db.$executeRaw`
    INSERT INTO "Farmer" ("cooperativeId", "memberNumber", "name", "nameLatin", "gender", "birthYear",
      "phone", "nationalId", "joinedOn", "village", "villageCode", "communeCode", "selfHelpGroupId",
      "searchText", "updatedAt")
    SELECT ${cooperativeId}, t.* , now() FROM unnest(
      ${col("memberNumber")}::text[], ${col("name")}::text[], ${col("nameLatin")}::text[],
      ${col("gender")}::"Gender"[], ${col("birthYear")}::int[], ${col("phone")}::text[],
      ${col("nationalId")}::text[], ${col("joinedOn")}::date[], ${col("village")}::text[],
      ${col("villageCode")}::varchar[], ${col("communeCode")}::varchar[],
      ${col("selfHelpGroupId")}::int[], ${col("searchText")}::text[]) AS t
    ON CONFLICT ("cooperativeId", "memberNumber") DO UPDATE SET
      "name" = EXCLUDED."name", "nameLatin" = EXCLUDED."nameLatin", "gender" = EXCLUDED."gender",
      "birthYear" = EXCLUDED."birthYear", "phone" = EXCLUDED."phone",
      "nationalId" = EXCLUDED."nationalId", "joinedOn" = EXCLUDED."joinedOn",
      "village" = EXCLUDED."village", "villageCode" = EXCLUDED."villageCode",
      "communeCode" = EXCLUDED."communeCode", "selfHelpGroupId" = EXCLUDED."selfHelpGroupId",
      "searchText" = EXCLUDED."searchText", "updatedAt" = now()`;
}

/**
 * Writes the confirmed upload in one transaction: every row is checked again (groups or the
 * register may have changed since the preview) and a single problem rolls everything back.
 */
export async function applyFarmerImport(
  cooperativeId: number,
  importId: number,
  actor: FarmerActor,
  now = new Date(),
): Promise<{ ok: true; created: number; updated: number } | { ok: false; checked: Checked }> {
  assertCan(actor, "record:farmers:own", cooperativeId);
  const staged = await stagedImport(cooperativeId, importId, actor);
  try {
    return await prisma.$transaction(
      async (tx) => {
        // One import per cooperative at a time: the second waits and then sees the first's members.
        await tx.$queryRaw`SELECT "id" FROM "Organization" WHERE "id" = ${cooperativeId} FOR UPDATE`;
        // Claimed under the lock: a double-submitted confirmation applies the upload once.
        const claimed = await tx.farmerImport.deleteMany({ where: { id: staged.id } });
        if (claimed.count !== 1) throw new FarmerError("farmers.errors.notFound");
        const context = await importContext(tx, cooperativeId, now);
        let batch: ImportRow[] = [];
        const checked = await checkSheet(staged, context, async (row) => {
          batch.push(row);
          if (batch.length >= BATCH) {
            await upsertBatch(tx, cooperativeId, batch);
            batch = [];
          }
        });
        if (checked.issueCount > 0) throw new ImportRefused(checked);
        if (batch.length) await upsertBatch(tx, cooperativeId, batch);
        await recordAudit(
          {
            action: "farmers.imported",
            actorUserId: actor.id,
            organizationId: cooperativeId,
            targetType: "FarmerImport",
            targetId: staged.id,
            details: {
              fileName: staged.fileName,
              rows: checked.rows,
              created: checked.created,
              updated: checked.updated,
            },
            ipAddress: actor.ipAddress,
          },
          tx,
        );
        return { ok: true as const, created: checked.created, updated: checked.updated };
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, checked: error.checked };
    throw error;
  }
}

const EXPORT_PAGE = 2000;

/** Every member (active and not) as template rows, read page by page. */
async function* exportRows(cooperativeId: number) {
  let after = 0;
  for (;;) {
    const farmers = await prisma.farmer.findMany({
      where: { cooperativeId, id: { gt: after } },
      select: {
        id: true,
        memberNumber: true,
        name: true,
        nameLatin: true,
        gender: true,
        birthYear: true,
        phone: true,
        village: true,
        joinedOn: true,
        nationalId: true,
        villageRef: { select: { nameKm: true } },
        commune: { select: { nameKm: true, district: { select: { nameKm: true } } } },
        selfHelpGroup: { select: { name: true } },
      },
      orderBy: { id: "asc" },
      take: EXPORT_PAGE,
    });
    if (!farmers.length) return;
    after = farmers[farmers.length - 1]!.id;
    for (const f of farmers)
      yield [
        f.memberNumber ?? "",
        f.name,
        f.nameLatin,
        genderLabelKm[f.gender],
        String(f.birthYear),
        // National form ("012345678"): a leading "+" would make a spreadsheet read a formula.
        f.phone ? `0${f.phone.slice(4)}` : "",
        f.commune?.district.nameKm ?? "",
        f.commune?.nameKm ?? "",
        f.villageRef?.nameKm ?? f.village,
        f.selfHelpGroup?.name ?? "",
        f.joinedOn ? f.joinedOn.toISOString().slice(0, 10) : "",
        f.nationalId ?? "",
      ];
  }
}

async function collect<T>(rows: AsyncIterable<T>) {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** The member list in the import's own format, so an export edited and uploaded again updates. */
export async function exportFarmers(
  cooperativeId: number,
  format: SheetFormat,
  actor: FarmerActor,
  { template = false } = {},
): Promise<ReadableStream<Uint8Array> | Blob> {
  assertCan(actor, "record:farmers:own", cooperativeId);
  if (format === "xlsx")
    return new Blob([
      new Uint8Array(await xlsxBuffer(template ? [] : await collect(exportRows(cooperativeId)))),
    ]);
  const source = template ? (async function* () {})() : exportRows(cooperativeId);
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeader()));
        return;
      }
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(csvLine(next.value)));
    },
  });
}
