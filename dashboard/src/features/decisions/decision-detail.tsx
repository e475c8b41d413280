import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { formatDate } from "../../format";
import { DECISION_KIND_LABELS, PublishDecisionMutation, type DecisionRow } from "./decision-data";
import "../../components/workspace.css";
import "./decisions.css";

export interface DecisionDetailProps {
  decision: DecisionRow;
  /** The Commissioner (or an administrator) publishes. */
  canPublish: boolean;
  contractHref(contractId: number): string;
  /** Supporting documents (the attachments feature fills this in). */
  attachments?: ReactNode;
  onChanged(message: string): void;
  onReload(): void;
}

/** One decision: what, why, the returns it relied on, and publishing it to the Panel. */
export function DecisionDetail({ decision, canPublish, contractHref, attachments, onChanged, onReload }: DecisionDetailProps) {
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, publish] = useMutation(PublishDecisionMutation);

  async function confirm() {
    const result = await publish({ id: decision.id, version: decision.version });
    setAsking(false);
    if (result.error) {
      setOutcome(mutationOutcome(result.error, []));
      return;
    }
    setOutcome(NO_OUTCOME);
    onChanged(`Published “${decision.title}”. The Panel's analysts can read it now.`);
  }

  return (
    <article className="panel decision-detail" aria-labelledby={`decision-${decision.id}-title`} data-testid="decision-detail">
      <h2 id={`decision-${decision.id}-title`}>{decision.title}</h2>
      <dl className="facts">
        <div>
          <dt>Kind</dt>
          <dd>{DECISION_KIND_LABELS[decision.kind]}</dd>
        </div>
        <div>
          <dt>Decided on</dt>
          <dd>{formatDate(decision.decidedOn)}</dd>
        </div>
        <div>
          <dt>Contract</dt>
          <dd>{decision.contract ? <Link to={contractHref(decision.contract.id)}>{decision.contract.reference}</Link> : "None in particular"}</dd>
        </div>
        <div>
          <dt>Published</dt>
          <dd data-testid="decision-published">{decision.published ? "Published" : "Not yet published"}</dd>
        </div>
      </dl>
      <h3>Rationale</h3>
      <p className="decision-detail__rationale">{decision.rationale}</p>
      <h3>Evidence</h3>
      {decision.evidence.length === 0 ? (
        <p>No returns cited.</p>
      ) : (
        <ul className="decision-detail__evidence" data-testid="decision-evidence-list">
          {decision.evidence.map((r) => (
            <li key={r.id}>
              {r.contract.reference}, {r.period.label} return ({r.state === "ACCEPTED" ? "accepted" : r.state.toLowerCase()})
            </li>
          ))}
        </ul>
      )}
      {attachments}
      {outcome.stale && (
        <StaleNotice
          what="decision"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <FormError message={outcome.general} />
      {!decision.published && canPublish && (
        <button type="button" className="button" onClick={() => setAsking(true)}>
          Publish decision…
        </button>
      )}
      {!decision.published && !canPublish && <p className="hint">The Commissioner publishes decisions.</p>}
      {asking && (
        <ConfirmDialog title={`Publish “${decision.title}”?`} confirmLabel="Publish to the Panel" busy={fetching} onConfirm={confirm} onClose={() => setAsking(false)}>
          <p>
            The Police and Crime Panel's analysts will see the decision, its rationale and its evidence. Publishing cannot be withdrawn.
            {decision.kind === "DECOMMISSION" && " Publishing a decommissioning takes the contract out of the figures, frozen quarters included."}
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
