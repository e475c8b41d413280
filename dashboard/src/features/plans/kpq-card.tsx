import { useState } from "react";
import { RagBadge } from "../../components/rag-badge";
import { formatValue } from "../../format";
import type { MeasureUnit, PlansOfficeCellsQuery, PlansWithQuestionsQuery } from "../../gql/graphql";

export type OfficeCell = PlansOfficeCellsQuery["scorecards"][number]["rows"][number]["cells"][number];
import { KpqForm } from "./kpq-form";
import "./plans.css";

export interface KpqCardProps {
  kpq: PlansWithQuestionsQuery["strategicPlans"][number]["priorities"][number]["keyPerformanceQuestions"][number];
  priorityId: number;
  canWrite: boolean;
  indicators: readonly { id: number; code: string; name: string; unit: MeasureUnit }[];
  /** The office-wide cell of each indicator in the quarter shown, by indicator id (absent: no contract reports it). */
  cells: ReadonlyMap<number, OfficeCell>;
  onSaved(message: string): void;
  onReload(): void;
}

/** A question with each indicator's office-wide figure, target and rating in the chosen quarter. */
export function KpqCard({ kpq, priorityId, canWrite, indicators, cells, onSaved, onReload }: KpqCardProps) {
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const [editing, setEditing] = useState(false);
  return (
    <li className="kpq" data-testid="kpq">
      {editing ? (
        <KpqForm
          key={kpq.version}
          priorityId={priorityId}
          existing={{ id: kpq.id, version: kpq.version, question: kpq.question, indicatorIds: kpq.indicators.map((i) => i.id) }}
          indicators={indicators}
          onSaved={(m) => {
            setEditing(false);
            onSaved(m);
          }}
          onCancel={() => setEditing(false)}
          onReload={onReload}
        />
      ) : (
        <div className="kpq__head">
          <p className="kpq__question">{kpq.question}</p>
          {canWrite && (
            <button type="button" className="button button--secondary kpq__edit" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> question: {kpq.question}</span>
            </button>
          )}
        </div>
      )}
      {kpq.indicators.length === 0 ? (
        <p className="hint">No indicators answer this question yet.</p>
      ) : (
        <ul className="kpq__indicators">
          {kpq.indicators.map(({ id }) => {
            const indicator = byId.get(id);
            const cell = cells.get(id);
            const unit = indicator?.unit ?? "COUNT";
            return (
            <li key={id} className="kpq__indicator">
              <span className="kpq__indicator-name">
                <strong>{indicator?.code}</strong> {indicator?.name}
              </span>
              {cell ? (
                <span className="kpq__figure">
                  <RagBadge rag={cell.rag} size="compact" />
                  <span>
                    {formatValue(cell.actual, unit)} against {cell.target == null ? "no target" : formatValue(cell.target, unit)} ({cell.returnsIn} of {cell.returnsDue} returns)
                  </span>
                </span>
              ) : (
                <span className="hint">No contract reports it</span>
              )}
            </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}
