import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import type { BriefDriver } from "../../gql/graphql";
import { BRIEF_DRIVER_LABELS, poundsToPence } from "./brief-format";
import { SubmitBriefMutation } from "./brief-data";

const FIELDS = ["title", "summary", "drivers", "portfolioId", "proposedValuePence", "officeId"];
const DRIVERS = Object.keys(BRIEF_DRIVER_LABELS) as BriefDriver[];

export interface SubmitBriefFormProps {
  officeId: number;
  portfolios: readonly { id: number; name: string }[];
  onSubmitted(brief: { id: number; title: string }): void;
}

/** Propose a service: title, business need, drivers, portfolio and proposed annual cost. */
export function SubmitBriefForm({ officeId, portfolios, onSubmitted }: SubmitBriefFormProps) {
  const [title, setTitle] = useState("");
  const [summary, setSummary] = useState("");
  const [drivers, setDrivers] = useState<BriefDriver[]>([]);
  const [portfolioId, setPortfolioId] = useState("");
  const [value, setValue] = useState("");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, submit] = useMutation(SubmitBriefMutation);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const pence = poundsToPence(value);
    if (Number.isNaN(pence)) {
      setOutcome({ ...NO_OUTCOME, fields: { proposedValuePence: "Enter an amount in pounds, such as 25000 or 25,000.50." } });
      return;
    }
    const result = await submit({
      input: { officeId, title: title.trim(), summary: summary.trim(), drivers, portfolioId: portfolioId ? Number(portfolioId) : null, proposedValuePence: pence },
    });
    if (result.error || !result.data) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    setTitle("");
    setSummary("");
    setDrivers([]);
    setValue("");
    onSubmitted(result.data.submitBrief);
  }

  const toggle = (driver: BriefDriver) => setDrivers((list) => (list.includes(driver) ? list.filter((d) => d !== driver) : [...list, driver]));

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Submit a project brief">
      <div className="form-grid">
        <FormField label="Title" error={outcome.fields.title} className="field--full">
          {(control) => <input {...control} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField label="Business need" hint="The problem, and what the service would change." error={outcome.fields.summary} className="field--full">
          {(control) => <textarea {...control} rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />}
        </FormField>
        <fieldset className="choices field--full" aria-describedby={outcome.fields.drivers ? "brief-drivers-error" : undefined}>
          <legend>Drivers (at least one)</legend>
          {DRIVERS.map((driver) => (
            <label key={driver} className="choice">
              <input type="checkbox" checked={drivers.includes(driver)} onChange={() => toggle(driver)} aria-invalid={outcome.fields.drivers ? true : undefined} />
              <span>{BRIEF_DRIVER_LABELS[driver]}</span>
            </label>
          ))}
          {outcome.fields.drivers && (
            <p id="brief-drivers-error" className="field-error">
              {outcome.fields.drivers}
            </p>
          )}
        </fieldset>
        <FormField label="Portfolio" hint="Needed by the time it is approved." error={outcome.fields.portfolioId}>
          {(control) => (
            <select {...control} value={portfolioId} onChange={(e) => setPortfolioId(e.target.value)}>
              <option value="">Not decided yet</option>
              {portfolios.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Proposed annual cost (£)" hint="Optional. Becomes the contract's annual value." error={outcome.fields.proposedValuePence}>
          {(control) => <input {...control} type="text" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general ?? outcome.fields.officeId} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Submitting…" : "Submit brief"}
      </button>
    </form>
  );
}
