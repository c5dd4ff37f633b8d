import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: for session cookies, reset links and invitation links. */
export function randomToken() {
  return randomBytes(32).toString("base64url");
}

/** Tokens are stored only as their SHA-256, so a copy of the database cannot be used to sign in. */
export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}
