import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { readFormData } from "~/http/form-data.server";
import { requestInfo } from "~/http/request-info";
import { invariantResponse } from "~/http/responses";
import {
  CooperativeFields,
  CooperativeSchema,
  ShowCommunesButton,
} from "~/organizations/cooperative-form";
import { cooperativeFormAction, orRefuse } from "~/organizations/onboarding-http.server";
import { createCooperative, districtChoices, getManagedUnion } from "~/organizations/unions.server";
import { FormErrors, SubmitButton, useForm } from "~/ui/forms";
import { LocalName } from "~/ui/local-name";
import { titleMeta } from "~/ui/page-title";

const SlugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

async function managedUnion({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const slug = SlugSchema.safeParse(params.slug);
  invariantResponse(slug.success, "Not found", { status: 404 });
  const actor = { ...user, ipAddress: requestInfo(request, context).ipAddress };
  return { actor, union: await orRefuse(() => getManagedUnion(slug.data, actor)) };
}

export const meta = titleMeta("newCooperative");

export async function loader(args: LoaderFunctionArgs) {
  const { union } = await managedUnion(args);
  return {
    union: { slug: union.slug, nameKm: union.nameKm, nameEn: union.nameEn },
    provinces: await districtChoices(),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { actor, union } = await managedUnion(args);
  return cooperativeFormAction(await readFormData(args.request), async (input) => {
    const cooperative = await createCooperative(union.id, input, actor);
    return redirect(`/unions/${union.slug}/cooperatives/${cooperative.slug}?done=created`);
  });
}

type Place = { code: string; nameKm: string; nameEn: string };

export default function NewCooperative() {
  const { t } = useTranslation();
  const { union, provinces } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as
    (SubmissionResult<string[]> & { communes?: Place[] }) | undefined;
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(CooperativeSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CooperativeSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="mx-auto max-w-lg" aria-labelledby="new-cooperative">
      <h1 id="new-cooperative" className="text-3xl font-bold text-leaf-800">
        {t("onboarding.cooperatives.new")}
      </h1>
      <p className="mb-4">
        {t("onboarding.cooperatives.union")}: <LocalName item={union} />
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <CooperativeFields
          fields={fields}
          provinces={provinces}
          communes={lastResult?.communes ?? []}
        />
        <SubmitButton>{t("onboarding.cooperatives.create")}</SubmitButton>
        <ShowCommunesButton />
      </Form>
    </section>
  );
}
