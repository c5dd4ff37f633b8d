import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";

const messages = {
  400: ["errors.badRequestTitle", "errors.badRequestBody"],
  403: ["errors.forbiddenTitle", "errors.forbiddenBody"],
  404: ["errors.notFoundTitle", "errors.notFoundBody"],
  500: ["errors.serverErrorTitle", "errors.serverErrorBody"],
} as const;

/** One error page for every route, with a message per status in the reader's language. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    messages[status as keyof typeof messages] ?? messages[status >= 500 ? 500 : 400];
  if (!isRouteErrorResponse(error)) console.error(error);

  return (
    <section className="mx-auto max-w-xl py-12 text-center" aria-labelledby="error-title">
      <p className="text-5xl font-bold text-leaf-700">{status}</p>
      <h1 id="error-title" className="mt-4 text-2xl font-bold">
        {t(title)}
      </h1>
      <p className="mt-2 text-stone-600">{t(body)}</p>
      <Link
        to="/"
        className="mt-6 inline-block rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white"
      >
        {t("errors.backHome")}
      </Link>
    </section>
  );
}
