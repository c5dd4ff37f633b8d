// `npm run bench:import`: a whole union's membership (BENCH_IMPORT_MEMBERS, default 16,500,
// generated) imported from one CSV through the real preview and confirm, then again as a
// re-import that updates every member, and one page of the member list searched at that size.
// Starts its own embedded PostgreSQL. Goal: each import ≤ 10 s with memory bounded: the script
// runs with a 96 MB JavaScript heap (`--max-old-space-size=96`, the limit is printed beside each
// figure), so an import that held the whole membership in memory would fail here. Peak RSS growth
// is printed too. Not a test: figures depend on the machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import { row, type BenchRow } from "./table";

const MEMBERS = Number(process.env.BENCH_IMPORT_MEMBERS ?? 16_500);
const GOAL_MS = 10_000;
const heapLimitMb = Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024);

export async function runImportBench(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-bench-import-"));
  fs.chmodSync(dir, 0o755);
  const { findFreePort } = await import("../tests/ports");
  const { startEmbeddedPostgres } = await import("../server/embedded-postgres");
  const { migrateDeploy } = await import("../server/database");
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: await findFreePort(),
    database: "phsar_bench_import",
  });
  process.env.DATABASE_URL = db.url;
  try {
    await migrateDeploy(db.url);
    const { prisma } = await import("~/db/db.server");
    const imports = await import("~/organizations/farmer-import.server");
    const { listFarmers } = await import("~/organizations/farmers.server");
    const cooperative = await prisma.organization.create({
      data: {
        slug: "bench",
        kind: "COOPERATIVE",
        nameKm: "សហគមន៍",
        nameEn: "Bench",
        provinceCode: "17",
      },
      select: { id: true },
    });
    const user = await prisma.user.create({
      data: {
        name: "Lead",
        email: "lead@bench.test",
        memberships: { create: { organizationId: cooperative.id, role: "LEAD" } },
      },
      select: { id: true },
    });
    const actor = {
      id: user.id,
      isAdmin: false,
      memberships: [{ organizationId: cooperative.id, role: "LEAD" as const }],
    };
    // 200 self-help groups, members spread over every village of Siem Reap.
    await prisma.selfHelpGroup.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({
        cooperativeId: cooperative.id,
        name: `ក្រុម ${i + 1}`,
      })),
    });
    const villages = await prisma.village.findMany({
      where: { commune: { district: { provinceCode: "17" } } },
      select: { nameKm: true, commune: { select: { code: true } } },
    });
    const families = ["សុខ", "ចាន់", "មាស", "គឹម", "ហេង", "លី", "សៀង", "ឈឹម"];
    const given = ["ស្រីមុំ", "ដារ៉ា", "សុភា", "វណ្ណា", "ចន្ថា", "រតនា", "បូរ៉ា", "សំណាង"];
    const csv = (birthShift: number) => {
      const lines = [
        "Member number,Name (Khmer),Name (Latin),Gender,Birth year,Phone,Commune,Village,Self-help group,Date joined",
      ];
      for (let i = 0; i < MEMBERS; i++) {
        const v = villages[(i * 7919) % villages.length]!;
        lines.push(
          [
            `SR-${String(i + 1).padStart(5, "0")}`,
            `${families[i % 8]} ${given[(i >> 3) % 8]}`,
            `Member ${i + 1}`,
            i % 2 ? "ស្រី" : "ប្រុស",
            1950 + ((i + birthShift) % 55),
            i % 3 ? `0${12_000_000 + (i % 5000)}` : "",
            v.commune.code,
            v.nameKm,
            `ក្រុម ${(i % 200) + 1}`,
            "2020-01-15",
          ].join(","),
        );
      }
      return Buffer.from(lines.join("\n"));
    };
    const rows: BenchRow[] = [];
    for (const [label, shift] of [
      ["first import", 0],
      ["re-import, all updated", 1],
    ] as const) {
      const content = csv(shift);
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const t0 = performance.now();
      const id = await imports.stageFarmerImport(
        cooperative.id,
        { name: "members.csv", content },
        actor,
      );
      const preview = await imports.previewFarmerImport(cooperative.id, id, actor);
      if (preview.issueCount)
        throw new Error(
          `preview found ${preview.issueCount} problems: ${JSON.stringify(preview.issues[0])}`,
        );
      const t1 = performance.now();
      const result = await imports.applyFarmerImport(cooperative.id, id, actor);
      const t2 = performance.now();
      clearInterval(sampler);
      if (!result.ok) throw new Error("the import was refused");
      const mb = (peak - rssBefore) / 1024 / 1024;
      console.log(
        `${label}: ${MEMBERS} members (${(content.length / 1024 / 1024).toFixed(1)} MB CSV), preview ${(t1 - t0).toFixed(0)} ms, confirm ${(t2 - t1).toFixed(0)} ms, ` +
          `created ${result.created}, updated ${result.updated}, RSS +${mb.toFixed(0)} MB`,
      );
      rows.push(
        row(
          `import: ${MEMBERS.toLocaleString("en")} members, ${label}, upload+preview+confirm (goal ≤ 10 s)`,
          t2 - t0,
          "ms",
          GOAL_MS,
          `heap limit ${heapLimitMb} MB`,
        ),
      );
      rows.push(row(`import: ${label}, peak RSS growth`, mb, "MB"));
    }
    const times: number[] = [];
    for (const query of ["ស្រីមុំ", "member 1234", "012001234", ""]) {
      const t0 = performance.now();
      await listFarmers(cooperative.id, actor, { query, page: 3 });
      times.push(performance.now() - t0);
    }
    rows.push(
      row(
        `import: member list page at ${MEMBERS.toLocaleString("en")}, slowest of 4 searches`,
        Math.max(...times),
        "ms",
      ),
    );
    await prisma.$disconnect();
    return rows;
  } finally {
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { renderTable } = await import("./table");
  runImportBench().then(
    (rows) => {
      console.log(`\n${renderTable(rows)}\n`);
      if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows));
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
