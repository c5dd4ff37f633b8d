// Photo upload for a catalogue product (the product page posts here). Answers go back to that page.
import {
  type ActionFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { requirePermission } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import { setProductPhoto } from "~/supply/catalogue.server";
import { SupplyError } from "~/supply/listings.server";
import { MAX_PHOTO_BYTES } from "~/supply/photos.server";
import { dbId } from "~/validation/schemas";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:products:any");
  const productId = dbId.safeParse(params.productId);
  invariantResponse(productId.success, "Not found", { status: 404 });
  const back = `/catalogue/${productId.data}`;
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
    if (error instanceof Error && /^malformed (multipart|content-disposition)/.test(error.message))
      throw new Response("The upload was cut short; send the photo again.", {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    throw error;
  }
  if (!(file instanceof File)) return refuse("supply.photoNotImage");
  try {
    await setProductPhoto(
      user,
      productId.data,
      Buffer.from(await file.arrayBuffer()),
      requestInfo(request, context).ipAddress,
    );
  } catch (error) {
    if (error instanceof SupplyError) {
      if (error.key === "supply.notFound") throw new Response("Not found", { status: 404 });
      return refuse(error.key);
    }
    throw error;
  }
  return redirect(`${back}?saved=1`, { status: 303 });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
