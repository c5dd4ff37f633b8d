import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { z } from "zod";
import { safeRedirectPath } from "~/http/responses";
import { languages } from "~/i18n/config";
import { languageCookie } from "~/i18n/i18next.server";
import { readFormData } from "~/http/form-data.server";

const LanguageSchema = z.object({
  lng: z.enum(languages),
  redirectTo: z.string().max(2000).optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const parsed = LanguageSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) {
    return new Response("Choose km or en.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return redirect(safeRedirectPath(parsed.data.redirectTo), {
    headers: { "Set-Cookie": await languageCookie.serialize(parsed.data.lng) },
  });
}

// A GET (someone opening /language) has nothing to show: send them to the market.
export function loader() {
  return redirect("/");
}
