// What a route answers when the onboarding module refuses: 403 and 404 as responses (thrown, so the
// shared error boundary shows them), anything else as the form's error beside its field.
import { parseWithZod } from "@conform-to/zod/v4";
import { forbidden } from "~/auth/session.server";
import { CooperativeSchema, SHOW_COMMUNES } from "./cooperative-form";
import { communeChoices } from "./places.server";
import { refusalReply, refused } from "~/validation/errors";
import { type CooperativeInput, OnboardingError } from "./unions.server";

/** Rethrows everything but a form-level refusal; returns that one for domainReply. */
export function refusalOf(error: unknown): OnboardingError {
  const refusal = refused(error, OnboardingError);
  if (refusal.key === "forbidden") forbidden();
  if (refusal.key === "notFound") throw new Response("Not found", { status: 404 });
  return refusal;
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

/**
 * A posted cooperative form (create or edit). Its "show communes" button re-shows it with the
 * typed district's communes, which is how the commune is picked without JavaScript; a bad or
 * refused post is a 400 that keeps what was typed; otherwise `save` answers (a redirect).
 */
export async function cooperativeFormAction(
  formData: FormData,
  save: (input: CooperativeInput) => Promise<Response>,
) {
  const submission = parseWithZod(formData, { schema: CooperativeSchema });
  const district = formData.get("districtCode");
  const communes = await communeChoices(
    typeof district === "string" && /^\d{4}$/.test(district) ? district : null,
  );
  if (formData.get(SHOW_COMMUNES.name) === SHOW_COMMUNES.value)
    // Not a save: nothing is checked yet, so no errors are shown.
    return Response.json({ ...submission.reply(), error: undefined, communes });
  if (submission.status !== "success")
    return Response.json({ ...submission.reply(), communes }, { status: 400 });
  try {
    return await save(submission.value);
  } catch (error) {
    const reply = refusalReply(submission, refusalOf(error));
    return Response.json({ ...reply, communes }, { status: 400 });
  }
}
