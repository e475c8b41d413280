import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { graphql } from "../../gql";
import { QuarterOutstanding } from "./quarter-outstanding";

const OpenQuarterMutation = graphql(`
  mutation QuarterOpen($officeId: Int, $quarter: String!, $dueDate: String) {
    openReportingPeriod(officeId: $officeId, quarter: $quarter, dueDate: $dueDate) {
      id
      label
      state
      version
    }
  }
`);

export interface OpenQuarterFormProps {
  officeId: number;
  /** Suggested label: the quarter after the newest. */
  suggested: string;
  /** Quarters still open: their outstanding returns are shown before another opens. */
  stillOpen: { id: number; label: string }[];
  onOpened(message: string): void;
}

/** Open a quarter for returns: its label and due date, checked by the server, after a confirmation. */
export function OpenQuarterForm({ officeId, suggested, stillOpen, onOpened }: OpenQuarterFormProps) {
  const id = useId();
  const [quarter, setQuarter] = useState(suggested);
  const [dueDate, setDueDate] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, open] = useMutation(OpenQuarterMutation);

  function ask(event: FormEvent) {
    event.preventDefault();
    if (!/^\d{4}-\d{2} Q[1-4]$/.test(quarter.trim())) {
      setOutcome({ ...NO_OUTCOME, fields: { quarter: 'Use the form "2024-25 Q1".' } });
      return;
    }
    setOutcome(NO_OUTCOME);
    setConfirming(true);
  }

  async function confirm() {
    const result = await open({ officeId, quarter: quarter.trim(), dueDate: dueDate || null });
    setConfirming(false);
    if (!result.error) {
      onOpened(`${result.data?.openReportingPeriod.label ?? quarter} is open for returns.`);
      return;
    }
    const next = mutationOutcome(result.error, (f) => f === "quarter" || f === "dueDate", { CONFLICT: `${quarter} is already open, closed or frozen for this office.` });
    setOutcome({ ...next, stale: false });
  }

  return (
    <form className="open-quarter" onSubmit={ask} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Open a quarter</h2>
      <div className="open-quarter__fields">
        <div className="field">
          <label htmlFor={`${id}-quarter`}>Quarter</label>
          <input id={`${id}-quarter`} type="text" value={quarter} onChange={(e) => setQuarter(e.target.value)} aria-invalid={outcome.fields.quarter ? true : undefined} aria-describedby={`${id}-quarter-error`} />
          <p id={`${id}-quarter-error`} className="field-error">
            {outcome.fields.quarter}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-due`}>Returns due by (optional)</label>
          <input id={`${id}-due`} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} aria-invalid={outcome.fields.dueDate ? true : undefined} aria-describedby={`${id}-due-hint ${id}-due-error`} />
          <p id={`${id}-due-hint`} className="hint">
            One month after the quarter ends when left empty.
          </p>
          <p id={`${id}-due-error`} className="field-error">
            {outcome.fields.dueDate}
          </p>
        </div>
      </div>
      {outcome.general && !Object.keys(outcome.fields).length && (
        <p className="notice notice--error" role="alert">
          {outcome.general}
        </p>
      )}
      <button type="submit" className="button">
        Open the quarter…
      </button>
      {confirming && (
        <ConfirmDialog title={`Open ${quarter.trim()} for returns?`} confirmLabel="Open the quarter" busyLabel="Opening…" busy={fetching} onConfirm={confirm} onClose={() => setConfirming(false)}>
          <p>Providers see the quarter at once and can start their returns; reminders follow its due date.</p>
          {stillOpen.length ? (
            stillOpen.map((p) => (
              <section key={p.id} aria-label={`${p.label}, still open`}>
                <h3>{p.label} is still open</h3>
                <QuarterOutstanding periodId={p.id} officeId={officeId} />
              </section>
            ))
          ) : (
            <p>No other quarter is open.</p>
          )}
        </ConfirmDialog>
      )}
    </form>
  );
}
