import { z } from "zod";
import { parseIdentifier } from "./identifier";

// Shared form schemas; messages are translation keys (app/i18n/locales).

export const identifierField = z
  .string({ error: "validation.required" })
  .trim()
  .min(1, "validation.required")
  .max(200, "validation.tooLong")
  .refine((value) => parseIdentifier(value) !== null, "validation.identifier");

export const newPasswordField = z
  .string({ error: "validation.required" })
  .min(8, "validation.passwordTooShort")
  .max(200, "validation.passwordTooLong");

export const redirectToField = z.string().max(2000).optional();
