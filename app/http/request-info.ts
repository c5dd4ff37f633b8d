import { type AppLoadContext } from "@remix-run/node";
import "./context";

/** Who is asking: the address (for rate limits and the audit log) and browser, from the Express context. */
export function requestInfo(request: Request, context: AppLoadContext) {
  return { ipAddress: context.clientIp ?? "unknown", userAgent: request.headers.get("User-Agent") };
}
