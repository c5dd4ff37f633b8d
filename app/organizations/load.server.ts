import { z } from "zod";
import { invariantResponse } from "~/http/responses";
import { getOrganization } from "./organizations.server";

const SlugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

/** The organization named by the URL, or a 404. */
export async function requireOrganizationBySlug(slug: unknown) {
  const parsed = SlugSchema.safeParse(slug);
  invariantResponse(parsed.success, "Not found", { status: 404 });
  const organization = await getOrganization(parsed.data);
  invariantResponse(organization, "Not found", { status: 404 });
  return organization;
}
