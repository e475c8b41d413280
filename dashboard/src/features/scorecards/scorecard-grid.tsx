import { useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from "react";
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

/** Rows moved by PageUp / PageDown. */
const PAGE_ROWS = 5;

/** Where the arrow keys take the active cell: the ARIA grid pattern's keys, within rows × columns. */
export function nextCell(key: string, ctrl: boolean, at: { row: number; col: number }, rows: number, cols: number): { row: number; col: number } | null {
  const clamp = (value: number, max: number) => Math.max(0, Math.min(max - 1, value));
  switch (key) {
    case "ArrowRight":
      return { row: at.row, col: clamp(at.col + 1, cols) };
    case "ArrowLeft":
      return { row: at.row, col: clamp(at.col - 1, cols) };
    case "ArrowDown":
      return { row: clamp(at.row + 1, rows), col: at.col };
    case "ArrowUp":
      return { row: clamp(at.row - 1, rows), col: at.col };
    case "Home":
      return ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 };
    case "End":
      return ctrl ? { row: rows - 1, col: cols - 1 } : { row: at.row, col: cols - 1 };
    case "PageDown":
      return { row: clamp(at.row + PAGE_ROWS, rows), col: at.col };
    case "PageUp":
      return { row: clamp(at.row - PAGE_ROWS, rows), col: at.col };
    default:
      return null;
  }
}

/**
 * Indicators (rows) by quarter (columns); each cell opens where its figure comes from.
 *
 * An ARIA grid with a roving tabindex: the whole grid is one Tab stop, landing on the quarter under review in the
 * first row, and the arrow keys (Home/End, Ctrl+Home/End, PageUp/PageDown) move between cells, so no cell is more
 * than a few keys away however many grids the board shows. On a phone the indicator column stays put and the grid
 * opens scrolled to the quarter under review.
 */
export function ScorecardGrid({ labelledBy, portfolioId, rows, periods, selectedPeriodId, updated, onOpenCell, size = "normal" }: ScorecardGridProps) {
  const selectedCol = Math.max(0, periods.findIndex((p) => p.id === selectedPeriodId));
  const [active, setActive] = useState<{ row: number; col: number }>({ row: 0, col: selectedCol });
  const gridRef = useRef<HTMLTableElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The active cell stays inside the grid when rows or quarters change under it.
  const at = { row: Math.min(active.row, Math.max(0, rows.length - 1)), col: Math.min(active.col, Math.max(0, periods.length - 1)) };

  // A different quarter under review starts again on its column.
  const lastSelected = useRef(selectedPeriodId);
  useLayoutEffect(() => {
    if (lastSelected.current === selectedPeriodId) return;
    lastSelected.current = selectedPeriodId;
    setActive((current) => ({ row: current.row, col: selectedCol }));
  }, [selectedPeriodId, selectedCol]);

  // Narrow screens cannot show every quarter: open the scroll box at the quarter under review, not the oldest.
  useLayoutEffect(() => {
    const box = scrollRef.current;
    const head = gridRef.current?.querySelector<HTMLElement>(".scorecard__period--selected");
    if (!box || !head || box.scrollWidth <= box.clientWidth) return;
    const sticky = gridRef.current?.querySelector<HTMLElement>(".scorecard__indicator-head")?.offsetWidth ?? 0;
    box.scrollLeft = Math.max(0, head.offsetLeft - sticky);
  }, [selectedPeriodId, periods.length, rows.length > 0]);

  const focusCell = useCallback((row: number, col: number) => {
    const target = gridRef.current?.querySelector<HTMLElement>(`[data-grid-cell="${row}:${col}"]`);
    target?.focus();
    target?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    if (event.altKey || event.metaKey) return;
    const next = nextCell(event.key, event.ctrlKey, at, rows.length, periods.length);
    if (!next) return;
    // Inside the grid the keys move between cells, not (in presentation mode) between portfolios.
    event.preventDefault();
    event.stopPropagation();
    setActive(next);
    focusCell(next.row, next.col);
  };

  // A click (or a screen reader's own cursor) moving focus into a cell makes it the active one.
  const onFocus = (event: FocusEvent<HTMLTableElement>) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>("[data-grid-cell]");
    if (!cell) return;
    const [row, col] = cell.dataset.gridCell!.split(":").map(Number);
    if (row !== at.row || col !== at.col) setActive({ row, col });
  };

  if (!rows.length) return <p className="board-empty">No indicators are reported for this portfolio yet.</p>;
  return (
    <div ref={scrollRef} className={`scorecard-scroll scorecard-scroll--${size}`} role="region" aria-labelledby={labelledBy}>
      <table
        ref={gridRef}
        role="grid"
        className={`scorecard scorecard--${size}`}
        aria-labelledby={labelledBy}
        aria-describedby={`${labelledBy}-keys`}
        aria-rowcount={rows.length + 1}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
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
          {rows.map((row, r) => {
            const byPeriod = new Map(row.cells.map((cell) => [cell.periodId, cell]));
            const shown = periods.map((p) => byPeriod.get(p.id) ?? null);
            return (
              <tr key={row.indicatorId}>
                <th scope="row" className="scorecard__indicator">
                  <span className="scorecard__indicator-name">{row.indicator.name}</span>
                  <span className="scorecard__indicator-hint">{DIRECTION_LABELS[row.indicator.direction]}</span>
                </th>
                {shown.map((cell, c) => {
                  const tabIndex = r === at.row && c === at.col ? 0 : -1;
                  return cell ? (
                    <ScorecardCell
                      key={periods[c].id}
                      gridCell={`${r}:${c}`}
                      tabIndex={tabIndex}
                      portfolioId={portfolioId}
                      row={row}
                      cell={cell}
                      selected={cell.periodId === selectedPeriodId}
                      updated={updated.has(cellKey(portfolioId, row.indicatorId, cell.periodId))}
                      onOpen={onOpenCell}
                    />
                  ) : (
                    <td key={periods[c].id} className="scorecard__cell scorecard__cell--none" data-grid-cell={`${r}:${c}`} tabIndex={tabIndex}>
                      <span aria-hidden="true">–</span>
                      <span className="visually-hidden">No figure for {periods[c].label}</span>
                    </td>
                  );
                })}
                <td className="scorecard__trend">
                  <Sparkline values={shown.map((c) => (c ? trendPoint(c) : null))} unit={row.indicator.unit} size={size} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p id={`${labelledBy}-keys`} className="visually-hidden">
        Arrow keys move between cells; Home and End go to the first and last quarter, Page Up and Page Down five rows.
      </p>
    </div>
  );
}

function ScorecardCell({ gridCell, tabIndex, portfolioId, row, cell, selected, updated, onOpen }: { gridCell: string; tabIndex: number; portfolioId: number | null; row: ScorecardRowData; cell: CellData; selected: boolean; updated: boolean; onOpen?: (open: OpenCell) => void }) {
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
    // Without a drill-down the cell itself takes the focus, so the grid can still be read cell by cell.
    <td
      className={classes}
      id={`cell-${portfolioId ?? "office"}-${row.indicator.code}-${cell.periodId}`}
      data-testid={`cell-${portfolioId ?? "office"}-${row.indicator.code}-${cell.periodId}`}
      data-rag={cell.rag}
      data-complete={cell.complete ? "true" : "false"}
      data-updated={updated ? "true" : undefined}
      data-grid-cell={onOpen ? undefined : gridCell}
      tabIndex={onOpen ? undefined : tabIndex}
    >
      {onOpen ? (
        <button type="button" className="cell__button" aria-haspopup="dialog" data-grid-cell={gridCell} tabIndex={tabIndex} onClick={() => onOpen({ portfolioId, row, cell })}>
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
