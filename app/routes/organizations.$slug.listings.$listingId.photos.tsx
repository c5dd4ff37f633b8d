import {
  type ActionFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { dbId } from "~/validation/schemas";
import { requirePermission } from "~/auth/session.server";
import { invariantResponse } from "~/http/responses";
import { requireOrganizationBySlug } from "~/organizations/load.server";
import { SupplyError } from "~/supply/listings.server";
import { addListingPhoto, MAX_PHOTO_BYTES } from "~/supply/photos.server";

// Photo upload for a listing (the manage page posts here). Answers go back to that page.
export async function action({ request, params }: ActionFunctionArgs) {
  const organization = await requireOrganizationBySlug(params.slug);
  await requirePermission(request, "manage:listings:own", organization.id);
  const listingId = dbId.safeParse(params.listingId);
  invariantResponse(listingId.success, "Not found", { status: 404 });
  const back = `/organizations/${organization.slug}/listings/${listingId.data}`;
  const refuse = (key: string) =>
    redirect(`${back}?${new URLSearchParams({ photoError: key })}`, { status: 303 });

  let file: FormDataEntryValue | null = null;
  try {
    const formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_PHOTO_BYTES }),
    );
    file = formData.get("photo");
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return refuse("supply.photoTooLarge");
    if (error instanceof TypeError) return refuse("supply.photoNotImage"); // not a multipart upload
    // A body cut short (the client went away, or a forged request) is the client's fault.
    if (error instanceof Error && /^malformed (multipart|content-disposition)/.test(error.message))
      throw new Response("The upload was cut short; send the photo again.", {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    throw error;
  }
  if (!(file instanceof File)) return refuse("supply.photoNotImage");
  try {
    await addListingPhoto(listingId.data, organization.id, Buffer.from(await file.arrayBuffer()));
  } catch (error) {
    if (error instanceof SupplyError)
      return error.key === "supply.notFound" ? refuse("supply.notFound") : refuse(error.key);
    throw error;
  }
  return redirect(`${back}?saved=1`, { status: 303 });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
