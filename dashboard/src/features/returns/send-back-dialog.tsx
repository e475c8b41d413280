import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { mutationOutcome } from "../../components/mutation-outcome";
import { describeError, errorCode } from "../../errors";
import { graphql } from "../../gql";
import "./send-back-dialog.css";

const ReturnsSendBackFormQuery = graphql(`
  query ReturnsSendBackForm($id: Int!) {
    performanceReturn(id: $id) {
      id
      version
      state
      requiredMeasures {
        id
        name
      }
    }
  }
`);

const ReturnsSendBackMutation = graphql(`
  mutation ReturnsSendBack($id: Int!, $version: Int!, $reason: String!, $measureComments: [MeasureCommentInput!]!) {
    sendBackReturn(id: $id, version: $version, reason: $reason, measureComments: $measureComments) {
      id
      state
      version
      reviewReason
    }
  }
`);

export interface SendBackDialogProps {
  returnId: number;
  /** The contract, to name the return in the dialog's title. */
  contractLabel: string;
  onClose(): void;
  onSentBack(message: string): void;
  /** The return changed under us (CONFLICT): the list should be fetched again. */
  onStale(): void;
}

/** Send a submitted return back to its provider: why, and optional comments on particular measures. */
export function SendBackDialog({ returnId, contractLabel, onClose, onSentBack, onStale }: SendBackDialogProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [comments, setComments] = useState<Record<number, string>>({});
  const [problems, setProblems] = useState<{ reason?: string; general?: string }>({});
  const [{ data, fetching: loading, error: loadError }] = useQuery({ query: ReturnsSendBackFormQuery, variables: { id: returnId }, requestPolicy: "network-only" });
  const [{ fetching }, sendBack] = useMutation(ReturnsSendBackMutation);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    reasonRef.current?.focus();
  }, []);

  const ret = data?.performanceReturn;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (fetching || !ret) return;
    if (reason.trim().length < 3) {
      setProblems({ reason: "Say why the return is being sent back." });
      reasonRef.current?.focus();
      return;
    }
    setProblems({});
    const measureComments = Object.entries(comments)
      .filter(([, text]) => text.trim())
      .map(([measureId, comment]) => ({ measureId: Number(measureId), comment: comment.trim() }));
    const result = await sendBack({ id: ret.id, version: ret.version, reason: reason.trim(), measureComments });
    if (!result.error) {
      onSentBack(`Sent back ${contractLabel} to the provider.`);
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
        <h2 id={`${id}-title`}>Send back {contractLabel}</h2>
        <p className="send-back__intro">The provider sees your reason and comments next to their figures, corrects the return and submits it again.</p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
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
        {loadError ? (
          <p className="field-error" role="alert">
            {describeError(loadError)}
          </p>
        ) : loading && !ret ? (
          <p role="status">Loading the return's measures…</p>
        ) : ret && ret.requiredMeasures.length > 0 ? (
          <fieldset className="send-back__comments">
            <legend>Comments on particular figures (optional)</legend>
            {ret.requiredMeasures.map((measure) => (
              <div className="field" key={measure.id}>
                <label htmlFor={`${id}-m${measure.id}`}>Comment on {measure.name}</label>
                <input id={`${id}-m${measure.id}`} type="text" value={comments[measure.id] ?? ""} onChange={(e) => setComments((c) => ({ ...c, [measure.id]: e.target.value }))} />
              </div>
            ))}
          </fieldset>
        ) : null}
        <p className="field-error" role="alert">
          {problems.general}
        </p>
        <div className="button-row">
          <button type="submit" className="button button--warning" aria-disabled={fetching || !ret || undefined}>
            {fetching ? "Sending back…" : "Send back to provider"}
          </button>
          <button type="button" className="button button--secondary" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
