import { describe, expect, test } from "vitest";
import { can, isRoleForKind, type Actor } from "./permissions";

const lead = (organizationId: number): Actor => ({
  isAdmin: false,
  memberships: [{ organizationId, role: "LEAD" }],
});

describe("can", () => {
  test("a lead manages their own cooperative, not another one", () => {
    expect(can(lead(1), "update:organization:own", 1)).toBe(true);
    expect(can(lead(1), "update:organization:own", 2)).toBe(false);
  });
  test("a clerk sees members but does not manage them", () => {
    const clerk: Actor = {
      isAdmin: false,
      memberships: [{ organizationId: 1, role: "MEMBER_CLERK" }],
    };
    expect(can(clerk, "view:members:own", 1)).toBe(true);
    expect(can(clerk, "manage:members:own", 1)).toBe(false);
  });
  test("monitors see the dashboard, leads do not, nobody without an account does", () => {
    expect(
      can(
        { isAdmin: false, memberships: [{ organizationId: 9, role: "MONITOR" }] },
        "view:dashboard:any",
      ),
    ).toBe(true);
    expect(can(lead(1), "view:dashboard:any")).toBe(false);
    expect(can(null, "view:dashboard:any")).toBe(false);
  });
  test("only platform admins see the audit log", () => {
    expect(can({ isAdmin: true, memberships: [] }, "view:audit-log:any")).toBe(true);
    expect(can(lead(1), "view:audit-log:any")).toBe(false);
  });
});

describe("roles per kind of organization", () => {
  test("cooperative roles do not fit a buyer", () => {
    expect(isRoleForKind("LEAD", "COOPERATIVE")).toBe(true);
    expect(isRoleForKind("LEAD", "BUYER")).toBe(false);
    expect(isRoleForKind("MONITOR", "UNION")).toBe(true);
  });
});
