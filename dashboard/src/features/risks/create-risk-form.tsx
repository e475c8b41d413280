import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { CreateRiskMutation, IMPACT_LABELS, LIKELIHOOD_LABELS } from "./risk-data";

const FIELDS = ["title", "ownerName", "portfolioId", "likelihood", "impact", "description", "mitigation", "officeId"];

export interface CreateRiskFormProps {
  officeId: number;
  portfolios: readonly { id: number; name: string }[];
  onCreated(risk: { id: number; title: string }): void;
}

/** A new risk on the register: its owner, where it sits and its first assessment. */
export function CreateRiskForm({ officeId, portfolios, onCreated }: CreateRiskFormProps) {
  const [title, setTitle] = useState("");
  const [ownerName, setOwnerName] = useState("");
  const [portfolioId, setPortfolioId] = useState("");
  const [likelihood, setLikelihood] = useState(3);
  const [impact, setImpact] = useState(3);
  const [description, setDescription] = useState("");
  const [mitigation, setMitigation] = useState("");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, create] = useMutation(CreateRiskMutation);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const result = await create({
      input: {
        officeId,
        title: title.trim(),
        ownerName: ownerName.trim(),
        portfolioId: portfolioId ? Number(portfolioId) : null,
        likelihood,
        impact,
        description: description.trim() || null,
        mitigation: mitigation.trim() || null,
      },
    });
    if (result.error || !result.data) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    setTitle("");
    setDescription("");
    setMitigation("");
    onCreated(result.data.createRisk);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add a risk">
      <div className="form-grid">
        <FormField label="Risk" error={outcome.fields.title} className="field--full">
          {(control) => <input {...control} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField label="Owner" error={outcome.fields.ownerName}>
          {(control) => <input {...control} type="text" value={ownerName} onChange={(e) => setOwnerName(e.target.value)} />}
        </FormField>
        <FormField label="Portfolio" error={outcome.fields.portfolioId}>
          {(control) => (
            <select {...control} value={portfolioId} onChange={(e) => setPortfolioId(e.target.value)}>
              <option value="">Office-wide</option>
              {portfolios.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
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
        <FormField label="Description (optional)" error={outcome.fields.description} className="field--full">
          {(control) => <textarea {...control} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </FormField>
        <FormField label="Mitigation (optional)" error={outcome.fields.mitigation} className="field--full">
          {(control) => <textarea {...control} rows={3} value={mitigation} onChange={(e) => setMitigation(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general ?? outcome.fields.officeId} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Adding…" : "Add risk"}
      </button>
    </form>
  );
}
