import { prisma } from "~/db/db.server";
import { type MembershipRole } from "~/db/generated/enums";
import { recordAudit } from "~/audit/audit.server";
import { isRoleForKind, managerRoles } from "~/auth/permissions";
import { type Identifier } from "~/auth/identifier";
import { hashToken, randomToken } from "~/auth/tokens.server";
import { accountMessages } from "~/auth/notifier.server";
import { publicUrl } from "~/http/public-url.server";
import { wakeOutbox } from "~/messages/outbox.server";
import { DomainError } from "~/validation/errors";

const INVITATION_DAYS = 7;

export class MembershipError extends DomainError {
  constructor(
    public readonly key:
      | "validation.role"
      | "validation.lastManager"
      | "invitation.invalid"
      | "invitation.alreadyMember",
  ) {
    super(key);
    this.name = "MembershipError";
  }
}

export async function listMembers(organizationId: number) {
  return prisma.membership.findMany({
    where: { organizationId },
    select: {
      id: true,
      role: true,
      createdAt: true,
      user: { select: { id: true, name: true, email: true, phone: true } },
    },
    orderBy: { id: "asc" },
  });
}

export async function listOpenInvitations(organizationId: number) {
  return prisma.invitation.findMany({
    where: { organizationId, acceptedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, role: true, expiresAt: true, createdBy: { select: { name: true } } },
    orderBy: { id: "desc" },
  });
}

/**
 * Creates a single-use invitation and returns its token; only its hash is stored. When the inviter
 * names the invitee, the link is also sent to them (email, or SMS once a gateway is configured:
 * until then the SMS waits, HELD, and the inviter passes the link on) in the same transaction.
 */
export async function createInvitation(
  organization: { id: number; kind: "COOPERATIVE" | "BUYER" | "UNION" },
  role: MembershipRole,
  actor: { userId: number; ipAddress: string },
  /** Whom it is for, when the inviter names them (a cooperative's lead). */
  invitee?: Identifier,
) {
  if (!isRoleForKind(role, organization.kind)) throw new MembershipError("validation.role");
  const token = randomToken();
  const inviteeEmail = invitee?.kind === "email" ? invitee.email : null;
  const inviteePhone = invitee?.kind === "phone" ? invitee.phone : null;
  const messageIds = await prisma.$transaction(async (tx) => {
    const invitation = await tx.invitation.create({
      data: {
        tokenHash: hashToken(token),
        organizationId: organization.id,
        role,
        createdById: actor.userId,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 60 * 60 * 1000),
        inviteeEmail,
        inviteePhone,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "membership.invited",
        actorUserId: actor.userId,
        organizationId: organization.id,
        targetType: "Invitation",
        targetId: invitation.id,
        details: invitee ? { role, invitee: inviteeEmail ?? inviteePhone } : { role },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    if (!invitee) return [];
    const names = await tx.organization.findUniqueOrThrow({
      where: { id: organization.id },
      select: { nameKm: true, nameEn: true },
    });
    return accountMessages.invitation(
      tx,
      invitation.id,
      { email: inviteeEmail, phone: inviteePhone },
      publicUrl(`/invitations/${token}`),
      { organization: { km: names.nameKm, en: names.nameEn }, role },
    );
  });
  await wakeOutbox(messageIds);
  return token;
}

export async function findOpenInvitation(token: string) {
  return prisma.invitation.findFirst({
    where: { tokenHash: hashToken(token), acceptedAt: null, expiresAt: { gt: new Date() } },
    select: {
      id: true,
      role: true,
      organization: { select: { id: true, slug: true, nameKm: true, nameEn: true } },
    },
  });
}

/** Accepts an invitation once: claiming it and creating the membership happen in one transaction. */
export async function acceptInvitation(
  token: string,
  actor: { userId: number; ipAddress: string },
) {
  return prisma.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({
      where: { tokenHash: hashToken(token) },
      select: {
        id: true,
        role: true,
        organizationId: true,
        organization: { select: { slug: true } },
      },
    });
    if (!invitation) throw new MembershipError("invitation.invalid");
    const existing = await tx.membership.findUnique({
      where: {
        userId_organizationId: { userId: actor.userId, organizationId: invitation.organizationId },
      },
      select: { id: true },
    });
    if (existing) throw new MembershipError("invitation.alreadyMember");
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date(), acceptedById: actor.userId },
    });
    if (claimed.count !== 1) throw new MembershipError("invitation.invalid");
    await tx.membership.create({
      data: {
        userId: actor.userId,
        organizationId: invitation.organizationId,
        role: invitation.role,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "membership.joined",
        actorUserId: actor.userId,
        organizationId: invitation.organizationId,
        targetType: "Invitation",
        targetId: invitation.id,
        details: { role: invitation.role },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
    return invitation.organization.slug;
  });
}

/**
 * Changes a member's role within the same organization. The last lead or owner cannot be demoted or
 * removed: an organization without a manager could never be managed again.
 */
export async function changeMemberRole(
  organization: { id: number; kind: "COOPERATIVE" | "BUYER" | "UNION" },
  membershipId: number,
  role: MembershipRole | null,
  actor: { userId: number; ipAddress: string },
) {
  if (role && !isRoleForKind(role, organization.kind)) throw new MembershipError("validation.role");
  await prisma.$transaction(async (tx) => {
    // Lock the organization's memberships so two demotions at once cannot leave it without a manager.
    await tx.$queryRaw`SELECT "id" FROM "Membership" WHERE "organizationId" = ${organization.id} FOR UPDATE`;
    const membership = await tx.membership.findFirst({
      where: { id: membershipId, organizationId: organization.id },
      select: { id: true, role: true, userId: true },
    });
    if (!membership) throw new MembershipError("validation.role");
    const losesManager =
      managerRoles.includes(membership.role) && (!role || !managerRoles.includes(role));
    if (losesManager) {
      const managers = await tx.membership.count({
        where: { organizationId: organization.id, role: { in: managerRoles } },
      });
      if (managers <= 1) throw new MembershipError("validation.lastManager");
    }
    if (role)
      await tx.membership.update({
        where: { id: membership.id },
        data: { role },
        select: { id: true },
      });
    else await tx.membership.delete({ where: { id: membership.id }, select: { id: true } });
    await recordAudit(
      {
        action: role ? "membership.role_changed" : "membership.removed",
        actorUserId: actor.userId,
        organizationId: organization.id,
        targetType: "User",
        targetId: membership.userId,
        details: { from: membership.role, to: role },
        ipAddress: actor.ipAddress,
      },
      tx,
    );
  });
}
