import type { MeasureUnit } from "../../gql/graphql";

const oneDecimal = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const compactPounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", notation: "compact", maximumFractionDigits: 1 });

/** Axis ticks: "£1.2M", "£450K". */
export function formatPoundsCompact(pence: number): string {
  return compactPounds.format(pence / 100);
}

/** A bare number for a sparkline's text alternative ("Trend: 71.6, 70.7, 74.8"): one decimal for ratios, whole otherwise. */
export function formatPlain(value: number | null, unit: MeasureUnit): string {
  if (value == null) return "no data";
  return unit === "COUNT" || unit === "PENCE" ? whole.format(unit === "PENCE" ? value / 100 : value) : oneDecimal.format(value);
}

/** The arrow beside a change: a shape, so the direction never rests on colour. */
export function changeArrow(change: number | null | undefined): string {
  if (change == null || Math.abs(change) < 1e-9) return "▬";
  return change > 0 ? "▲" : "▼";
}

export const DIRECTION_LABELS = { HIGHER_IS_BETTER: "Higher is better", LOWER_IS_BETTER: "Lower is better" } as const;

/** The parts of a cell the incomplete-quarter rule speaks about. */
export interface RatedCellView {
  actual: number | null;
  denominator?: number | null;
  target: number | null;
  fullTarget?: number | null;
  targetBasis: "GROUP" | "ALL_CONTRACTS" | "REPORTING_CONTRACTS" | "NONE";
  returnsIn: number;
  returnsDue: number;
  complete: boolean;
}

/** "Incomplete: 2 of 10 returns", or null when every due return is in. */
export function incompleteNote(cell: Pick<RatedCellView, "complete" | "returnsIn" | "returnsDue">): string | null {
  return cell.complete ? null : `Incomplete: ${cell.returnsIn} of ${cell.returnsDue} returns`;
}

/** What the cell is judged against, in words: the basis matters when the quarter is incomplete. */
export function targetNote(cell: RatedCellView, format: (value: number) => string): string {
  if (cell.targetBasis === "REPORTING_CONTRACTS" && cell.target != null) return `Target ${format(cell.target)} (the ${cell.returnsIn} reporting ${cell.returnsIn === 1 ? "contract's" : "contracts'"})`;
  if (cell.target != null) return `Target ${format(cell.target)}`;
  if (!cell.complete && cell.fullTarget != null) return cell.returnsIn > 0 ? `Not rated until all returns are in (quarter's target ${format(cell.fullTarget)})` : `Quarter's target ${format(cell.fullTarget)}`;
  return "No target set";
}

/** A sparkline point: an incomplete count (no denominator) is a partial sum, not a fall, so it is left out. */
export function trendPoint(cell: Pick<RatedCellView, "actual" | "denominator" | "complete">): number | null {
  return cell.denominator == null && !cell.complete ? null : cell.actual;
}
