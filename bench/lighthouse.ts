// Lighthouse performance and accessibility scores of the market, a listing and the monitor's
// dashboard, from the npm lighthouse driving Debian's Chromium. Default (mobile, simulated
// throttling) settings, so scores compare with what Lighthouse reports elsewhere.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { row, type BenchRow } from "./table";

/** Signs in through the login form (as a browser would) and returns the session cookie. */
async function sessionCookie(baseUrl: string, identifier: string, password: string) {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identifier, password }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`could not sign in as ${identifier} (${response.status})`);
  return cookie;
}

export async function runLighthouseBench({
  baseUrl,
  listingPath,
  chromePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
}: {
  baseUrl: string;
  listingPath: string;
  chromePath?: string;
}): Promise<BenchRow[]> {
  const { DEMO_PASSWORD } = await import("../prisma/seed");
  const monitor = await sessionCookie(baseUrl, "monitor@phsar.test", DEMO_PASSWORD);
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: [
      "--headless=new",
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
  const rows: BenchRow[] = [];
  try {
    for (const [name, pathname, cookie] of [
      ["market search", "/search", null],
      ["listing", listingPath, null],
      ["dashboard (monitor)", "/dashboard", monitor],
    ] as const) {
      const result = await lighthouse(`${baseUrl}${pathname}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
      });
      if (!result) throw new Error(`lighthouse returned nothing for ${pathname}`);
      const { categories, finalDisplayedUrl, runtimeError } = result.lhr;
      if (runtimeError) throw new Error(`${pathname}: ${runtimeError.message}`);
      if (new URL(finalDisplayedUrl).pathname !== new URL(`${baseUrl}${pathname}`).pathname)
        throw new Error(`${pathname} ended at ${finalDisplayedUrl}`);
      const score = (key: string) => Math.round((categories[key]?.score ?? Number.NaN) * 100);
      rows.push(
        row(`lighthouse ${name}: performance`, score("performance"), "/100"),
        row(`lighthouse ${name}: accessibility`, score("accessibility"), "/100"),
      );
    }
  } finally {
    await chrome.kill();
  }
  return rows;
}
