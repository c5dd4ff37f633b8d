import { type ReactNode } from "react";

/** Something went wrong with what the user asked for: announced by screen readers. */
export function ErrorMessage({ children }: { children: ReactNode }) {
  return (
    <div
      role="alert"
      className="mb-4 rounded-md border border-red-700 bg-red-50 p-3 font-semibold text-red-800"
    >
      {children}
    </div>
  );
}

/** Confirmation that something worked. */
export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="mb-4 rounded-md bg-leaf-100 p-3">
      {children}
    </div>
  );
}
