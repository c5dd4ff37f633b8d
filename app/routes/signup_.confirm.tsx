// The link from the sign-up message. Opening it only shows a button: link checkers and mail
// previews fetch links, and a GET must not create an account.
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { confirmSignUp, isSignUpTokenUsable } from "~/auth/accounts.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { safeRedirectPath } from "~/http/responses";
import { SubmitButton } from "~/ui/forms";
import { ErrorMessage } from "~/ui/messages";
import { titleMeta } from "~/ui/page-title";

const tokenField = z.string().min(20).max(200);

export const meta = titleMeta("signUpConfirm");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenField.safeParse(new URL(request.url).searchParams.get("token"));
  return {
    token: token.success ? token.data : null,
    usable: token.success && (await isSignUpTokenUsable(token.data)),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const token = tokenField.safeParse((await readFormData(request)).get("token"));
  if (!token.success) return Response.json({ error: "auth.signUpConfirmInvalid" }, { status: 400 });
  const outcome = await confirmSignUp(token.data, requestInfo(request, context));
  if (!outcome.ok) {
    const error =
      outcome.reason === "taken" ? "validation.identifierTaken" : "auth.signUpConfirmInvalid";
    return Response.json({ error }, { status: 400 });
  }
  return redirect(safeRedirectPath(outcome.redirectTo, "/"), {
    headers: { "Set-Cookie": outcome.setCookie },
  });
}

export default function ConfirmSignUp() {
  const { t } = useTranslation();
  const { token, usable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="mx-auto max-w-md" aria-labelledby="confirm-title">
      <h1 id="confirm-title" className="mb-4 text-3xl font-bold text-leaf-800">
        {t("auth.signUpConfirmTitle")}
      </h1>
      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      {!usable || !token ? (
        <ErrorMessage>
          {t("auth.signUpConfirmInvalid")}{" "}
          <Link to="/signup" className="underline">
            {t("auth.signUp")}
          </Link>
        </ErrorMessage>
      ) : (
        <Form method="post">
          <p className="mb-4">{t("auth.signUpConfirmIntro")}</p>
          <input type="hidden" name="token" value={token} />
          <SubmitButton>{t("auth.signUpConfirmButton")}</SubmitButton>
        </Form>
      )}
    </section>
  );
}
