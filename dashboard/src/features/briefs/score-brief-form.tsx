import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { BRIEF_TOTAL_MAX, briefProduct, SCORE_LABELS } from "./brief-format";
import { ScoreBriefMutation } from "./brief-data";

const SCORES = [
  { field: "businessNeedScore", label: "Business need" },
  { field: "driversScore", label: "Drivers" },
  { field: "deliverabilityScore", label: "Deliverability" },
] as const;
type ScoreField = (typeof SCORES)[number]["field"];

export interface ScoreBriefFormProps {
  brief: { id: number; version: number; businessNeedScore?: number | null; driversScore?: number | null; deliverabilityScore?: number | null };
  onScored(message: string): void;
  /** Fetch the brief again after a version clash. */
  onReload(): void;
}

/** The three 0–3 scores and their product, live as they are chosen; a zero anywhere sinks the brief. */
export function ScoreBriefForm({ brief, onScored, onReload }: ScoreBriefFormProps) {
  const [scores, setScores] = useState<Record<ScoreField, number | null>>({
    businessNeedScore: brief.businessNeedScore ?? null,
    driversScore: brief.driversScore ?? null,
    deliverabilityScore: brief.deliverabilityScore ?? null,
  });
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, score] = useMutation(ScoreBriefMutation);
  const product = briefProduct(scores.businessNeedScore, scores.driversScore, scores.deliverabilityScore);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const missing = SCORES.filter((s) => scores[s.field] == null);
    if (missing.length) {
      setOutcome({ ...NO_OUTCOME, fields: Object.fromEntries(missing.map((s) => [s.field, `Choose a score for ${s.label.toLowerCase()}.`])) });
      return;
    }
    const result = await score({ id: brief.id, version: brief.version, scores: scores as Record<ScoreField, number> });
    if (result.error) {
      setOutcome(mutationOutcome(result.error, SCORES.map((s) => s.field)));
      return;
    }
    setOutcome(NO_OUTCOME);
    onScored(`Scored: ${product} of ${BRIEF_TOTAL_MAX}.`);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Score the brief" className="brief-score-form">
      {outcome.stale && (
        <StaleNotice
          what="brief"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <div className="form-grid form-grid--single">
        {SCORES.map(({ field, label }) => (
          <FormField key={field} label={label} error={outcome.fields[field]}>
            {(control) => (
              <select {...control} value={scores[field] ?? ""} onChange={(e) => setScores((s) => ({ ...s, [field]: e.target.value === "" ? null : Number(e.target.value) }))}>
                <option value="">Choose a score</option>
                {SCORE_LABELS.map((words, value) => (
                  <option key={value} value={value}>
                    {words}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        ))}
      </div>
      <p className="brief-product" aria-live="polite" data-testid="brief-product">
        {product == null ? (
          "Total: choose all three scores"
        ) : (
          <>
            Total: {scores.businessNeedScore} × {scores.driversScore} × {scores.deliverabilityScore} = <strong>{product}</strong> of {BRIEF_TOTAL_MAX}
          </>
        )}
      </p>
      <FormError message={outcome.general} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Saving scores…" : brief.businessNeedScore == null ? "Save scores" : "Rescore"}
      </button>
    </form>
  );
}
