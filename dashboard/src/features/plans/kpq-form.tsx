import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { CreateKpqMutation, UpdateKpqMutation } from "./plan-data";

const FIELDS = ["question", "indicatorIds", "priorityId"];

export interface KpqFormProps {
  priorityId: number;
  /** Editing this question (with its version); absent to add a new one. */
  existing?: { id: number; version: number; question: string; indicatorIds: number[] };
  indicators: readonly { id: number; code: string; name: string }[];
  onSaved(message: string): void;
  onCancel?(): void;
  onReload(): void;
}

/** A Key Performance Question under a priority, and the indicators that answer it. */
export function KpqForm({ priorityId, existing, indicators, onSaved, onCancel, onReload }: KpqFormProps) {
  const [question, setQuestion] = useState(existing?.question ?? "");
  const [chosen, setChosen] = useState<number[]>(existing?.indicatorIds ?? []);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [createState, create] = useMutation(CreateKpqMutation);
  const [updateState, update] = useMutation(UpdateKpqMutation);
  const busy = createState.fetching || updateState.fetching;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const result = existing
      ? await update({ id: existing.id, version: existing.version, input: { question: question.trim(), indicatorIds: chosen } })
      : await create({ input: { priorityId, question: question.trim(), indicatorIds: chosen } });
    if (result.error) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    if (!existing) {
      setQuestion("");
      setChosen([]);
    }
    onSaved(existing ? "Question saved." : "Question added.");
  }

  const toggle = (id: number) => setChosen((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));

  return (
    <form onSubmit={onSubmit} noValidate aria-label={existing ? "Edit the question" : "Add a question"} className="kpq-form">
      {outcome.stale && (
        <StaleNotice
          what="question"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <FormField label="Question" error={outcome.fields.question}>
        {(control) => <input {...control} type="text" value={question} onChange={(e) => setQuestion(e.target.value)} />}
      </FormField>
      <details className="kpq-form__indicators">
        <summary>Indicators that answer it ({chosen.length} chosen)</summary>
        <fieldset className="choices">
          <legend className="visually-hidden">Indicators</legend>
          {indicators.map((i) => (
            <label key={i.id} className="choice">
              <input type="checkbox" checked={chosen.includes(i.id)} onChange={() => toggle(i.id)} />
              <span>
                {i.code}: {i.name}
              </span>
            </label>
          ))}
        </fieldset>
      </details>
      {outcome.fields.indicatorIds && <p className="field-error">{outcome.fields.indicatorIds}</p>}
      <FormError message={outcome.general ?? outcome.fields.priorityId} />
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? "Saving…" : existing ? "Save question" : "Add question"}
        </button>
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
