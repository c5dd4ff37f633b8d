import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { getUser, requireUser } from "~/auth/session.server";
import { requestInfo } from "~/http/request-info";
import {
  acceptInvitation,
  findOpenInvitation,
  MembershipError,
} from "~/organizations/members.server";
import { localNames } from "~/ui/format";
import { useLanguage } from "~/ui/use-language";
import { ErrorMessage } from "~/ui/messages";
import { titleMeta } from "~/ui/page-title";

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export const meta = titleMeta("invitation");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = TokenSchema.safeParse(params.token);
  const invitation = token.success ? await findOpenInvitation(token.data) : null;
  const user = await getUser(request);
  return { invitation, signedIn: Boolean(user), path: new URL(request.url).pathname };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const token = TokenSchema.safeParse(params.token);
  if (!token.success) return Response.json({ error: "invitation.invalid" }, { status: 400 });
  try {
    const slug = await acceptInvitation(token.data, {
      userId: user.id,
      ipAddress: requestInfo(request, context).ipAddress,
    });
    return redirect(`/organizations/${slug}`);
  } catch (error) {
    if (error instanceof MembershipError)
      return Response.json({ error: error.key }, { status: 400 });
    throw error;
  }
}

export default function Invitation() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { invitation, signedIn, path } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const back = new URLSearchParams({ redirectTo: path });
  return (
    <section className="mx-auto max-w-md space-y-4" aria-labelledby="invitation-title">
      <h1 id="invitation-title" className="text-3xl font-bold text-leaf-800">
        {t("invitation.title")}
      </h1>
      {result?.error ? <ErrorMessage>{t(result.error)}</ErrorMessage> : null}
      {!invitation ? (
        <p role="alert">{t("invitation.invalid")}</p>
      ) : (
        <>
          <p>
            {t("invitation.body", {
              organization: localNames(invitation.organization, lng).primary,
              role: t(`roles.${invitation.role}`),
            })}
          </p>
          {signedIn ? (
            <Form method="post">
              <button
                type="submit"
                className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
              >
                {t("invitation.accept")}
              </button>
            </Form>
          ) : (
            <p>
              {t("invitation.signInFirst")}{" "}
              <Link to={`/login?${back}`} className="text-leaf-700 underline">
                {t("auth.signIn")}
              </Link>{" "}
              ·{" "}
              <Link to={`/signup?${back}`} className="text-leaf-700 underline">
                {t("auth.signUp")}
              </Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}
