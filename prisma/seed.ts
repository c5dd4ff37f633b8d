// Demo data: realistic cooperatives, farmers, products, buyers and SEUAC, added once.
import { hash } from "@node-rs/argon2";
import { type MembershipRole } from "~/db/generated/enums";
import { type PrismaClient } from "~/db/generated/client";
import { createPrismaClient } from "~/db/client";
import { rebuildPostgresIndex } from "~/search/postgres.server";
import { addDays, cambodiaInstant, cambodiaToday, dateColumn } from "~/calendar/dates";
import { capacityOf } from "~/supply/rules";
import {
  demoBuyers,
  demoCooperatives,
  demoProducts,
  demoUnion,
  familyNames,
  femaleGivenNames,
  maleGivenNames,
} from "./seed/demo-data";
import { seedOrderHistory } from "./seed/history";

export const DEMO_PASSWORD = "phsar-demo-2026";

/** The demo logins listed in the README, one per role. */
export const demoLogins: {
  email: string;
  phone: string;
  name: string;
  role: MembershipRole;
  organizationSlug: string;
}[] = [
  {
    email: "lead@phsar.test",
    phone: "+85512000001",
    name: "សុខ សុភា",
    role: "LEAD",
    organizationSlug: demoCooperatives[0]!.slug,
  },
  {
    email: "clerk@phsar.test",
    phone: "+85512000002",
    name: "ចាន់ ដារ៉ា",
    role: "MEMBER_CLERK",
    organizationSlug: demoCooperatives[0]!.slug,
  },
  {
    email: "lead2@phsar.test",
    phone: "+85512000003",
    name: "ហេង ស្រីមុំ",
    role: "LEAD",
    organizationSlug: demoCooperatives[2]!.slug,
  },
  {
    email: "buyer@phsar.test",
    phone: "+85512000004",
    name: "Lim Sokha",
    role: "OWNER",
    organizationSlug: demoBuyers[0]!.slug,
  },
  {
    email: "purchaser@phsar.test",
    phone: "+85512000005",
    name: "Keo Vanna",
    role: "PURCHASER",
    organizationSlug: demoBuyers[0]!.slug,
  },
  {
    email: "trader@phsar.test",
    phone: "+85512000006",
    name: "Ly Chenda",
    role: "OWNER",
    organizationSlug: demoBuyers.find((b) => b.kind === "TRADER")!.slug,
  },
  {
    email: "monitor@phsar.test",
    phone: "+85512000007",
    name: "ពេជ្រ ចន្ធី",
    role: "MONITOR",
    organizationSlug: demoUnion.slug,
  },
];

/** A platform administrator (Phsar staff), who reads the audit log. */
export const demoAdmin = { email: "admin@phsar.test", phone: "+85512000009", name: "Phsar Admin" };

/** mulberry32: a small seeded generator, so every fresh database gets the same demo farmers. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_LOCK = 727_001; // pg_advisory_xact_lock key: two starts at once must not both seed

/**
 * `history`: also sixteen weeks of past orders for the union dashboard (prisma/seed/history.ts). The
 * app and the end-to-end tests seed with it; unit tests seed without it and build what they need.
 */
export async function seedDemoData(
  prisma: PrismaClient,
  { year = new Date().getFullYear(), history = false } = {},
) {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const passwordHash = await hash(DEMO_PASSWORD);

  const seeded = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
      const existing = await tx.organization.findUnique({
        where: { slug: demoUnion.slug },
        select: { id: true },
      });
      if (existing) return { created: false as const };

      await tx.product.createMany({ data: demoProducts });

      const union = await tx.organization.create({
        data: { ...demoUnion, kind: "UNION" },
        select: { id: true },
      });
      for (const { kind: _kind, ...buyer } of demoBuyers) {
        await tx.organization.create({ data: { ...buyer, kind: "BUYER" }, select: { id: true } });
      }

      const products = await tx.product.findMany({
        select: { id: true, slug: true, unit: true, referencePriceKhr: true },
      });
      const today = cambodiaToday(new Date());

      for (const [index, { selfHelpGroups, ...cooperative }] of demoCooperatives.entries()) {
        const { id: cooperativeId } = await tx.organization.create({
          data: { ...cooperative, kind: "COOPERATIVE", unionId: union.id },
          select: { id: true },
        });
        for (const group of selfHelpGroups) {
          const { id: selfHelpGroupId } = await tx.selfHelpGroup.create({
            data: { cooperativeId, name: group.name },
            select: { id: true },
          });
          const size = between(6, 12);
          await tx.farmer.createMany({
            data: Array.from({ length: size }, () => {
              // About half the members are women; about a quarter are under 35.
              const gender = random() < 0.52 ? ("FEMALE" as const) : ("MALE" as const);
              const young = random() < 0.27;
              return {
                cooperativeId,
                selfHelpGroupId,
                gender,
                name: `${pick(familyNames)} ${pick(gender === "FEMALE" ? femaleGivenNames : maleGivenNames)}`,
                birthYear: young ? between(year - 34, year - 19) : between(year - 68, year - 35),
                village: group.village,
                villageCode: group.villageCode,
                communeCode: group.communeCode,
              };
            }),
          });
        }

        // Three published listings per cooperative, each with two delivery dates next week and
        // pledges from a handful of members, so the market shows real remaining quantities.
        const members = await tx.farmer.findMany({
          where: { cooperativeId },
          select: { id: true },
          orderBy: { id: "asc" },
        });
        for (let n = 0; n < 3; n++) {
          const product = products[(index * 3 + n * 5) % products.length]!;
          const reference = product.referencePriceKhr ?? 3000;
          const priceMinor = Math.max(
            100,
            Math.round((reference * (0.9 + random() * 0.25)) / 100) * 100,
          );
          const listing = await tx.listing.create({
            data: {
              cooperativeId,
              productId: product.id,
              grade: n === 2 ? "B" : "A",
              certification: n === 0 ? "GAP" : "NONE",
              priceMinor,
              currency: "KHR",
              minOrderQuantity: product.unit === "KG" ? 10 : product.unit === "HEAD" ? 5 : 2,
              descriptionKm: "ប្រមូលផលពីកសិករសមាជិក ហើយវេចខ្ចប់នៅសហគមន៍។",
              descriptionEn: "Harvested by member farmers and packed at the cooperative.",
              status: "PUBLISHED",
              deliveryAreas: {
                create: [
                  { provinceCode: cooperative.provinceCode },
                  ...(cooperative.provinceCode === "12" ? [] : [{ provinceCode: "12" }]),
                ],
              },
              priceChanges: { create: { priceMinor, currency: "KHR" } },
            },
            select: { id: true },
          });
          for (const days of [3, 6]) {
            const deliveryDate = addDays(today, days + n);
            const pledgers = members.slice((n * 4) % members.length).slice(0, between(4, 7));
            const pledges = pledgers.map((m) => ({
              farmerId: m.id,
              quantity: product.unit === "KG" ? between(2, 12) * 5 : between(3, 15),
            }));
            await tx.deliveryWindow.create({
              data: {
                listingId: listing.id,
                deliveryDate: dateColumn(deliveryDate),
                cutoffAt: cambodiaInstant(addDays(deliveryDate, -1), "17:00"),
                capacity: capacityOf(pledges),
                pledges: { create: pledges },
              },
              select: { id: true },
            });
          }
        }
      }

      for (const login of demoLogins) {
        const organization = await tx.organization.findUniqueOrThrow({
          where: { slug: login.organizationSlug },
          select: { id: true },
        });
        await tx.user.create({
          data: {
            email: login.email,
            phone: login.phone,
            name: login.name,
            password: { create: { hash: passwordHash } },
            memberships: { create: { organizationId: organization.id, role: login.role } },
          },
          select: { id: true },
        });
      }
      await tx.user.create({
        data: { ...demoAdmin, isAdmin: true, password: { create: { hash: passwordHash } } },
        select: { id: true },
      });
      if (history) {
        const withLogins = new Set(demoLogins.map((l) => l.organizationSlug));
        await seedOrderHistory(tx, {
          today,
          // Its own stream, so the demo farmers stay as they were before the history existed.
          random: seededRandom(2027),
          cooperativeSlugs: demoCooperatives.map((c) => c.slug).filter((s) => !withLogins.has(s)),
          buyerSlugs: demoBuyers.map((b) => b.slug).filter((s) => !withLogins.has(s)),
        });
      }
      // The demo listings are written directly, so build their search rows in the same transaction.
      await rebuildPostgresIndex(tx);
      return { created: true as const };
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  if (history) {
    // Through the payment domain, which works on the app's own client: it must be this database.
    // Also when the demo data was already there, to finish a trail an earlier start left half-done.
    const { recordHistoryMoney } = await import("./seed/money-trail");
    const { sales } = await recordHistoryMoney({ adminEmail: demoAdmin.email });
    if (!seeded.created && sales === 0) return { created: false };
  } else if (!seeded.created) return { created: false };
  // The dashboard reads volumes and prices from its roll-up: fill it now, not a minute later.
  await prisma.$executeRaw`REFRESH MATERIALIZED VIEW "MonitoringDaily"`;
  return { created: seeded.created };
}

/**
 * Seeds the database at `url` with its own short-lived client (for `npm start` and the scripts).
 * The history's money goes through the app's own client, so `url` must be the app's DATABASE_URL.
 */
export async function seedDatabase(url: string) {
  if (process.env.DATABASE_URL !== url)
    throw new Error("seedDatabase: set DATABASE_URL to the database being seeded, before importing the app");
  const prisma = createPrismaClient(url);
  try {
    return await seedDemoData(prisma, { history: true });
  } finally {
    await prisma.$disconnect();
  }
}

// `npx prisma db seed` runs this file directly.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { created } = await seedDatabase(process.env.DATABASE_URL!);
  console.log(created ? "Seeded the demo data." : "Demo data already present.");
}
