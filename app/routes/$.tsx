import { GeneralErrorBoundary } from "~/ui/error-boundary";

// Any URL no other route matches: a 404 rendered by the shared error boundary, in the reader's language.
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
