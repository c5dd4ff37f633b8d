// The Telegram copy of an organization's notice, for each member who linked Telegram: the same
// Khmer sentence as the in-app list (orders.notificationKinds) and a button that opens the order.
import { type Prisma } from "~/db/generated/client";
import { type NotificationKind } from "~/db/generated/enums";
import { publicUrl } from "~/http/public-url.server";
import { i18nServer } from "~/i18n/i18next.server";
import { formatDate, localNames } from "~/ui/format";

type Notice = { id: number; organizationId: number; kind: NotificationKind };

export async function telegramCopies(
  tx: Prisma.TransactionClient,
  notifications: Notice[],
  members: { userId: number; organizationId: number }[],
) {
  const linked = await tx.user.findMany({
    where: {
      id: { in: [...new Set(members.map((m) => m.userId))] },
      telegramChatId: { not: null },
      // A chat Telegram refused for good gets nothing more until the person links again.
      telegramFailedAt: null,
    },
    select: { id: true, telegramChatId: true },
  });
  if (linked.length === 0) return [];
  const chatOf = new Map(linked.map((u) => [u.id, u.telegramChatId!]));
  const details = await tx.notification.findMany({
    where: { id: { in: notifications.map((n) => n.id) } },
    select: {
      id: true,
      orderId: true,
      subOrderId: true,
      organization: { select: { slug: true, kind: true } },
      subOrder: {
        select: {
          deliveryDate: true,
          cooperative: { select: { nameKm: true, nameEn: true } },
          order: { select: { buyer: { select: { nameKm: true, nameEn: true } } } },
        },
      },
    },
  });
  const byId = new Map(details.map((d) => [d.id, d]));
  const t = await i18nServer.getFixedT("km");
  return notifications.flatMap((n) => {
    const d = byId.get(n.id)!;
    // The buyer reads a delivery as its own; the cooperative as the buyer's confirmation.
    const kind =
      n.kind === "ORDER_DELIVERED" && d.organization.kind === "BUYER"
        ? "ORDER_DELIVERED_TO_BUYER"
        : n.kind;
    const text = t(`orders.notificationKinds.${kind}`, {
      buyer: d.subOrder ? localNames(d.subOrder.order.buyer, "km").primary : "",
      cooperative: d.subOrder ? localNames(d.subOrder.cooperative, "km").primary : "",
      date: d.subOrder ? formatDate(d.subOrder.deliveryDate, "km") : "",
    });
    const path =
      d.organization.kind === "COOPERATIVE" && d.subOrderId
        ? `/organizations/${d.organization.slug}/orders/${d.subOrderId}`
        : d.orderId
          ? `/orders/${d.orderId}`
          : "/notifications";
    return members
      .filter((m) => m.organizationId === n.organizationId && chatOf.has(m.userId))
      .map((m) => ({
        eventKey: `notification:${n.id}`,
        channel: "TELEGRAM" as const,
        recipient: `user:${m.userId}`,
        userId: m.userId,
        address: chatOf.get(m.userId)!,
        kind: n.kind,
        subject: text,
        text,
        links: path === "/notifications" ? { open: publicUrl(path) } : { order: publicUrl(path) },
        notificationId: n.id,
      }));
  });
}
