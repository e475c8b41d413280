import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { formatDate } from "../../format";
import type { DecisionKind } from "../../gql/graphql";
import { DECISION_KIND_LABELS, DecisionContractsQuery, DecisionEvidenceQuery, RecordDecisionMutation } from "./decision-data";

const FIELDS = ["kind", "title", "contractId", "evidenceReturnIds", "rationale", "decidedOn", "officeId"];

export interface RecordDecisionFormProps {
  officeId: number;
  onRecorded(decision: { id: number; title: string }): void;
}

/**
 * Record a commissioning decision, unpublished. Evidence is chosen from the decided contract's accepted returns,
 * newest first; a decision to decommission must cite the latest (the server says so by field if it does not).
 */
export function RecordDecisionForm({ officeId, onRecorded }: RecordDecisionFormProps) {
  const [kind, setKind] = useState<DecisionKind>("EXTEND");
  const [title, setTitle] = useState("");
  const [contractId, setContractId] = useState("");
  const [evidence, setEvidence] = useState<number[]>([]);
  const [rationale, setRationale] = useState("");
  const [decidedOn, setDecidedOn] = useState(() => new Date().toISOString().slice(0, 10));
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ data: contracts }] = useQuery({ query: DecisionContractsQuery, variables: { officeId } });
  const [{ data: returns, fetching: loadingReturns }] = useQuery({ query: DecisionEvidenceQuery, variables: { contractId: Number(contractId) }, pause: !contractId });
  const [{ fetching }, record] = useMutation(RecordDecisionMutation);
  const accepted = contractId ? [...(returns?.returns.items ?? [])].sort((a, b) => (a.period.startDate < b.period.startDate ? 1 : -1)) : [];

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const result = await record({
      input: { officeId, kind, title: title.trim(), contractId: contractId ? Number(contractId) : null, evidenceReturnIds: evidence, rationale: rationale.trim(), decidedOn },
    });
    if (result.error || !result.data) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    setTitle("");
    setRationale("");
    setEvidence([]);
    onRecorded(result.data.recordDecision);
  }

  const toggle = (id: number) => setEvidence((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Record a decision">
      <div className="form-grid">
        <FormField label="Kind" error={outcome.fields.kind}>
          {(control) => (
            <select {...control} value={kind} onChange={(e) => setKind(e.target.value as DecisionKind)}>
              {(Object.keys(DECISION_KIND_LABELS) as DecisionKind[]).map((k) => (
                <option key={k} value={k}>
                  {DECISION_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Decided on" error={outcome.fields.decidedOn}>
          {(control) => <input {...control} type="date" value={decidedOn} onChange={(e) => setDecidedOn(e.target.value)} />}
        </FormField>
        <FormField label="Title" error={outcome.fields.title} className="field--full">
          {(control) => <input {...control} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField label="Contract decided on" hint="Needed to decommission; its accepted returns are the evidence on offer." error={outcome.fields.contractId} className="field--full">
          {(control) => (
            <select
              {...control}
              value={contractId}
              onChange={(e) => {
                setContractId(e.target.value);
                setEvidence([]);
              }}
            >
              <option value="">No particular contract</option>
              {(contracts?.contracts.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.reference}: {c.title}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <fieldset className="choices field--full" data-testid="decision-evidence">
          <legend>Evidence: the contract's accepted returns</legend>
          {!contractId ? (
            <p className="hint">Choose a contract to cite its accepted returns.</p>
          ) : loadingReturns && !returns ? (
            <p role="status">Loading accepted returns…</p>
          ) : accepted.length === 0 ? (
            <p className="hint">This contract has no accepted return yet.</p>
          ) : (
            accepted.map((r, i) => (
              <label key={r.id} className="choice">
                <input type="checkbox" checked={evidence.includes(r.id)} onChange={() => toggle(r.id)} aria-invalid={outcome.fields.evidenceReturnIds ? true : undefined} />
                <span>
                  {r.period.label} return{i === 0 ? " (latest)" : ""}, accepted {formatDate(r.acceptedAt)}
                </span>
              </label>
            ))
          )}
          {outcome.fields.evidenceReturnIds && <p className="field-error">{outcome.fields.evidenceReturnIds}</p>}
        </fieldset>
        <FormField label="Rationale" hint="What the decision weighed, in words the Panel can read once it is published." error={outcome.fields.rationale} className="field--full">
          {(control) => <textarea {...control} rows={4} value={rationale} onChange={(e) => setRationale(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general ?? outcome.fields.officeId} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Recording…" : "Record decision"}
      </button>
    </form>
  );
}
