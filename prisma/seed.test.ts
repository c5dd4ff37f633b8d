import fs from "node:fs";
import { verify } from "@node-rs/argon2";
import { describe, expect, test } from "vitest";
import { prisma } from "~/db/db.server";
import { youngFarmerMinBirthYear } from "~/organizations/inclusion";
import { DEMO_PASSWORD, demoAdmin, demoLogins, seedDemoData } from "./seed";

async function counts() {
  const [organizations, farmers, products, users, memberships, groups] = await Promise.all([
    prisma.organization.count(),
    prisma.farmer.count(),
    prisma.product.count(),
    prisma.user.count(),
    prisma.membership.count(),
    prisma.selfHelpGroup.count(),
  ]);
  return { organizations, farmers, products, users, memberships, groups };
}

describe("reference places (inserted by a migration, not the seed)", () => {
  test("all 25 provinces and every district of the gazetteer CSV are there, with Khmer names", async () => {
    const rows = fs
      .readFileSync("prisma/data/cambodia-provinces-districts.csv", "utf8")
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(","));
    const provinces = await prisma.province.findMany({ select: { code: true, nameKm: true } });
    const districts = await prisma.district.findMany({
      select: { code: true, provinceCode: true, nameKm: true },
    });
    expect(provinces).toHaveLength(25);
    expect(provinces.length + districts.length).toBe(rows.length);
    for (const [code, level, , nameKm, , parent] of rows) {
      if (level === "province") expect(provinces).toContainEqual({ code, nameKm });
      else expect(districts).toContainEqual({ code, provinceCode: parent, nameKm });
    }
  });
});

describe("demo data", () => {
  test("is added once: a second run adds nothing", async () => {
    expect(await seedDemoData(prisma)).toEqual({ created: true });
    const first = await counts();
    expect(await seedDemoData(prisma)).toEqual({ created: false });
    expect(await counts()).toEqual(first);
  });

  test("two starts seeding at the same moment still add it once", async () => {
    // This file's database already holds the demo data from the test above, so reset it first.
    await prisma.$executeRawUnsafe(
      'TRUNCATE "AuditEvent", "Session", "Membership", "Password", "User", "Farmer", "SelfHelpGroup", "Organization", "Product" RESTART IDENTITY CASCADE',
    );
    const results = await Promise.all([seedDemoData(prisma), seedDemoData(prisma)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma.organization.count({ where: { slug: "seuac" } })).toBe(1);
  });

  test("looks like the union it serves", async () => {
    const year = new Date().getFullYear();
    const cooperatives = await prisma.organization.findMany({
      where: { kind: "COOPERATIVE" },
      select: { provinceCode: true, _count: { select: { farmers: true } } },
    });
    const provinces = new Set(cooperatives.map((c) => c.provinceCode));
    for (const code of ["17", "04", "06"]) expect(provinces).toContain(code); // Siem Reap, Kampong Chhnang, Kampong Thom
    expect(provinces.size).toBeGreaterThan(3);
    for (const c of cooperatives) expect(c._count.farmers).toBeGreaterThan(10);

    const farmers = await prisma.farmer.count();
    const women = await prisma.farmer.count({ where: { gender: "FEMALE" } });
    const young = await prisma.farmer.count({
      where: { birthYear: { gte: youngFarmerMinBirthYear(year) } },
    });
    expect(women / farmers).toBeGreaterThan(0.4);
    expect(women / farmers).toBeLessThan(0.6);
    expect(young / farmers).toBeGreaterThan(0.1);
    expect(young / farmers).toBeLessThan(0.5);

    expect(await prisma.organization.count({ where: { kind: "BUYER" } })).toBeGreaterThanOrEqual(4);
    expect(await prisma.organization.count({ where: { kind: "UNION" } })).toBe(1);
  });

  test("every demo farmer lives in a gazetteer village of their cooperative's district", async () => {
    const farmers = await prisma.farmer.findMany({
      select: {
        village: true,
        communeCode: true,
        villageRef: { select: { nameKm: true, communeCode: true } },
        commune: { select: { districtCode: true } },
        cooperative: { select: { districtCode: true } },
      },
    });
    expect(farmers.length).toBeGreaterThan(100);
    for (const f of farmers) {
      expect(f.villageRef, f.village).not.toBeNull();
      expect(`ភូមិ${f.villageRef!.nameKm}`).toBe(f.village);
      expect(f.villageRef!.communeCode).toBe(f.communeCode);
      expect(f.commune!.districtCode).toBe(f.cooperative.districtCode);
    }
  });

  test("every demo cooperative has its real commune: one of its district's, where its members live", async () => {
    const cooperatives = await prisma.organization.findMany({
      where: { kind: "COOPERATIVE" },
      select: {
        nameEn: true,
        districtCode: true,
        commune: { select: { code: true, districtCode: true } },
        farmers: { select: { communeCode: true }, distinct: ["communeCode"] },
      },
    });
    expect(cooperatives.length).toBeGreaterThan(0);
    for (const c of cooperatives) {
      expect(c.commune, c.nameEn).not.toBeNull();
      expect(c.commune!.districtCode).toBe(c.districtCode);
      expect(c.farmers.map((f) => f.communeCode)).toEqual([c.commune!.code]);
    }
  });

  test("has about 30 products with Khmer names and plausible riel prices", async () => {
    const products = await prisma.product.findMany({
      select: { nameKm: true, category: true, unit: true, referencePriceKhr: true },
    });
    expect(products.length).toBeGreaterThanOrEqual(25);
    for (const product of products) {
      expect(product.nameKm).toMatch(/[\u1780-\u17FF]/);
      expect(product.referencePriceKhr).toBeGreaterThanOrEqual(300);
      expect(product.referencePriceKhr).toBeLessThanOrEqual(60_000);
    }
    expect(new Set(products.map((p) => p.category))).toEqual(
      new Set(["VEGETABLE", "POULTRY", "EGGS"]),
    );
    expect(products.some((p) => p.nameKm === "ត្រកួន")).toBe(true);
  });

  test("every README demo login exists with its role and the demo password", async () => {
    for (const login of demoLogins) {
      const user = await prisma.user.findUniqueOrThrow({
        where: { email: login.email },
        select: {
          password: { select: { hash: true } },
          memberships: { select: { role: true, organization: { select: { slug: true } } } },
        },
      });
      expect(user.memberships).toEqual([
        { role: login.role, organization: { slug: login.organizationSlug } },
      ]);
      expect(await verify(user.password!.hash, DEMO_PASSWORD)).toBe(true);
    }
    const admin = await prisma.user.findUniqueOrThrow({
      where: { email: demoAdmin.email },
      select: { isAdmin: true },
    });
    expect(admin.isAdmin).toBe(true);
    const readme = fs.readFileSync("README.md", "utf8");
    expect(readme).toContain(demoAdmin.email);
    for (const login of demoLogins) expect(readme).toContain(login.email);
    expect(readme).toContain(DEMO_PASSWORD);
  });
});
