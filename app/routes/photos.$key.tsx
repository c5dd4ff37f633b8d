import { type LoaderFunctionArgs } from "@remix-run/node";
import { can } from "~/auth/permissions";
import { getUser } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { isProductPhoto } from "~/supply/catalogue.server";
import { PHOTO_KEY, photoStorage } from "~/supply/photo-storage.server";

async function serve(key: string, isPublic: boolean) {
  const data = await photoStorage.get(key);
  if (!data) throw new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(data), {
    headers: {
      "Content-Type": "image/webp",
      "Cache-Control": isPublic ? "public, max-age=31536000, immutable" : "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

// Serves listing and catalogue photos. Keys are random and never reused, so browsers may cache them for a year.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const key = params.key ?? "";
  if (!PHOTO_KEY.test(key)) throw new Response("Not found", { status: 404 });
  if (key.startsWith("product-")) {
    if (!(await isProductPhoto(key))) throw new Response("Not found", { status: 404 });
    return serve(key, true);
  }
  const photo = await prisma.listingPhoto.findUnique({
    where: { storageKey: key },
    select: { listing: { select: { status: true, cooperativeId: true } } },
  });
  if (!photo) throw new Response("Not found", { status: 404 });
  // Photos of published listings are public; the cooperative also sees those of its drafts.
  const isPublic = photo.listing.status === "PUBLISHED";
  if (
    !isPublic &&
    !can(await getUser(request), "record:pledges:own", photo.listing.cooperativeId)
  ) {
    throw new Response("Not found", { status: 404 });
  }
  return serve(key, isPublic);
}
