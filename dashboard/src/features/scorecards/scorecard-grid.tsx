import { Line, LineChart, YAxis } from "recharts";
import { RagBadge } from "../../components/rag-badge";
import { changeTrend, describeChange, formatChange, formatValue } from "../../format";
import { changeArrow, DIRECTION_LABELS, formatPlain, incompleteNote, targetNote, trendPoint } from "./scorecard-format";
import "./rating-notes.css";
import { cellKey, type CellData, type ScorecardRowData } from "./use-live-scorecards";
import "./scorecard-grid.css";

export interface GridPeriod {
  id: number;
  label: string;
}

export interface OpenCell {
  portfolioId: number | null;
  row: ScorecardRowData;
  cell: CellData;
}

export interface ScorecardGridProps {
  /** Id of the heading that names the grid (the portfolio, or the whole office). */
  labelledBy: string;
  portfolioId: number | null;
  rows: ScorecardRowData[];
  /** Columns, oldest first; the last is the quarter under review. */
  periods: GridPeriod[];
  selectedPeriodId: number;
  updated: ReadonlySet<string>;
  onOpenCell?: (open: OpenCell) => void;
  size?: "normal" | "large";
}

/** Indicators (rows) by quarter (columns); each cell opens where its figure comes from. */
export function ScorecardGrid({ labelledBy, portfolioId, rows, periods, selectedPeriodId, updated, onOpenCell, size = "normal" }: ScorecardGridProps) {
  if (!rows.length) return <p className="board-empty">No indicators are reported for this portfolio yet.</p>;
  return (
    <div className={`scorecard-scroll scorecard-scroll--${size}`} role="region" aria-labelledby={labelledBy} tabIndex={0}>
      <table className={`scorecard scorecard--${size}`} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col" className="scorecard__indicator-head">
              Indicator
            </th>
            {periods.map((period) => (
              <th scope="col" key={period.id} className={period.id === selectedPeriodId ? "scorecard__period scorecard__period--selected" : "scorecard__period"}>
                {period.label}
                {period.id === selectedPeriodId && <span className="scorecard__period-note"> (this review)</span>}
              </th>
            ))}
            <th scope="col" className="scorecard__trend-head">
              Trend
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const byPeriod = new Map(row.cells.map((cell) => [cell.periodId, cell]));
            const shown = periods.map((p) => byPeriod.get(p.id) ?? null);
            return (
              <tr key={row.indicatorId}>
                <th scope="row" className="scorecard__indicator">
                  <span className="scorecard__indicator-name">{row.indicator.name}</span>
                  <span className="scorecard__indicator-hint">{DIRECTION_LABELS[row.indicator.direction]}</span>
                </th>
                {shown.map((cell, i) =>
                  cell ? (
                    <ScorecardCell
                      key={periods[i].id}
                      portfolioId={portfolioId}
                      row={row}
                      cell={cell}
                      selected={cell.periodId === selectedPeriodId}
                      updated={updated.has(cellKey(portfolioId, row.indicatorId, cell.periodId))}
                      onOpen={onOpenCell}
                    />
                  ) : (
                    <td key={periods[i].id} className="scorecard__cell scorecard__cell--none">
                      –
                    </td>
                  ),
                )}
                <td className="scorecard__trend">
                  <Sparkline values={shown.map((c) => (c ? trendPoint(c) : null))} unit={row.indicator.unit} size={size} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ScorecardCell({ portfolioId, row, cell, selected, updated, onOpen }: { portfolioId: number | null; row: ScorecardRowData; cell: CellData; selected: boolean; updated: boolean; onOpen?: (open: OpenCell) => void }) {
  const unit = row.indicator.unit;
  const trend = changeTrend(cell.change, row.indicator.direction);
  const classes = ["scorecard__cell", selected ? "scorecard__cell--selected" : "", updated ? "cell--updated" : "", cell.complete ? "" : "cell--incomplete"].filter(Boolean).join(" ");
  const incomplete = incompleteNote(cell);
  const body = (
    <>
      <span className="cell__actual">{formatValue(cell.actual, unit)}</span>
      <RagBadge rag={cell.rag} />
      {incomplete ? (
        <span className="cell__incomplete" data-testid="cell-incomplete">
          <span aria-hidden="true">◔ </span>
          {incomplete}
        </span>
      ) : (
        <span className="cell__returns">
          {cell.returnsIn} of {cell.returnsDue} returns
        </span>
      )}
      {cell.provisional && (
        <span className="cell__provisional">
          <span aria-hidden="true">◐ </span>Provisional
        </span>
      )}
      {cell.change != null && (
        <span className={`cell__change cell__change--${trend}`}>
          <span aria-hidden="true">
            {changeArrow(cell.change)} {formatChange(cell.change, unit)}
          </span>
          <span className="visually-hidden">{describeChange(cell.change, unit, row.indicator.direction)}</span>
        </span>
      )}
      <span className="cell__target">{targetNote(cell, (v) => formatValue(v, unit))}</span>
      {updated && <span className="cell__updated-note">Updated just now</span>}
    </>
  );
  return (
    <td className={classes} id={`cell-${portfolioId ?? "office"}-${row.indicator.code}-${cell.periodId}`} data-testid={`cell-${portfolioId ?? "office"}-${row.indicator.code}-${cell.periodId}`} data-rag={cell.rag} data-complete={cell.complete ? "true" : "false"} data-updated={updated ? "true" : undefined}>
      {onOpen ? (
        <button type="button" className="cell__button" aria-haspopup="dialog" onClick={() => onOpen({ portfolioId, row, cell })}>
          {body}
        </button>
      ) : (
        <div className="cell__button cell__button--static">{body}</div>
      )}
    </td>
  );
}

/** A small line of the row's actuals; the words carry the same figures for those who cannot see it. */
function Sparkline({ values, unit, size }: { values: (number | null)[]; unit: ScorecardRowData["indicator"]["unit"]; size: "normal" | "large" }) {
  const known = values.filter((v): v is number => v != null);
  const label = known.length ? `Trend: ${values.map((v) => formatPlain(v, unit)).join(", ")}` : "Trend: no data yet";
  const width = size === "large" ? 160 : 104;
  const height = size === "large" ? 56 : 36;
  return (
    <span className="sparkline" role="img" aria-label={label}>
      {known.length > 1 ? (
        <LineChart width={width} height={height} data={values.map((value, i) => ({ i, value }))} margin={{ top: 4, right: 4, bottom: 4, left: 4 }} accessibilityLayer={false} aria-hidden="true">
          <YAxis hide domain={["dataMin", "dataMax"]} />
          <Line type="monotone" dataKey="value" stroke="#1b3a6b" strokeWidth={2} dot={{ r: 2, fill: "#1b3a6b" }} isAnimationActive={false} connectNulls />
        </LineChart>
      ) : (
        <span className="sparkline__none" aria-hidden="true">
          –
        </span>
      )}
    </span>
  );
}
