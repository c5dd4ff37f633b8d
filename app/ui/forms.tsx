import {
  type FieldMetadata,
  getInputProps,
  getSelectProps,
  useForm as useConformForm,
} from "@conform-to/react";
import { type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "./messages";

/**
 * Conform's useForm, made to re-render when any field's errors change. Conform re-renders a form
 * only for the metadata its owner component read, and our fields read their errors in child
 * components (Field, SelectField), which it does not count: without this, errors found in the
 * browser on submit were never shown (only the server's, after a round trip).
 */
export function useForm<
  Schema extends Record<string, unknown>,
  FormValue = Schema,
  FormError = string[],
>(options: Parameters<typeof useConformForm<Schema, FormValue, FormError>>[0]) {
  const result = useConformForm<Schema, FormValue, FormError>(options);
  void result[0].allErrors;
  return result;
}

// Validation messages are translation keys (e.g. "validation.required"), so the same schema
// gives errors in the reader's language on the server and in the browser.
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="mt-1 text-sm font-semibold text-red-700">
      {errors.map((error) => (
        <li key={error}>{t(error, { defaultValue: error })}</li>
      ))}
    </ul>
  );
}

const inputClass =
  "mt-1 block w-full rounded-md border border-stone-400 bg-white px-3 py-2 text-base aria-[invalid=true]:border-red-700";

export function Field({
  label,
  meta,
  type = "text",
  autoComplete,
  hint,
}: {
  label: string;
  meta: FieldMetadata<string>;
  type?: "text" | "password" | "email" | "tel" | "date";
  autoComplete?: string;
  hint?: ReactNode;
}) {
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block font-semibold">
        {label}
      </label>
      {hint ? <p className="text-sm text-stone-600">{hint}</p> : null}
      <input
        {...getInputProps(meta, { type, ariaAttributes: true })}
        key={meta.key}
        autoComplete={autoComplete}
        aria-describedby={errorId}
        className={inputClass}
      />
      <ErrorList id={errorId} errors={meta.errors} />
    </div>
  );
}

export function SelectField({
  label,
  meta,
  options,
  placeholder,
}: {
  label: string;
  meta: FieldMetadata<string>;
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  const errorId = meta.errors?.length ? meta.errorId : undefined;
  return (
    <div className="mb-4">
      <label htmlFor={meta.id} className="block font-semibold">
        {label}
      </label>
      <select
        {...getSelectProps(meta)}
        key={meta.key}
        aria-describedby={errorId}
        className={inputClass}
      >
        {placeholder ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={errorId} errors={meta.errors} />
    </div>
  );
}

export function SubmitButton({
  children,
  name,
  value,
}: {
  children: ReactNode;
  name?: string;
  value?: string;
}) {
  return (
    <button
      type="submit"
      name={name}
      value={value}
      className="rounded-lg bg-leaf-700 px-4 py-2 font-semibold text-white hover:bg-leaf-800"
    >
      {children}
    </button>
  );
}

/** Errors about the whole form. A message may carry a parameter after "|" (e.g. minutes to wait). */
export function FormErrors({ errors }: { errors?: string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <ErrorMessage>
      {errors.map((error) => {
        const [key, minutes] = error.split("|");
        return <p key={error}>{t(key!, { minutes })}</p>;
      })}
    </ErrorMessage>
  );
}
