import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { mutationOutcome } from "../../components/mutation-outcome";
import { describeError, errorCode } from "../../errors";
import { graphql } from "../../gql";

const ReturnsReopenMutation = graphql(`
  mutation ReturnsReopen($id: Int!, $version: Int!, $reason: String!) {
    reopenReturn(id: $id, version: $version, reason: $reason) {
      id
      state
      version
      reviewReason
      correctionReason
    }
  }
`);

export interface ReopenReturnDialogProps {
  returnId: number;
  version: number;
  contractLabel: string;
  periodLabel: string;
  onClose(): void;
  onReopened(message: string): void;
  /** The return changed under us (CONFLICT). */
  onStale(): void;
}

/**
 * Opens an accepted return for correction. The reason is required: the provider sees it, and in a closed or frozen
 * quarter it is the cause every restated figure names.
 */
export function ReopenReturnDialog({ returnId, version, contractLabel, periodLabel, onClose, onReopened, onStale }: ReopenReturnDialogProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<{ reason?: string; general?: string }>({});
  const [{ fetching }, reopen] = useMutation(ReturnsReopenMutation);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    reasonRef.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (fetching) return;
    if (reason.trim().length < 3) {
      setProblems({ reason: "Say why the return needs correcting: the provider and the Panel see it." });
      reasonRef.current?.focus();
      return;
    }
    setProblems({});
    const result = await reopen({ id: returnId, version, reason: reason.trim() });
    if (!result.error) {
      onReopened(`Opened ${contractLabel} for correction. The provider can now edit it.`);
      dialogRef.current?.close();
      return;
    }
    const code = errorCode(result.error);
    if (code === "BAD_USER_INPUT") {
      const outcome = mutationOutcome(result.error, ["reason"]);
      setProblems({ reason: outcome.fields.reason, general: outcome.general ?? undefined });
      return;
    }
    if (code === "CONFLICT") {
      setProblems({ general: "Someone changed this return since you opened it. The list has been brought up to date: check the return and try again." });
      onStale();
      return;
    }
    setProblems({ general: describeError(result.error) });
  }

  return (
    <dialog ref={dialogRef} className="send-back" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate className="send-back__form">
        <h2 id={`${id}-title`}>
          Open {contractLabel}, {periodLabel}, for correction
        </h2>
        <p className="send-back__intro">The provider corrects it and submits it again; you accept it again. In a frozen quarter, what the Panel saw stays as it was and each changed figure shows as a restatement with this reason.</p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason for the correction</label>
          <textarea
            id={`${id}-reason`}
            ref={reasonRef}
            rows={4}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={problems.reason ? true : undefined}
            aria-describedby={`${id}-reason-error`}
            required
          />
          <p id={`${id}-reason-error`} className="field-error" role="alert">
            {problems.reason}
          </p>
        </div>
        <p className="field-error" role="alert">
          {problems.general}
        </p>
        <div className="button-row">
          <button type="submit" className="button button--warning" aria-disabled={fetching || undefined}>
            {fetching ? "Opening…" : "Open for correction"}
          </button>
          <button type="button" className="button button--secondary" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
