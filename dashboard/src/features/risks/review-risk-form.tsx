import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import type { RiskStatus } from "../../gql/graphql";
import { IMPACT_LABELS, LIKELIHOOD_LABELS, RISK_STATUS_LABELS, ReviewRiskMutation, riskRating } from "./risk-data";

const FIELDS = ["quarter", "likelihood", "impact", "status", "note"];

export interface ReviewRiskFormProps {
  risk: { id: number; version: number; likelihood: number; impact: number; status: RiskStatus };
  /** Quarter labels to choose from, newest first ("2023-24 Q3"). */
  quarters: readonly string[];
  defaultQuarter: string | null;
  onReviewed(message: string): void;
  onReload(): void;
}

/** One quarter's review: it becomes the risk's current likelihood, impact and status, and joins its history. */
export function ReviewRiskForm({ risk, quarters, defaultQuarter, onReviewed, onReload }: ReviewRiskFormProps) {
  const [quarter, setQuarter] = useState(defaultQuarter ?? quarters[0] ?? "");
  const [likelihood, setLikelihood] = useState(risk.likelihood);
  const [impact, setImpact] = useState(risk.impact);
  const [status, setStatus] = useState<RiskStatus>(risk.status);
  const [note, setNote] = useState("");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, review] = useMutation(ReviewRiskMutation);
  const rating = riskRating(likelihood * impact);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const result = await review({ id: risk.id, version: risk.version, input: { quarter, likelihood, impact, status, note: note.trim() || null } });
    if (result.error) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    onReviewed(`Reviewed for ${quarter}: likelihood ${likelihood} × impact ${impact} = ${likelihood * impact} (${rating.label.toLowerCase()}).`);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Review this risk">
      {outcome.stale && (
        <StaleNotice
          what="risk"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <div className="form-grid">
        <FormField label="Quarter reviewed" error={outcome.fields.quarter}>
          {(control) => (
            <select {...control} value={quarter} onChange={(e) => setQuarter(e.target.value)}>
              {quarters.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Likelihood" error={outcome.fields.likelihood}>
          {(control) => (
            <select {...control} value={likelihood} onChange={(e) => setLikelihood(Number(e.target.value))}>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n} – {LIKELIHOOD_LABELS[n]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Impact" error={outcome.fields.impact}>
          {(control) => (
            <select {...control} value={impact} onChange={(e) => setImpact(Number(e.target.value))}>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n} – {IMPACT_LABELS[n]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Status" error={outcome.fields.status}>
          {(control) => (
            <select {...control} value={status} onChange={(e) => setStatus(e.target.value as RiskStatus)}>
              {(Object.keys(RISK_STATUS_LABELS) as RiskStatus[]).map((s) => (
                <option key={s} value={s}>
                  {RISK_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Note (optional)" error={outcome.fields.note} className="field--full">
          {(control) => <textarea {...control} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
        </FormField>
      </div>
      <p aria-live="polite" className="risk-review__score">
        New score: {likelihood} × {impact} = <strong>{likelihood * impact}</strong>, {rating.label.toLowerCase()}
      </p>
      <FormError message={outcome.general} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Recording review…" : "Record review"}
      </button>
    </form>
  );
}
