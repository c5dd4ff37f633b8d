// What a route answers when the onboarding module refuses: 403 and 404 as responses (thrown, so the
// shared error boundary shows them), anything else as the form's error beside its field.
import { forbidden } from "~/auth/session.server";
import { OnboardingError } from "./unions.server";

/** Rethrows everything but a form-level refusal; returns that one for replyWithRefusal. */
export function refusalOf(error: unknown): { key: string; field?: string } {
  if (!(error instanceof OnboardingError)) throw error;
  if (error.key === "forbidden") forbidden();
  if (error.key === "notFound") throw new Response("Not found", { status: 404 });
  return { key: error.key, field: error.field };
}

/** Runs a loader's domain call, turning its refusals into 403/404. */
export async function orRefuse<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    refusalOf(error);
    throw error;
  }
}
