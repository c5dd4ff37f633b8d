import { prisma } from "~/db/db.server";
import { type Prisma } from "~/db/generated/client";

export type AuditAction =
  | "auth.sign_in"
  | "auth.sign_in_failed"
  | "auth.sign_up"
  | "auth.sign_out_everywhere"
  | "auth.session_revoked"
  | "auth.password_reset_requested"
  | "auth.password_reset"
  | "auth.admin_granted"
  | "auth.setup_completed"
  | "union.created"
  | "cooperative.created"
  | "cooperative.updated"
  | "cooperative.deactivated"
  | "cooperative.reactivated"
  | "organization.updated"
  | "membership.invited"
  | "membership.joined"
  | "membership.role_changed"
  | "membership.removed"
  | "listing.created"
  | "listing.price_changed"
  | "listing.status_changed"
  | "pledges.updated"
  | "farmer.created"
  | "farmer.updated"
  | "farmer.deactivated"
  | "farmer.reactivated"
  | "farmers.imported"
  | "self_help_group.created"
  | "self_help_group.renamed"
  | "self_help_group.merged"
  | "order.transition"
  | "payment.received"
  | "payment.pay_later"
  | "payment.paid_out"
  | "payment.refunded"
  | "payment.refunded_outside"
  | "payment.outside_refund_allocated"
  | "payment.fee_remitted"
  | "payment.dispute_opened"
  | "payment.payout_failed"
  | "payment.khqr_mismatch"
  | "payment.payway_mismatch"
  | "payment.bakong_account_set"
  | "payment.refund_handed_back"
  | "product.created"
  | "product.updated"
  | "product.deactivated"
  | "product.reactivated"
  | "product.photo_set"
  | "payment.bank_account_set"
  | "payment.bank_account_removed"
  | "credit.recorded"
  | "credit.cancelled"
  | "credit.repaid"
  | "member.paid";

export type AuditEntry = {
  action: AuditAction;
  actorUserId?: number | null;
  organizationId?: number | null;
  targetType?: string;
  targetId?: string | number;
  details?: Prisma.InputJsonValue;
  ipAddress?: string;
};

type Db = Pick<typeof prisma, "auditEvent">;

/** Records a sensitive action. Pass the transaction client so the record commits with the change. */
export async function recordAudit(entry: AuditEntry, db: Db = prisma) {
  await db.auditEvent.create({
    data: { ...entry, targetId: entry.targetId === undefined ? undefined : String(entry.targetId) },
    select: { id: true },
  });
}

export async function listAuditEvents({
  take = 100,
  before,
}: { take?: number; before?: number } = {}) {
  return prisma.auditEvent.findMany({
    where: before ? { id: { lt: before } } : undefined,
    orderBy: { id: "desc" },
    take,
    select: {
      id: true,
      action: true,
      targetType: true,
      targetId: true,
      details: true,
      ipAddress: true,
      createdAt: true,
      actor: { select: { id: true, name: true, email: true, phone: true } },
      organization: { select: { slug: true, nameKm: true, nameEn: true } },
    },
  });
}
