// One place for who may do what. Checked on the server (app/auth/session.server.ts) and reused by
// the UI to hide what a user cannot do. Pure: no database, safe in the browser.
import { type MembershipRole, type OrganizationKind } from "~/db/generated/enums";

export const rolesByKind: Record<OrganizationKind, MembershipRole[]> = {
  COOPERATIVE: ["LEAD", "MEMBER_CLERK"],
  BUYER: ["OWNER", "PURCHASER"],
  UNION: ["MONITOR"],
};

/** Roles that manage their organization: edit its profile, invite people, change roles. */
export const managerRoles: MembershipRole[] = ["LEAD", "OWNER"];

export type Permission =
  | "update:organization:own"
  | "manage:members:own"
  | "view:members:own"
  | "manage:listings:own"
  | "record:pledges:own"
  | "record:farmers:own"
  | "manage:farmers:own"
  | "place:orders:own"
  | "decide:orders:own"
  | "fulfil:orders:own"
  | "view:dashboard:any"
  | "view:audit-log:any"
  | "allocate:refunds:any"
  | "manage:payments:own"
  | "pay:orders:own"
  | "manage:cooperatives:own"
  | "manage:products:any"
  | "record:credits:own"
  | "cancel:credits:own"
  | "repay:credits:own"
  | "pay:members:own"
  | "view:member-payments:own";

const rules: Record<Permission, { roles: MembershipRole[]; scope: "own" | "any" }> = {
  "update:organization:own": { roles: managerRoles, scope: "own" },
  "manage:members:own": { roles: managerRoles, scope: "own" },
  "view:members:own": {
    roles: ["LEAD", "MEMBER_CLERK", "OWNER", "PURCHASER", "MONITOR"],
    scope: "own",
  },
  "manage:listings:own": { roles: ["LEAD"], scope: "own" },
  "record:pledges:own": { roles: ["LEAD", "MEMBER_CLERK"], scope: "own" },
  // Clerks keep the member register (add, edit, import); only the lead deactivates or merges groups.
  "record:farmers:own": { roles: ["LEAD", "MEMBER_CLERK"], scope: "own" },
  "manage:farmers:own": { roles: ["LEAD"], scope: "own" },
  // Buyers' people order; a cooperative's lead accepts or rejects, and its clerks help pack.
  "place:orders:own": { roles: ["OWNER", "PURCHASER"], scope: "own" },
  "decide:orders:own": { roles: ["LEAD"], scope: "own" },
  "fulfil:orders:own": { roles: ["LEAD", "MEMBER_CLERK"], scope: "own" },
  "view:dashboard:any": { roles: ["MONITOR"], scope: "any" },
  "view:audit-log:any": { roles: [], scope: "any" }, // platform admins only
  // Say which sub-orders a refund made in the Stripe Dashboard was for: platform admins only.
  "allocate:refunds:any": { roles: [], scope: "any" },
  // A cooperative's lead marks money received and paid out, and onboards its Stripe account.
  "manage:payments:own": { roles: ["LEAD"], scope: "own" },
  "pay:orders:own": { roles: ["OWNER", "PURCHASER"], scope: "own" },
  // A union's staff create, change, invite the leads of and deactivate the union's cooperatives
  // ("own": the organization checked is the union). Unions themselves are made by admins only.
  "manage:cooperatives:own": { roles: ["MONITOR"], scope: "own" },
  // The product catalogue is shared by every cooperative: the union's staff (and admins) keep it.
  "manage:products:any": { roles: ["MONITOR"], scope: "any" },
  // Members' input credits: clerks record them with the lead; only the lead cancels a wrong one.
  "record:credits:own": { roles: ["LEAD", "MEMBER_CLERK"], scope: "own" },
  "cancel:credits:own": { roles: ["LEAD"], scope: "own" },
  // Cash a member hands back against a credit is money the lead answers for, as for paying members.
  "repay:credits:own": { roles: ["LEAD"], scope: "own" },
  // Paying members is the lead's (the money leaves the cooperative); clerks print slips beside them.
  "pay:members:own": { roles: ["LEAD"], scope: "own" },
  "view:member-payments:own": { roles: ["LEAD", "MEMBER_CLERK"], scope: "own" },
};

export type Actor = {
  isAdmin: boolean;
  memberships: { organizationId: number; role: MembershipRole }[];
};

/**
 * Who runs a domain command: the signed-in user as `requireUser` loads them (id and permissions),
 * and where from, for the audit log. Commands check their own permission with it.
 */
export type CommandActor = Actor & { id: number; ipAddress?: string };

/** May `actor` do `permission`, for organization `organizationId` when the permission is "own"? */
export function can(actor: Actor | null, permission: Permission, organizationId?: number) {
  if (!actor) return false;
  if (actor.isAdmin) return true;
  const rule = rules[permission];
  return actor.memberships.some(
    (m) =>
      rule.roles.includes(m.role) && (rule.scope === "any" || m.organizationId === organizationId),
  );
}

export function isRoleForKind(role: MembershipRole, kind: OrganizationKind) {
  return rolesByKind[kind].includes(role);
}
