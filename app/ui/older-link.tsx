import { Link } from "@remix-run/react";

/** The link to the next, older page of a newest-first list; nothing on the last page. */
export function OlderLink({ next, label }: { next: number | null; label: string }) {
  if (next === null) return null;
  return (
    <Link to={`?before=${next}`} className="mt-4 inline-block text-leaf-800 underline">
      {label}
    </Link>
  );
}
