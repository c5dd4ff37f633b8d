import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { parseIdentifier } from "~/auth/identifier";
import { identifierField } from "~/auth/schemas";
import { requireUser } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { publicUrl } from "~/http/public-url.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import {
  CooperativeFields,
  CooperativeSchema,
  ShowCommunesButton,
} from "~/organizations/cooperative-form";
import { cooperativeFormAction, orRefuse, refusalOf } from "~/organizations/onboarding-http.server";
import { communeChoices } from "~/organizations/places.server";
import {
  deactivateCooperative,
  districtChoices,
  getManagedCooperative,
  inviteCooperativeLead,
  reactivateCooperative,
  updateCooperative,
} from "~/organizations/unions.server";
import { formatCambodiaDateTime } from "~/ui/format";
import { ErrorList, FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { LocalName } from "~/ui/local-name";
import { ErrorMessage, StatusMessage } from "~/ui/messages";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

const SlugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);
const InviteSchema = z.object({ identifier: identifierField });

async function managedCooperative({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const union = SlugSchema.safeParse(params.slug);
  const cooperative = SlugSchema.safeParse(params.cooperativeSlug);
  invariantResponse(union.success && cooperative.success, "Not found", { status: 404 });
  const actor = { ...user, ipAddress: requestInfo(request, context).ipAddress };
  return {
    actor,
    cooperative: await orRefuse(() => getManagedCooperative(union.data, cooperative.data, actor)),
  };
}

export const meta = titleMeta("cooperative");

export async function loader(args: LoaderFunctionArgs) {
  const { cooperative } = await managedCooperative(args);
  const [provinces, communes] = await Promise.all([
    districtChoices(),
    communeChoices(cooperative.districtCode),
  ]);
  return { cooperative, provinces, communes };
}

export async function action(args: ActionFunctionArgs) {
  const { actor, cooperative } = await managedCooperative(args);
  const formData = await readFormData(args.request);
  const here = `/unions/${cooperative.union!.slug}/cooperatives/${cooperative.slug}`;
  switch (formData.get("intent")) {
    case "update":
      return cooperativeFormAction(formData, async (input) => {
        await updateCooperative(cooperative.id, input, actor);
        return redirect(`${here}?done=saved`);
      });
    case "invite-lead": {
      const parsed = InviteSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success)
        return Response.json(
          { inviteError: parsed.error.issues[0]?.message ?? "validation.identifier" },
          { status: 400 },
        );
      const invitee = parseIdentifier(parsed.data.identifier)!;
      const token = await orRefuse(() => inviteCooperativeLead(cooperative.id, invitee, actor));
      return {
        inviteLink: publicUrl(`/invitations/${token}`),
        invitee: invitee.kind === "email" ? invitee.email : invitee.phone,
        inviteSentBy: invitee.kind,
      };
    }
    case "deactivate":
    case "reactivate": {
      const deactivate = formData.get("intent") === "deactivate";
      try {
        if (deactivate) {
          const { closedListings } = await deactivateCooperative(cooperative.id, actor);
          return redirect(`${here}?done=deactivated&closed=${closedListings}`);
        }
        await reactivateCooperative(cooperative.id, actor);
        return redirect(`${here}?done=reactivated`);
      } catch (error) {
        return Response.json({ statusError: refusalOf(error).key }, { status: 400 });
      }
    }
    default:
      return Response.json({ statusError: "errors.badRequestBody" }, { status: 400 });
  }
}

type Place = { code: string; nameKm: string; nameEn: string };

type ActionData = {
  inviteLink?: string;
  invitee?: string;
  inviteSentBy?: "email" | "phone";
  inviteError?: string;
  statusError?: string;
};

export default function UnionCooperative() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { cooperative, provinces, communes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const data = (result ?? {}) as ActionData;
  const conformResult =
    result && "initialValue" in result
      ? (result as SubmissionResult<string[]> & { communes?: Place[] })
      : undefined;
  const [form, fields] = useForm({
    lastResult: conformResult,
    constraint: getZodConstraint(CooperativeSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CooperativeSchema }),
    shouldRevalidate: "onBlur",
    defaultValue: {
      nameKm: cooperative.nameKm,
      nameEn: cooperative.nameEn,
      districtCode: cooperative.districtCode ?? "",
      communeCode: cooperative.communeCode ?? "",
      registrationNumber: cooperative.registrationNumber ?? "",
      registeredOn: cooperative.registeredOn
        ? new Date(cooperative.registeredOn).toISOString().slice(0, 10)
        : "",
    },
  });
  const done = searchParams.get("done");
  return (
    <div className="space-y-8">
      <header>
        <LocalName item={cooperative} as="h1" className="text-3xl font-bold text-leaf-800" />
        <p>
          {t("onboarding.cooperatives.union")}:{" "}
          <Link to={`/unions/${cooperative.union!.slug}`} className="text-leaf-700 underline">
            <LocalName item={cooperative.union!} />
          </Link>{" "}
          ·{" "}
          <Link to={`/cooperatives/${cooperative.slug}`} className="text-leaf-700 underline">
            {t("nav.cooperatives")}
          </Link>
        </p>
        <p className="font-semibold">
          {cooperative.deactivatedAt
            ? t("onboarding.cooperatives.deactivated", {
                when: formatCambodiaDateTime(cooperative.deactivatedAt, lng),
              })
            : t("onboarding.cooperatives.active")}
        </p>
      </header>
      {done === "saved" ? (
        <StatusMessage>{t("onboarding.cooperatives.saved")}</StatusMessage>
      ) : null}
      {done === "created" ? (
        <StatusMessage>{t("onboarding.cooperatives.created")}</StatusMessage>
      ) : null}
      {done === "deactivated" ? (
        <StatusMessage>
          {t("onboarding.cooperatives.deactivateDone", {
            count: Number(searchParams.get("closed") ?? 0),
          })}
        </StatusMessage>
      ) : null}
      {done === "reactivated" ? (
        <StatusMessage>{t("onboarding.cooperatives.reactivateDone")}</StatusMessage>
      ) : null}

      <section aria-labelledby="leads-title" className="rounded-lg bg-white p-4 shadow-sm">
        <h2 id="leads-title" className="text-xl font-semibold">
          {t("onboarding.cooperatives.leads")}
        </h2>
        {cooperative.leads.length ? (
          <ul className="text-sm">
            {cooperative.leads.map((m) => (
              <li key={m.id}>
                {m.user.name} · {m.user.email ?? m.user.phone}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("onboarding.cooperatives.noLead")}</p>
        )}
        <h3 className="mt-4 font-semibold">{t("onboarding.cooperatives.inviteLead")}</h3>
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="invite-lead" />
          <div>
            <label htmlFor="invitee" className="block font-semibold">
              {t("onboarding.cooperatives.inviteeIdentifier")}
            </label>
            <input
              id="invitee"
              name="identifier"
              required
              maxLength={200}
              aria-invalid={data.inviteError ? true : undefined}
              aria-describedby={data.inviteError ? "invitee-error" : undefined}
              className="mt-1 block rounded-md border border-stone-400 bg-white px-3 py-2"
            />
            <ErrorList id="invitee-error" errors={data.inviteError ? [data.inviteError] : null} />
          </div>
          <SubmitButton>{t("onboarding.cooperatives.inviteLeadSubmit")}</SubmitButton>
        </Form>
        {data.inviteLink ? (
          <StatusMessage>
            <p>
              {t(
                data.inviteSentBy === "email"
                  ? "onboarding.cooperatives.inviteEmailed"
                  : "onboarding.cooperatives.inviteSmsWaits",
                { who: data.invitee },
              )}
            </p>
            <input
              readOnly
              value={data.inviteLink}
              aria-label={t("onboarding.cooperatives.inviteLink", { who: data.invitee })}
              className="mt-1 w-full rounded border bg-white px-2 py-1 font-mono text-sm"
            />
          </StatusMessage>
        ) : null}
        {cooperative.invitations.length ? (
          <>
            <h3 className="mt-4 font-semibold">{t("onboarding.unions.openInvitations")}</h3>
            <ul className="text-sm">
              {cooperative.invitations.map((invitation) => (
                <li key={invitation.id}>
                  {t(`roles.${invitation.role}`)} ·{" "}
                  {t("onboarding.cooperatives.invitedFor", {
                    who: invitation.inviteeEmail ?? invitation.inviteePhone ?? "—",
                  })}{" "}
                  ·{" "}
                  {t("organization.expires", {
                    when: formatCambodiaDateTime(invitation.expiresAt, lng),
                  })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="details-title" className="max-w-lg">
        <h2 id="details-title" className="mb-2 text-xl font-semibold">
          {t("onboarding.cooperatives.edit")}
        </h2>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="update" />
          <FormErrors errors={form.errors} />
          <CooperativeFields
            fields={fields}
            provinces={provinces}
            communes={conformResult?.communes ?? communes}
          />
          <SubmitButton>{t("onboarding.cooperatives.save")}</SubmitButton>
          <ShowCommunesButton />
        </Form>
      </section>

      <section
        aria-labelledby="status-title"
        className="max-w-lg rounded-lg bg-white p-4 shadow-sm"
      >
        <h2 id="status-title" className="text-xl font-semibold">
          {cooperative.deactivatedAt
            ? t("onboarding.cooperatives.reactivate")
            : t("onboarding.cooperatives.deactivate")}
        </h2>
        {data.statusError ? <ErrorMessage>{t(data.statusError)}</ErrorMessage> : null}
        {cooperative.deactivatedAt ? null : (
          <p className="mb-2">{t("onboarding.cooperatives.deactivateExplain")}</p>
        )}
        <Form method="post">
          <input
            type="hidden"
            name="intent"
            value={cooperative.deactivatedAt ? "reactivate" : "deactivate"}
          />
          <button
            type="submit"
            className="rounded-md border border-red-700 px-3 py-2 font-semibold text-red-800"
          >
            {cooperative.deactivatedAt
              ? t("onboarding.cooperatives.reactivate")
              : t("onboarding.cooperatives.deactivate")}
          </button>
        </Form>
      </section>
    </div>
  );
}
