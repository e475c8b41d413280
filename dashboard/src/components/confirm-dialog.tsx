import { useEffect, useId, useRef, type ReactNode } from "react";
import "./confirm-dialog.css";

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, what is outstanding and what cannot be undone: read before confirming. */
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  busy?: boolean;
  /** Shown under the body when the action was refused, so the person sees why nothing happened. */
  error?: ReactNode;
  /** "warning" for what cannot be undone or takes something away (freeze, decline, deactivate). */
  tone?: "warning" | "normal";
  onConfirm(): void;
  /** Cancel, Escape, or the dialog closing for any other reason. */
  onClose(): void;
}

/**
 * The one modal question before a consequential action (accept, open, close, freeze, approve, decline, publish,
 * deactivate, escalate). The native <dialog> traps focus and closes on Escape; focus starts on Cancel so a stray
 * Enter never confirms.
 */
export function ConfirmDialog({ title, children, confirmLabel, busyLabel, busy = false, error, tone = "normal", onConfirm, onClose }: ConfirmDialogProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
  }, []);
  return (
    <dialog ref={ref} className={`confirm-dialog confirm-dialog--${tone}`} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="confirm-dialog__body">
        {children}
      </div>
      <div className="field-error" role="alert">
        {error}
      </div>
      <div className="button-row">
        <button type="button" className={tone === "warning" ? "button button--warning" : "button"} aria-disabled={busy || undefined} onClick={() => !busy && onConfirm()}>
          {busy ? (busyLabel ?? "Working…") : confirmLabel}
        </button>
        <button type="button" ref={cancelRef} className="button button--secondary" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
