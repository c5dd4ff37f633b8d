import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, isSameOriginRequest } from "./security";

describe("isSameOriginRequest", () => {
  const host = "phsar.example";
  test("reads are always allowed", () => {
    expect(isSameOriginRequest("GET", { origin: "https://evil.example", host })).toBe(true);
  });
  test("a form posted from our own pages is allowed", () => {
    expect(isSameOriginRequest("POST", { origin: "https://phsar.example", host })).toBe(true);
    expect(isSameOriginRequest("POST", { referer: "https://phsar.example/login", host })).toBe(
      true,
    );
  });
  test("a form posted from another site is refused", () => {
    expect(isSameOriginRequest("POST", { origin: "https://evil.example", host })).toBe(false);
    expect(
      isSameOriginRequest("POST", { origin: "https://phsar.example.evil.example", host }),
    ).toBe(false);
    expect(isSameOriginRequest("DELETE", { referer: "https://evil.example/x", host })).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "null", host })).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "not a url", host })).toBe(false);
  });
});

describe("contentSecurityPolicy", () => {
  test("allows only our own scripts plus the request's nonce, and no framing", () => {
    const csp = contentSecurityPolicy("abc", { dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("ws:");
  });
});
