import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { StaleNotice } from "../../components/stale-notice";
import { graphql } from "../../gql";
import type { FundingStreamFieldsFragment } from "../../gql/graphql";
import { penceToPounds, poundsToPence } from "../../pounds";

const SetStreamYearMutation = graphql(`
  mutation StreamYearSet($input: FundingStreamYearInput!) {
    setFundingStreamYear(input: $input) {
      id
      year
      amountPence
      version
    }
  }
`);

/** Set a stream's amount for one financial year (the year's version guards against a clash). */
export function StreamYearForm({ stream, year, onSaved, onCancel, onReload }: { stream: FundingStreamFieldsFragment; year: string; onSaved(message: string): void; onCancel(): void; onReload(): void }) {
  const id = useId();
  const existing = stream.years.find((y) => y.year === year);
  const [amount, setAmount] = useState(penceToPounds(existing?.amountPence));
  const [variable, setVariable] = useState(existing?.variable ?? false);
  const [note, setNote] = useState(existing?.note ?? "");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, save] = useMutation(SetStreamYearMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const amountPence = poundsToPence(amount);
    if (amountPence == null) {
      setOutcome({ ...NO_OUTCOME, fields: { amountPence: "Enter an amount in pounds, such as 250000." } });
      return;
    }
    const result = await save({ input: { streamId: stream.id, year, amountPence, variable, note: note.trim() || null, ...(existing ? { version: existing.version } : {}) } });
    if (!result.error) onSaved(`${stream.name}: ${year} amount saved.`);
    else setOutcome(mutationOutcome(result.error, (f) => f === "amountPence" || f === "note"));
  }

  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="stream-year-form">
      <h3 id={`${id}-h`}>
        {stream.name}: amount for {year}
      </h3>
      {outcome.stale && <StaleNotice what="year's amount" onReload={onReload} />}
      {outcome.general && !outcome.stale && (
        <p className="notice notice--error" role="alert">
          {outcome.general}
        </p>
      )}
      <div className="money-form__grid">
        <div className="field">
          <label htmlFor={`${id}-amount`}>Amount (£)</label>
          <input id={`${id}-amount`} type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={outcome.fields.amountPence ? true : undefined} aria-describedby={`${id}-amount-error`} />
          <p id={`${id}-amount-error`} className="field-error">
            {outcome.fields.amountPence}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <input id={`${id}-note`} type="text" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={variable} onChange={(e) => setVariable(e.target.checked)} /> Receipts-based: an expectation, not a settlement
      </label>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={fetching || undefined}>
          {fetching ? "Saving…" : "Save amount"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
