import { useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../errors";
import { formatValue } from "../../format";
import { figuresOffTarget, targetText } from "./figure-change";
import { useReturnReview } from "./use-return-review";
import "./return-figures.css";

export interface AcceptReturnDialogProps {
  contractId: number;
  period: { id: number; label: string };
  /** Names the return: "WSW-VV-09 Independent domestic violence advisers". */
  contractLabel: string;
  /** Accepts the return; resolves once the answer is in (the caller reports success or failure). */
  onConfirm(): Promise<void>;
  onClose(): void;
}

/**
 * Accepting counts a return's figures on the board and in the Panel's reports, so it is confirmed first: the
 * dialog names the return and lists the figures that are off or near target.
 */
export function AcceptReturnDialog({ contractId, period, contractLabel, onConfirm, onClose }: AcceptReturnDialogProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const review = useReturnReview(contractId, period.id, period.label);
  const rated = review.indicators.flatMap((r) => (r.cell ? [{ name: r.indicator.name, unit: r.indicator.unit, cell: r.cell }] : []));
  const { off, near } = figuresOffTarget(rated);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    confirmRef.current?.focus();
  }, []);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    await onConfirm();
    setBusy(false);
    dialogRef.current?.close();
  }

  const line = (f: (typeof rated)[number]) => `${f.name}: ${formatValue(f.cell.actual, f.unit)} against a target of ${targetText(f.cell, (v) => formatValue(v, f.unit))}`;

  return (
    <dialog ref={dialogRef} className="send-back accept-confirm" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose} data-testid="accept-confirm">
      <h2 id={`${id}-title`}>
        Accept {contractLabel}, {period.label}?
      </h2>
      <div id={`${id}-body`}>
        <p>Once accepted, its figures count on the review board and in the Panel's reports. It can only be changed again by opening it for correction, with a reason.</p>
        {review.error ? (
          <p className="field-error" role="alert">
            {describeError(review.error)}
          </p>
        ) : !review.loaded ? (
          <p role="status">Checking the figures against their targets…</p>
        ) : off.length + near.length === 0 ? (
          <p data-testid="accept-confirm-on-target">Every figure with a target is on target.</p>
        ) : (
          <>
            {off.length > 0 && (
              <>
                <p>
                  <strong>Off target ({off.length}):</strong>
                </p>
                <ul className="accept-confirm__list" data-testid="accept-confirm-off-target">
                  {off.map((f) => (
                    <li key={f.name}>{line(f)}</li>
                  ))}
                </ul>
              </>
            )}
            {near.length > 0 && (
              <>
                <p>
                  <strong>Near target ({near.length}):</strong>
                </p>
                <ul className="accept-confirm__list" data-testid="accept-confirm-near-target">
                  {near.map((f) => (
                    <li key={f.name}>{line(f)}</li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </div>
      <div className="button-row">
        <button type="button" ref={confirmRef} className="button" onClick={confirm} aria-disabled={busy || undefined}>
          {busy ? "Accepting…" : "Accept return"}
        </button>
        <button type="button" className="button button--secondary" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
