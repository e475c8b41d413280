import { useId } from "react";
import { RagBadge } from "../../components/rag-badge";
import { describeError } from "../../errors";
import { formatChange, formatValue, type MeasureUnit } from "../../format";
import { figureChange, formatPercentChange, targetText } from "./figure-change";
import { useReturnReview } from "./use-return-review";
import "./return-figures.css";

export interface ReviewedValue {
  id: number;
  value?: number | null;
  comment?: string | null;
  measure: { id: number; name: string; unit: MeasureUnit };
}

export interface ReturnFiguresProps {
  contractId: number;
  period: { id: number; label: string };
  values: readonly ReviewedValue[];
  /** The reviewer's comments on the latest revision, by measure id. */
  reviewerComments: ReadonlyMap<number, string>;
}

/**
 * A return's figures as a reviewer needs them: each KPI beside the previous quarter, its target and the change;
 * each reported figure beside the last accepted return's, with the provider's and reviewer's comments.
 */
export function ReturnFigures({ contractId, period, values, reviewerComments }: ReturnFiguresProps) {
  const id = useId();
  const review = useReturnReview(contractId, period.id, period.label);
  const previous = review.previousReturn;
  const previousValue = new Map((previous?.values ?? []).map((v) => [v.measure.id, v.value ?? null]));

  return (
    <div className="return-figures" data-testid="return-figures">
      <h3 className="drilldown__section" id={`${id}-kpis`}>
        Against target
      </h3>
      <p className="return-figures__basis">
        {review.indicators.some((r) => r.cell?.provisional) ? "Provisional figures include this return while it waits for review. " : ""}
        Change is from the quarter before, in the unit and as a percentage.
      </p>
      {review.error ? (
        <p className="field-error" role="alert">
          {describeError(review.error)}
        </p>
      ) : !review.loaded ? (
        <p role="status">Loading the previous quarter and targets…</p>
      ) : review.indicators.length === 0 ? (
        <p>This contract reports no KPIs.</p>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby={`${id}-kpis`} tabIndex={0}>
          <table className="return-figures__table" data-testid="return-kpis">
            <caption className="visually-hidden">Each KPI this quarter, the previous quarter, the change, the target and the rating</caption>
            <thead>
              <tr>
                <th scope="col">KPI</th>
                <th scope="col" className="num">
                  {period.label}
                </th>
                <th scope="col" className="num">
                  Previous
                </th>
                <th scope="col" className="num">
                  Change
                </th>
                <th scope="col">Target and rating</th>
              </tr>
            </thead>
            <tbody>
              {review.indicators.map(({ indicator, cell, previous: before, change }) => {
                const format = (v: number) => formatValue(v, indicator.unit);
                return (
                  <tr key={indicator.id} data-testid={`kpi-${indicator.id}`}>
                    <th scope="row">{indicator.name}</th>
                    <td className="num" data-testid="kpi-current">
                      {formatValue(cell?.actual, indicator.unit)}
                      {cell?.provisional ? <span className="return-figures__note">provisional</span> : null}
                    </td>
                    <td className="num" data-testid="kpi-previous">
                      {formatValue(before?.actual, indicator.unit)}
                      {before && <span className="return-figures__note"> {before.label}</span>}
                    </td>
                    <td className="num">
                      <span data-testid="kpi-change">{change.absolute == null ? "–" : formatChange(change.absolute, indicator.unit)}</span>
                      <span className="return-figures__note" data-testid="kpi-change-percent">
                        {formatPercentChange(change.percent)}
                      </span>
                    </td>
                    <td>
                      <span data-testid="kpi-target">{cell ? targetText(cell, format) : "No target"}</span>
                      {cell && (
                        <span className="return-figures__rating">
                          <RagBadge rag={cell.rag} size="compact" />
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <h3 className="drilldown__section" id={`${id}-values`}>
        Figures reported
      </h3>
      <p className="return-figures__basis">
        {previous ? `Compared with the accepted return for ${previous.period.label}.` : review.loaded ? "No earlier accepted return to compare with." : ""}
      </p>
      <div className="table-scroll" role="region" aria-labelledby={`${id}-values`} tabIndex={0}>
        <table className="return-figures__table" data-testid="return-values">
          <caption className="visually-hidden">Figures in this return, beside the previous accepted return's</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col" className="num">
                Previous
              </th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col">Provider's comment</th>
              <th scope="col">Reviewer's comment</th>
            </tr>
          </thead>
          <tbody>
            {values.map((v) => {
              const before = previousValue.get(v.measure.id) ?? null;
              const change = figureChange(v.value, before);
              return (
                <tr key={v.id} data-testid={`value-${v.measure.id}`}>
                  <th scope="row">{v.measure.name}</th>
                  <td className="num" data-testid="value-current">
                    {formatValue(v.value, v.measure.unit)}
                  </td>
                  <td className="num" data-testid="value-previous">
                    {previous ? formatValue(before, v.measure.unit) : "–"}
                  </td>
                  <td className="num">
                    <span data-testid="value-change">{change.absolute == null ? "–" : formatChange(change.absolute, v.measure.unit)}</span>
                    <span className="return-figures__note" data-testid="value-change-percent">
                      {formatPercentChange(change.percent)}
                    </span>
                  </td>
                  <td>{v.comment ?? ""}</td>
                  <td>{reviewerComments.get(v.measure.id) ?? ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
