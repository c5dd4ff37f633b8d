import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { titleMeta } from "~/ui/page-title";

// Any URL no other route matches: a 404 rendered by the shared error boundary, in the reader's language.
export const meta = titleMeta("notFound");

export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
