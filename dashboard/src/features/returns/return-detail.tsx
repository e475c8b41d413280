import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDateTime, formatPence } from "../../format";
import { graphql } from "../../gql";
import { ReturnFigures } from "./return-figures";
import { RETURN_STATE_LABELS } from "./return-labels";
import "../../components/side-panel.css";
import "./provenance.css";
import "./return-detail.css";
import { ReturnConversationPanel } from "../conversations/return-conversation-panel";

const ReturnsDetailQuery = graphql(`
  query ReturnsDetail($id: Int!) {
    performanceReturn(id: $id) {
      id
      state
      late
      version
      reviewReason
      revisionCount
      submittedAt
      acceptedAt
      acceptedBy {
        id
        name
      }
      achievements
      challenges
      caseStudy
      emergingRisks
      spendPence
      contract {
        id
        reference
        title
        provider {
          id
          name
        }
      }
      period {
        id
        label
      }
      values {
        id
        value
        comment
        measure {
          id
          name
          unit
        }
      }
      revisions {
        id
        number
        submittedAt
        submittedBy {
          id
          name
        }
        late
        outcome
        reviewReason
        reviewedAt
        reviewedBy {
          id
          name
        }
        measureComments {
          measureId
          comment
        }
      }
    }
  }
`);

const ReturnsDiffQuery = graphql(`
  query ReturnsDiff($returnId: Int!, $from: Int!, $to: Int!) {
    returnDiff(returnId: $returnId, from: $from, to: $to) {
      field
      measureId
      before
      after
    }
  }
`);

const NARRATIVE: [key: "achievements" | "challenges" | "caseStudy" | "emergingRisks", label: string][] = [
  ["achievements", "Achievements"],
  ["challenges", "Challenges"],
  ["caseStudy", "Case study"],
  ["emergingRisks", "Emerging risks"],
];

const FIELD_LABELS: Record<string, string> = { achievements: "Achievements", challenges: "Challenges", caseStudy: "Case study", emergingRisks: "Emerging risks", spendPence: "Spend" };

/** What the review actions need to know about the return on show. */
export interface ReviewedReturn {
  id: number;
  state: string;
  version: number;
  label: string;
  contractId: number;
  period: { id: number; label: string };
}

export interface ReturnDetailProps {
  returnId: number;
  onClose(): void;
  /** Accept and send-back buttons, when the viewer may review this return. */
  actions?: (ret: ReviewedReturn) => ReactNode;
}

/** One return: its values, narrative and revision history, with what changed between two submissions. */
export function ReturnDetail({ returnId, onClose, actions }: ReturnDetailProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [{ data, error, fetching }] = useQuery({ query: ReturnsDetailQuery, variables: { id: returnId }, requestPolicy: "cache-and-network" });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // Start reading at the title rather than on the Close button.
    headingRef.current?.focus();
  }, []);

  const ret = data?.performanceReturn;
  const latest = ret?.revisions[ret.revisions.length - 1];
  const reviewerComments = new Map((latest?.measureComments ?? []).map((c) => [c.measureId, c.comment]));
  const measureNames = new Map((ret?.values ?? []).map((v) => [v.measure.id, v.measure.name]));
  const label = ret ? `${ret.contract.reference} ${ret.contract.title}` : "";

  return (
    <dialog ref={dialogRef} className="drilldown return-detail" aria-labelledby={`${id}-title`} onClose={onClose}>
      <div className="drilldown__header">
        <h2 id={`${id}-title`} className="drilldown__title" ref={headingRef} tabIndex={-1}>
          {ret ? (
            <>
              {ret.contract.reference} {ret.contract.title}
              <span className="drilldown__subtitle">
                {ret.contract.provider.name} · {ret.period.label}
              </span>
            </>
          ) : (
            "Return"
          )}
        </h2>
        <button type="button" className="button button--secondary drilldown__close" onClick={() => dialogRef.current?.close()}>
          Close<span className="visually-hidden"> the return</span>
        </button>
      </div>

      {error ? (
        <p className="field-error" role="alert">
          {describeError(error, { NOT_FOUND: "This return does not exist or is not yours to see." })}
        </p>
      ) : !ret ? (
        <p role="status">{fetching ? "Loading the return…" : ""}</p>
      ) : (
        <>
          <dl className="drilldown__summary">
            <div>
              <dt>State</dt>
              <dd>{RETURN_STATE_LABELS[ret.state] ?? ret.state}</dd>
            </div>
            <div>
              <dt>Submitted</dt>
              <dd>
                {ret.submittedAt ? formatDateTime(ret.submittedAt) : "Not yet"}
                {ret.late ? " (late)" : ""}
              </dd>
            </div>
            <div>
              <dt>Revisions</dt>
              <dd>{ret.revisionCount}</dd>
            </div>
            <div>
              <dt>Spend this quarter</dt>
              <dd>{ret.spendPence != null ? formatPence(ret.spendPence) : "Not reported"}</dd>
            </div>
            {ret.acceptedAt && (
              <div>
                <dt>Accepted</dt>
                <dd>
                  {ret.acceptedBy?.name ?? "–"}, {formatDateTime(ret.acceptedAt)}
                </dd>
              </div>
            )}
          </dl>
          {ret.reviewReason && (
            <p className="notice notice--warning">
              <strong>{ret.state === "RETURNED" ? "Sent back: " : "Review note: "}</strong>
              {ret.reviewReason}
            </p>
          )}
          {actions && <div className="button-row return-detail__actions">{actions({ id: ret.id, state: ret.state, version: ret.version, label, contractId: ret.contract.id, period: ret.period })}</div>}

          <ReturnFigures contractId={ret.contract.id} period={ret.period} values={ret.values} reviewerComments={reviewerComments} />

          <h3 className="drilldown__section">What the provider says</h3>
          <dl className="return-detail__narrative">
            {NARRATIVE.map(([key, title]) => (
              <div key={key}>
                <dt>{title}</dt>
                <dd>{ret[key] || <span className="return-detail__none">Nothing written</span>}</dd>
              </div>
            ))}
          </dl>

          <ReturnConversationPanel returnId={ret.id} />

          <h3 className="drilldown__section">Revision history</h3>
          {ret.revisions.length === 0 ? (
            <p>Not submitted yet.</p>
          ) : (
            <ol className="revisions">
              {[...ret.revisions].reverse().map((rev) => (
                <li key={rev.id} className="revisions__item">
                  <p className="revisions__head">
                    <strong>Revision {rev.number}</strong>: submitted by {rev.submittedBy.name}, {formatDateTime(rev.submittedAt)}
                    {rev.late ? " (late)" : ""}
                  </p>
                  {rev.outcome && (
                    <p className="revisions__outcome">
                      {RETURN_STATE_LABELS[rev.outcome] ?? rev.outcome} by {rev.reviewedBy?.name ?? "–"}, {formatDateTime(rev.reviewedAt)}
                      {rev.reviewReason ? `: “${rev.reviewReason}”` : ""}
                    </p>
                  )}
                  {rev.measureComments.length > 0 && (
                    <ul className="revisions__comments">
                      {rev.measureComments.map((c) => (
                        <li key={c.measureId}>
                          {measureNames.get(c.measureId) ?? `Measure ${c.measureId}`}: {c.comment}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
          {ret.revisions.length >= 2 && <RevisionDiff returnId={ret.id} count={ret.revisions.length} measureNames={measureNames} />}
        </>
      )}
    </dialog>
  );
}

function RevisionDiff({ returnId, count, measureNames }: { returnId: number; count: number; measureNames: Map<number, string> }) {
  const id = useId();
  const [from, setFrom] = useState(count - 1);
  const [to, setTo] = useState(count);
  const [{ data, error, fetching }] = useQuery({ query: ReturnsDiffQuery, variables: { returnId, from, to }, pause: from === to });
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  const fieldName = (field: string, measureId: number | null) => {
    const [kind, rest] = field.split(".");
    if (measureId != null) return `${measureNames.get(measureId) ?? rest}${kind === "comments" ? " (comment)" : ""}`;
    return FIELD_LABELS[field] ?? field;
  };
  return (
    <section className="revision-diff" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="drilldown__section">
        Changes between revisions
      </h3>
      <div className="revision-diff__pickers">
        <div className="field">
          <label htmlFor={`${id}-from`}>From revision</label>
          <select id={`${id}-from`} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {numbers.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To revision</label>
          <select id={`${id}-to`} value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {numbers.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div aria-live="polite">
        {from === to ? (
          <p>Choose two different revisions.</p>
        ) : error ? (
          <p className="field-error">{describeError(error)}</p>
        ) : !data ? (
          <p>{fetching ? "Comparing…" : ""}</p>
        ) : data.returnDiff.length === 0 ? (
          <p>Nothing changed between revision {from} and revision {to}.</p>
        ) : (
          <table className="provenance__values" data-testid="revision-diff">
            <caption className="visually-hidden">
              What changed from revision {from} to revision {to}
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Revision {from}</th>
                <th scope="col">Revision {to}</th>
              </tr>
            </thead>
            <tbody>
              {data.returnDiff.map((change) => (
                <tr key={change.field}>
                  <th scope="row">{fieldName(change.field, change.measureId ?? null)}</th>
                  <td>
                    <del>{change.before ?? "(empty)"}</del>
                  </td>
                  <td>
                    <ins>{change.after ?? "(empty)"}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
