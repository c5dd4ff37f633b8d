import { describe, expect, test } from "vitest";
import { languageCookie } from "~/i18n/i18next.server";
import { action } from "./language";

function post(fields: Record<string, string>) {
  return new Request("http://localhost/language", {
    method: "POST",
    body: new URLSearchParams(fields),
  });
}

describe("language switch", () => {
  test("remembers the choice in a cookie and returns to the same page", async () => {
    const response = (await action({
      request: post({ lng: "en", redirectTo: "/cooperatives?x=1" }),
      params: {},
      context: {},
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/cooperatives?x=1");
    expect(await languageCookie.parse(response.headers.get("Set-Cookie"))).toBe("en");
  });

  test("never redirects to another site", async () => {
    for (const redirectTo of ["//evil.example", "https://evil.example", "/\\evil.example"]) {
      const response = (await action({
        request: post({ lng: "km", redirectTo }),
        params: {},
        context: {},
      })) as Response;
      expect(response.headers.get("Location")).toBe("/");
    }
  });

  test("an unknown language is a 400, and no cookie is set", async () => {
    const response = (await action({
      request: post({ lng: "fr" }),
      params: {},
      context: {},
    })) as Response;
    expect(response.status).toBe(400);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });
});
