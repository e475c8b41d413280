import type { Direction } from "../kpis/kpi.entities.js";
import { Rag } from "./scorecard.rules.js";

/*
 * What the Commissioner asks first: which indicators are off or near target, what moved most since last quarter,
 * which returns are outstanding. Pure ranking over scorecard cells, so the rules are tested without a database.
 */

export interface AttentionCell {
  portfolioId: number;
  indicatorId: number;
  periodId: number;
  direction: Direction | string;
  rag: Rag;
  actual: number | null;
  target: number | null;
  change: number | null;
  isRatio: boolean;
}

/** Off target first, then near target; within each, the largest shortfall against the target first. */
export function exceptions<T extends AttentionCell>(cells: readonly T[]): T[] {
  const order: Partial<Record<Rag, number>> = { [Rag.RED]: 0, [Rag.AMBER]: 1 };
  return cells
    .filter((c) => c.rag === Rag.RED || c.rag === Rag.AMBER)
    .sort((a, b) => order[a.rag]! - order[b.rag]! || shortfall(b) - shortfall(a) || a.portfolioId - b.portfolioId || a.indicatorId - b.indicatorId);
}

/** How far short of its target a cell is, as a share of the target (0 when on target or unknown). */
export function shortfall(c: Pick<AttentionCell, "actual" | "target" | "direction">): number {
  if (c.actual == null || c.target == null || c.target === 0) return 0;
  const gap = c.direction === "LOWER_IS_BETTER" ? c.actual - c.target : c.target - c.actual;
  return Math.max(0, gap / Math.abs(c.target));
}

/**
 * How big a change is, comparable across units: a ratio's change in points over 100 points, a count's change
 * relative to its previous value. Null when there is no change to compare.
 */
export function changeSize(c: Pick<AttentionCell, "actual" | "change" | "isRatio">): number | null {
  if (c.change == null || c.actual == null || c.change === 0) return null;
  if (c.isRatio) return Math.abs(c.change) / 100;
  const previous = c.actual - c.change;
  return previous === 0 ? 1 : Math.abs(c.change / previous);
}

/** The `limit` biggest changes since the previous quarter, biggest first; ties broken by worse news first. */
export function biggestChanges<T extends AttentionCell>(cells: readonly T[], limit = 5): T[] {
  const worse = (c: AttentionCell) => ((c.change! < 0) === (c.direction === "HIGHER_IS_BETTER") ? 0 : 1);
  return cells
    .filter((c) => changeSize(c) != null)
    .sort((a, b) => changeSize(b)! - changeSize(a)! || worse(a) - worse(b) || a.portfolioId - b.portfolioId || a.indicatorId - b.indicatorId)
    .slice(0, limit);
}
