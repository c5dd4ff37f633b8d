// A cooperative in Kralanh (Siem Reap) with a lead and a clerk, for the member register tests.
import { prisma } from "~/db/db.server";
import { type FarmerActor } from "~/organizations/farmers.server";

let counter = 0;

export async function buildCooperativeWithStaff() {
  const n = `${process.pid}-${++counter}`;
  const cooperative = await prisma.organization.create({
    data: {
      slug: `register-test-${n}`,
      kind: "COOPERATIVE",
      nameKm: `សហគមន៍ ${n}`,
      nameEn: `Register test ${n}`,
      provinceCode: "17",
      districtCode: "1706",
    },
    select: { id: true, slug: true },
  });
  const person = async (role: "LEAD" | "MEMBER_CLERK"): Promise<FarmerActor> => {
    const user = await prisma.user.create({
      data: {
        name: `${role} ${n}`,
        email: `${role.toLowerCase()}-${n}@register.test`,
        memberships: { create: { organizationId: cooperative.id, role } },
      },
      select: { id: true },
    });
    return {
      id: user.id,
      isAdmin: false,
      memberships: [{ organizationId: cooperative.id, role }],
      ipAddress: "192.0.2.7",
    };
  };
  return { cooperative, lead: await person("LEAD"), clerk: await person("MEMBER_CLERK") };
}

/** A member form as a browser posts it (a village of Kralanh commune). */
export function farmerForm(overrides: Record<string, string> = {}) {
  return {
    name: "សុខ ស្រីមុំ",
    nameLatin: "Sok Sreymom",
    gender: "FEMALE",
    birthYear: "1990",
    phone: "012 345 678",
    nationalId: "",
    joinedOn: "2024-03-01",
    memberNumber: "KR-001",
    villageCode: "17060301",
    selfHelpGroupId: "",
    ...overrides,
  };
}
