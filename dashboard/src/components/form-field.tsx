import { useId, type ReactNode } from "react";
import "./form-field.css";

/** What a control needs to be labelled, described and marked invalid. */
export interface ControlProps {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

export interface FormFieldProps {
  label: ReactNode;
  /** The API's (or the form's own) message for this field; shown beside it and announced. */
  error?: string | null;
  hint?: ReactNode;
  children: (control: ControlProps) => ReactNode;
  className?: string;
}

/** A label, an optional hint, the control and its error, wired together for screen readers. */
export function FormField({ label, error, hint, children, className }: FormFieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint field__hint">
          {hint}
        </p>
      )}
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The form's own error line (what names no field), announced when it appears. */
export function FormError({ message }: { message: string | null | undefined }) {
  return (
    <p className="field-error form-error" role="alert">
      {message ?? ""}
    </p>
  );
}
