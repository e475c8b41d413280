import { useEffect, useId, useRef, type ReactNode } from "react";
import "./confirm-action.css";

export interface ConfirmActionProps {
  title: string;
  /** What will happen, and what cannot be undone. */
  children: ReactNode;
  confirmLabel: string;
  /** "danger" for what cannot be undone or takes something away (decline, deactivate). */
  tone?: "normal" | "danger";
  busy?: boolean;
  /** An error from the attempt, shown in the dialog so the person sees why nothing happened. */
  error?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal question before a consequential action (approve, decline, publish, deactivate, escalate). The native
 * <dialog> traps focus and closes on Escape; focus starts on Cancel so a stray Enter does nothing.
 */
export function ConfirmAction({ title, children, confirmLabel, tone = "normal", busy = false, error, onConfirm, onCancel }: ConfirmActionProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
  }, []);
  return (
    <dialog ref={ref} className={`confirm-action confirm-action--${tone}`} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onCancel}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="confirm-action__body">
        {children}
      </div>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      <div className="button-row">
        <button type="button" className={`button${tone === "danger" ? " button--warning" : ""}`} aria-disabled={busy || undefined} onClick={() => !busy && onConfirm()}>
          {busy ? "Working…" : confirmLabel}
        </button>
        <button type="button" ref={cancelRef} className="button button--secondary" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
