import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/session.server";
import { listInbox, markInboxRead } from "~/messages/outbox.server";
import { formatCambodiaDateTime, formatDate, localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("notifications");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const notifications = (await listInbox(user.id)).flatMap((m) =>
    m.notification
      ? [{ ...m.notification, id: m.id, readAt: m.readAt, createdAt: m.createdAt }]
      : [],
  );
  return { notifications };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  await markInboxRead(user.id);
  return redirect("/notifications");
}

export default function Notifications() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { notifications } = useLoaderData<typeof loader>();
  const linkOf = (n: (typeof notifications)[number]) =>
    n.organization.kind === "COOPERATIVE" && n.subOrderId
      ? `/organizations/${n.organization.slug}/orders/${n.subOrderId}`
      : n.orderId
        ? `/orders/${n.orderId}`
        : n.kind === "STANDING_ORDER_PAUSED"
          ? "/orders#standing-title"
          : null;
  return (
    <section aria-labelledby="notifications-title" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="notifications-title" className="text-3xl font-bold text-leaf-800">
          {t("orders.notifications")}
        </h1>
        {notifications.some((n) => !n.readAt) ? (
          <Form method="post">
            <button
              type="submit"
              className="rounded-md border border-leaf-700 px-3 py-1 font-semibold text-leaf-800"
            >
              {t("orders.markRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {notifications.length === 0 ? <p>{t("orders.noNotifications")}</p> : null}
      <ul className="divide-y rounded-lg bg-white shadow-sm">
        {notifications.map((n) => {
          // The buyer reads a delivery as its own; the cooperative as the buyer's confirmation.
          const kind =
            n.kind === "ORDER_DELIVERED" && n.organization.kind === "BUYER"
              ? "ORDER_DELIVERED_TO_BUYER"
              : n.kind;
          const text = t(`orders.notificationKinds.${kind}`, {
            buyer: n.subOrder ? localNames(n.subOrder.order.buyer, lng).primary : "",
            cooperative: n.subOrder ? localNames(n.subOrder.cooperative, lng).primary : "",
            date: n.subOrder ? formatDate(n.subOrder.deliveryDate, lng) : "",
          });
          const link = linkOf(n);
          return (
            <li key={n.id} className={`p-3 ${n.readAt ? "" : "font-semibold"}`}>
              {link ? (
                <Link to={link} className="text-leaf-800 underline">
                  {text}
                </Link>
              ) : (
                text
              )}
              <span className="block text-sm font-normal text-stone-600">
                {formatCambodiaDateTime(n.createdAt, lng)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
