/*
 * The arithmetic of a return review, kept pure so it is unit-tested without a browser: a figure against the
 * previous quarter's, and a KPI against its target under the incomplete-quarter rule (targetBasis / fullTarget).
 */

export interface FigureChange {
  /** This quarter minus the previous one; null when either is missing. */
  absolute: number | null;
  /** The change as a share of the previous figure, in percent; null when there is no previous figure or it was 0. */
  percent: number | null;
}

/** How a figure moved from the previous quarter: absolute and relative. */
export function figureChange(current: number | null | undefined, previous: number | null | undefined): FigureChange {
  if (current == null || previous == null || Number.isNaN(current) || Number.isNaN(previous)) return { absolute: null, percent: null };
  const absolute = current - previous;
  return { absolute, percent: previous === 0 ? null : (absolute / Math.abs(previous)) * 100 };
}

const percentFormat = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 0, maximumFractionDigits: 1 });

/** "+12.5%", "−3%", "No change"; null → "–" (nothing to compare with). Uses a real minus sign. */
export function formatPercentChange(percent: number | null): string {
  if (percent == null || Number.isNaN(percent)) return "–";
  if (Math.abs(percent) < 0.05) return "No change";
  return `${percent > 0 ? "+" : "\u2212"}${percentFormat.format(Math.abs(percent))}%`;
}

/** A return of the same contract, as the review sees it. */
export interface EarlierReturn {
  state: string;
  period: { id: number; label: string };
  values: readonly { value?: number | null; measure: { id: number } }[];
}

/**
 * The return the review compares with: the contract's latest accepted return from a quarter before this one.
 * Quarter labels ("2023-24 Q4") sort in calendar order as strings.
 */
export function previousAccepted<T extends EarlierReturn>(returns: readonly T[], periodLabel: string): T | null {
  return (
    returns
      .filter((r) => r.state === "ACCEPTED" && r.period.label < periodLabel)
      .sort((a, b) => b.period.label.localeCompare(a.period.label))[0] ?? null
  );
}

/** The parts of a scorecard cell that say what it is judged against. */
export interface TargetedCell {
  actual?: number | null;
  target?: number | null;
  fullTarget?: number | null;
  targetBasis: string;
  rag: string;
  complete: boolean;
  returnsIn: number;
  returnsDue: number;
}

/**
 * The target a figure is judged against, in words, under the incomplete-quarter rule: a partial figure is compared
 * only with what the reporting contracts were asked for, or not rated until all returns are in.
 */
export function targetText(cell: TargetedCell, format: (value: number) => string): string {
  if (cell.target != null && cell.targetBasis === "REPORTING_CONTRACTS") return `${format(cell.target)} (reporting contracts only; full quarter ${cell.fullTarget != null ? format(cell.fullTarget) : "–"})`;
  if (cell.target != null) return format(cell.target);
  if (!cell.complete && cell.fullTarget != null) return `Not rated until all returns are in (full quarter ${format(cell.fullTarget)})`;
  return "No target";
}

export interface RatedFigure<C extends TargetedCell> {
  name: string;
  cell: C;
}

/** Figures off target (red) first, then near target (amber): what the officer is asked to confirm. */
export function figuresOffTarget<C extends TargetedCell, F extends RatedFigure<C>>(figures: readonly F[]): { off: F[]; near: F[] } {
  return { off: figures.filter((f) => f.cell.rag === "RED"), near: figures.filter((f) => f.cell.rag === "AMBER") };
}
