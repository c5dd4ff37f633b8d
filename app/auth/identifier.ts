import { z } from "zod";

// Cambodian mobile and fixed numbers: 8–9 digits after the trunk 0 (or after +855).
const CAMBODIAN_NATIONAL = /^[1-9]\d{7,8}$/;

/**
 * Normalises a Cambodian phone number as people write it ("012 345 678", "+855 12-345-678",
 * "855 12345678", Khmer digits) to E.164 ("+85512345678"); null when it is not one.
 */
export function normalizeCambodianPhone(input: string): string | null {
  const ascii = input.replace(/[\u17E0-\u17E9]/g, (d) => String(d.charCodeAt(0) - 0x17e0));
  const compact = ascii.replace(/[\s().-]/g, "");
  let national: string;
  if (compact.startsWith("+855")) national = compact.slice(4);
  else if (compact.startsWith("00855")) national = compact.slice(5);
  else if (compact.startsWith("855") && compact.length >= 11) national = compact.slice(3);
  else if (compact.startsWith("0")) national = compact.slice(1);
  else return null;
  if (national.startsWith("0")) national = national.slice(1);
  return CAMBODIAN_NATIONAL.test(national) ? `+855${national}` : null;
}

export type Identifier = { kind: "email"; email: string } | { kind: "phone"; phone: string };

/** Reads "email or phone" as typed into one field. */
export function parseIdentifier(input: string): Identifier | null {
  const trimmed = input.trim();
  if (trimmed.includes("@")) {
    const email = z.email().safeParse(trimmed.toLowerCase());
    return email.success ? { kind: "email", email: email.data } : null;
  }
  const phone = normalizeCambodianPhone(trimmed);
  return phone ? { kind: "phone", phone } : null;
}
