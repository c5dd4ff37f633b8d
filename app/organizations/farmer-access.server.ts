import { type AppLoadContext } from "@remix-run/node";
import { type Permission } from "~/auth/permissions";
import { forbidden, requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requestInfo } from "~/http/request-info";
import { FarmerError, type FarmerActor } from "./farmers.server";
import { requireOrganizationBySlug } from "./load.server";

/** The cooperative named by the URL and the signed-in user as a register actor, or 403/404. */
export async function requireRegisterAccess(
  request: Request,
  context: AppLoadContext,
  slug: unknown,
  permission: Permission = "record:farmers:own",
) {
  const organization = await requireOrganizationBySlug(slug);
  const user = await requirePermission(request, permission, organization.id);
  invariantResponse(organization.kind === "COOPERATIVE", "Not found", { status: 404 });
  const actor: FarmerActor = {
    id: user.id,
    isAdmin: user.isAdmin,
    memberships: user.memberships,
    ipAddress: requestInfo(request, context).ipAddress,
  };
  return { organization, actor };
}

/** A FarmerError as the answer a route gives: 403, 404, or null (the page shows the message). */
export function farmerErrorResponse(error: unknown): FarmerError {
  if (!(error instanceof FarmerError)) throw error;
  if (error.key === "farmers.errors.forbidden") forbidden();
  if (error.key === "farmers.errors.notFound")
    throw new Response("Not found", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  return error;
}
