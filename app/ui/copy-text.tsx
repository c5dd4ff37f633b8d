// A value the buyer copies into a banking app (account number, amount, reference). Without
// JavaScript it is plain selectable text; once the page runs scripts and the browser offers the
// clipboard, a "Copy" button sits beside it. The button is added after hydration, so the server
// never promises an action that cannot work.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

export function CopyText({
  value,
  copyValue = value,
  label,
  className,
}: {
  /** The text shown. */
  value: string;
  /** The exact text copied when it differs from the shown one (an amount in Latin digits). */
  copyValue?: string;
  /** What is copied, for the button's accessible name: "Copy account number". */
  label: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    setCanCopy(typeof navigator !== "undefined" && Boolean(navigator.clipboard?.writeText));
  }, []);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 3000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className={`select-all break-words ${className ?? ""}`}>{value}</span>
      {canCopy ? (
        <button
          type="button"
          aria-label={t("copy.copyWhat", { what: label })}
          onClick={() => {
            navigator.clipboard.writeText(copyValue).then(
              () => setCopied(true),
              // Refused (no permission): the text stays selectable, nothing else to do.
              () => setCopied(false),
            );
          }}
          className="min-h-11 rounded-md border border-leaf-700 px-3 text-sm font-semibold text-leaf-800"
        >
          {t("copy.copy")}
        </button>
      ) : null}
      {/* A polite live region, not role="status": the page's own status message stays the one. */}
      <span aria-live="polite" className="text-sm text-leaf-800">
        {copied ? t("copy.copied") : ""}
      </span>
    </span>
  );
}
