import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "~/auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  return redirect("/", { headers: { "Set-Cookie": await destroySession(request) } });
}

// Signing out changes state, so it is a POST (a link or prefetch must not sign anyone out).
export function loader() {
  return redirect("/");
}
