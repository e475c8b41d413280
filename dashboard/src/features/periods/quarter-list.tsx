import { formatDate, formatDateTime } from "../../format";
import type { PeriodState } from "../../gql/graphql";
import { PERIOD_STATE_LABELS } from "./period-labels";

export interface QuarterRow {
  id: number;
  label: string;
  state: PeriodState;
  dueDate: string;
  closedAt?: string | null;
  frozenAt?: string | null;
  version: number;
}

export interface QuarterListProps {
  quarters: readonly QuarterRow[];
  /** Null hides the buttons (roles that cannot write). */
  onStep: ((step: "close" | "freeze", quarter: QuarterRow) => void) | null;
}

/** Each quarter, newest first, with the one step it can take next. */
export function QuarterList({ quarters, onStep }: QuarterListProps) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Reporting quarters">
      <table className="table" data-testid="quarters-table">
        <thead>
          <tr>
            <th scope="col">Quarter</th>
            <th scope="col">State</th>
            <th scope="col">Returns due</th>
            <th scope="col">Closed</th>
            <th scope="col">Frozen</th>
            <th scope="col">Next step</th>
          </tr>
        </thead>
        <tbody>
          {quarters.map((q) => (
            <tr key={q.id} data-testid={`quarter-${q.label}`}>
              <th scope="row">{q.label}</th>
              <td data-testid="quarter-state">{PERIOD_STATE_LABELS[q.state]}</td>
              <td>{formatDate(q.dueDate)}</td>
              <td>{q.closedAt ? formatDateTime(q.closedAt) : "—"}</td>
              <td>{q.frozenAt ? formatDateTime(q.frozenAt) : "—"}</td>
              <td>
                {onStep && q.state === "OPEN" && (
                  <button type="button" className="button button--secondary" onClick={() => onStep("close", q)}>
                    Close {q.label}…
                  </button>
                )}
                {onStep && q.state === "CLOSED" && (
                  <button type="button" className="button button--secondary" onClick={() => onStep("freeze", q)}>
                    Freeze {q.label}…
                  </button>
                )}
                {q.state === "FROZEN" && <span className="hint">Corrections show as restatements</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
