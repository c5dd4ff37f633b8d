import { can, type Permission } from "~/auth/permissions";
import { forbidden, requirePermission, requireUser } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requireOrganizationBySlug } from "~/organizations/load.server";

/** The signed-in person and the buyer organization they order for; anyone else gets a 403. */
export async function requireBuyer(request: Request) {
  const user = await requireUser(request);
  const membership = user.memberships.find(
    (m) => m.organization.kind === "BUYER" && can(user, "place:orders:own", m.organizationId),
  );
  if (!membership) forbidden();
  return { user, buyerId: membership.organizationId };
}

/** The buyer organization of a signed-in person, or null (visitors and sellers see no cart). */
export function buyerIdOf(user: Awaited<ReturnType<typeof requireUser>> | null) {
  return (
    user?.memberships.find(
      (m) => m.organization.kind === "BUYER" && can(user, "place:orders:own", m.organizationId),
    )?.organizationId ?? null
  );
}

/** A cooperative from the URL and a person allowed `permission` on its orders. */
export async function requireCooperativeOrders(
  request: Request,
  slug: unknown,
  permission: Extract<Permission, "decide:orders:own" | "fulfil:orders:own">,
) {
  const organization = await requireOrganizationBySlug(slug);
  invariantResponse(organization.kind === "COOPERATIVE", "Not found", { status: 404 });
  const user = await requirePermission(request, permission, organization.id);
  return { user, organization };
}
