import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { RagBadge } from "../../components/rag-badge";
import { describeError, errorCode } from "../../errors";
import { formatDateTime, formatValue } from "../../format";
import { graphql } from "../../gql";
import { RETURN_STATE_LABELS } from "../returns/return-labels";
import { targetNote } from "./scorecard-format";
import type { OpenCell } from "./scorecard-grid";
import "../../components/side-panel.css";
import "../returns/provenance.css";
import "./cell-drilldown.css";

const BoardProvenanceQuery = graphql(`
  query BoardProvenance($officeId: Int, $indicatorId: Int!, $periodId: Int!, $portfolioId: Int, $includeSubmitted: Boolean!) {
    scorecardProvenance(indicatorId: $indicatorId, periodId: $periodId, portfolioId: $portfolioId, includeSubmitted: $includeSubmitted) {
      contractId
      contractReference
      contractTitle
      returnId
      revision
      state
      submittedAt
      submittedBy
      acceptedAt
      acceptedBy
      values {
        measureId
        measureCode
        role
        value
      }
    }
    measures(officeId: $officeId) {
      id
      name
    }
  }
`);

const BoardSetTargetMutation = graphql(`
  mutation BoardSetTarget($input: SetTargetInput!) {
    setTarget(input: $input) {
      id
      version
      value
      year
      quarter
    }
  }
`);

/** The target being changed, for its version: setTarget refuses a change based on a stale one. */
const BoardTargetQuery = graphql(`
  query BoardTarget($key: TargetKeyInput!) {
    target(key: $key) {
      id
      version
      value
    }
  }
`);

export interface DrilldownPeriod {
  id: number;
  label: string;
  year: string;
  quarter: number;
}

export interface CellDrilldownProps {
  open: OpenCell;
  /** The portfolio's name, or the office's for the total. */
  scopeName: string;
  period: DrilldownPeriod;
  officeId: number;
  includeSubmitted: boolean;
  canSetTarget: boolean;
  onClose(): void;
  onTargetSaved(): void;
}

/** Where one figure comes from: the returns counted in it, their values and who submitted and accepted them. */
export function CellDrilldown({ open, scopeName, period, officeId, includeSubmitted, canSetTarget, onClose, onTargetSaved }: CellDrilldownProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const { row, cell, portfolioId } = open;
  const unit = row.indicator.unit;

  const [{ data, fetching, error }] = useQuery({
    query: BoardProvenanceQuery,
    variables: { officeId, indicatorId: row.indicatorId, periodId: cell.periodId, portfolioId, includeSubmitted },
    requestPolicy: "cache-and-network",
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    // Modal: focus moves in, the rest of the page is inert, and Esc closes it.
    if (dialog && !dialog.open) dialog.showModal();
    // Start reading at the title rather than on the Close button.
    headingRef.current?.focus();
  }, []);

  const measureNames = new Map((data?.measures ?? []).map((m) => [m.id, m.name]));
  const entries = data?.scorecardProvenance ?? [];
  const returnsLink = (returnId: number) => `/returns?office=${officeId}&quarter=${cell.periodId}&return=${returnId}`;

  return (
    <dialog ref={dialogRef} className="drilldown" aria-labelledby={headingId} onClose={onClose}>
      <div className="drilldown__header">
        <h2 id={headingId} className="drilldown__title" ref={headingRef} tabIndex={-1}>
          {row.indicator.name}
          <span className="drilldown__subtitle">
            {scopeName} · {cell.label}
          </span>
        </h2>
        <button type="button" className="button button--secondary drilldown__close" onClick={() => dialogRef.current?.close()}>
          Close<span className="visually-hidden"> where this figure comes from</span>
        </button>
      </div>

      <dl className="drilldown__summary">
        <div>
          <dt>Figure</dt>
          <dd className="drilldown__figure">{formatValue(cell.actual, unit)}</dd>
        </div>
        <div>
          <dt>Against target</dt>
          <dd>
            <RagBadge rag={cell.rag} />
          </dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>{targetNote(cell, (v) => formatValue(v, unit))}</dd>
        </div>
        <div>
          <dt>Completeness</dt>
          <dd>
            {cell.returnsIn} of {cell.returnsDue} returns{cell.complete ? "" : " (incomplete: a partial figure, judged as the legend says)"}{cell.provisional ? " (provisional: includes submitted returns not yet accepted)" : ""}
          </dd>
        </div>
        {cell.numerator != null && (
          <div>
            <dt>Sum of the returns' figures</dt>
            <dd>
              {cell.denominator != null ? `${formatValue(cell.numerator, "COUNT")} of ${formatValue(cell.denominator, "COUNT")}` : formatValue(cell.numerator, "COUNT")}
            </dd>
          </div>
        )}
      </dl>

      <h3 className="drilldown__section">Returns counted in this figure</h3>
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : fetching && !data ? (
        <p aria-live="polite">Loading the returns behind this figure…</p>
      ) : entries.length === 0 ? (
        <p>No {includeSubmitted ? "submitted or accepted" : "accepted"} returns count towards this figure yet.</p>
      ) : (
        <ul className="provenance" aria-label="Contributing returns">
          {entries.map((entry) => (
            <li key={entry.returnId} className="provenance__item" data-testid={`provenance-${entry.returnId}`}>
              <p className="provenance__contract">
                <strong>{entry.contractReference}</strong> {entry.contractTitle}
              </p>
              <p className="provenance__state">
                Return {(RETURN_STATE_LABELS[entry.state] ?? entry.state).toLowerCase()}, revision {entry.revision} ·{" "}
                <Link to={returnsLink(entry.returnId)}>
                  Open return<span className="visually-hidden"> for {entry.contractReference}</span>
                </Link>
              </p>
              <table className="provenance__values">
                <caption className="visually-hidden">Values from {entry.contractReference}</caption>
                <thead>
                  <tr>
                    <th scope="col">Measure</th>
                    <th scope="col">Counts as</th>
                    <th scope="col" className="num">
                      Value
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {entry.values.map((value) => (
                    <tr key={value.measureId}>
                      <th scope="row">{measureNames.get(value.measureId) ?? value.measureCode}</th>
                      <td>{value.role === "DENOMINATOR" ? "Denominator" : "Numerator"}</td>
                      <td className="num">{formatValue(value.value, "COUNT")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <dl className="provenance__people">
                <div>
                  <dt>Submitted</dt>
                  <dd>
                    {entry.submittedBy ?? "–"}, {formatDateTime(entry.submittedAt)}
                  </dd>
                </div>
                <div>
                  <dt>Accepted</dt>
                  <dd>{entry.acceptedAt ? `${entry.acceptedBy ?? "–"}, ${formatDateTime(entry.acceptedAt)}` : "Not yet accepted"}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}

      {canSetTarget && portfolioId != null && (
        <TargetForm indicatorId={row.indicatorId} portfolioId={portfolioId} unit={unit} period={period} current={cell.target} onSaved={onTargetSaved} />
      )}
    </dialog>
  );
}

function TargetForm({ indicatorId, portfolioId, unit, period, current, onSaved }: { indicatorId: number; portfolioId: number; unit: OpenCell["row"]["indicator"]["unit"]; period: DrilldownPeriod; current: number | null; onSaved(): void }) {
  const id = useId();
  const [value, setValue] = useState(current != null ? String(Math.round(current * 10) / 10) : "");
  const [scope, setScope] = useState<"quarter" | "year">("quarter");
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [{ fetching }, setTarget] = useMutation(BoardSetTargetMutation);
  const key = { indicatorId, portfolioId, year: period.year, quarter: scope === "quarter" ? period.quarter : null };
  const [{ data: existing }, reloadTarget] = useQuery({ query: BoardTargetQuery, variables: { key }, requestPolicy: "network-only" });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (fetching) return;
    setSaved(null);
    const number = Number(value.trim());
    if (value.trim() === "" || !Number.isFinite(number)) {
      setProblem("Enter the target as a number.");
      return;
    }
    setProblem(null);
    const result = await setTarget({ input: { ...key, value: number, version: existing?.target?.version ?? null } });
    if (result.error) {
      if (errorCode(result.error) === "CONFLICT") {
        setProblem("Someone changed this target meanwhile. The current target is loaded: check it and save again.");
        reloadTarget({ requestPolicy: "network-only" });
        return;
      }
      const problems = result.error.graphQLErrors.flatMap((e) => (Array.isArray(e.extensions?.problems) ? (e.extensions.problems as { message: string }[]) : []));
      setProblem(errorCode(result.error) === "BAD_USER_INPUT" && problems.length ? problems.map((p) => p.message).join(" ") : describeError(result.error));
      return;
    }
    setSaved(scope === "quarter" ? `Target for ${period.label} saved.` : `Target for ${period.year} saved.`);
    reloadTarget({ requestPolicy: "network-only" });
    onSaved();
  }

  return (
    <form className="target-form" onSubmit={submit} noValidate>
      <h3 className="drilldown__section">Set the portfolio's target</h3>
      <div className="field">
        <label htmlFor={`${id}-value`}>Target ({unit === "PERCENT" ? "%" : unit === "PENCE" ? "pence" : unit.toLowerCase()})</label>
        <input
          id={`${id}-value`}
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-problem ${id}-hint`}
        />
      </div>
      <fieldset className="target-form__scope">
        <legend>Applies to</legend>
        <label>
          <input type="radio" name={`${id}-scope`} checked={scope === "quarter"} onChange={() => setScope("quarter")} /> {period.label} only
        </label>
        <label>
          <input type="radio" name={`${id}-scope`} checked={scope === "year"} onChange={() => setScope("year")} /> The whole year, {period.year}
        </label>
      </fieldset>
      <p id={`${id}-hint`} className="target-form__hint">
        {unit === "COUNT" ? "A whole-year target for a count is shared equally across its four quarters." : "A whole-year target applies to each quarter as it is."}
      </p>
      <p id={`${id}-problem`} className="board-error" role="alert">
        {problem}
      </p>
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Saving…" : "Save target"}
      </button>
      <p className="target-form__saved" role="status">
        {saved}
      </p>
    </form>
  );
}
