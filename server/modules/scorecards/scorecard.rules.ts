import { registerEnumType } from "type-graphql";
import { Direction } from "../kpis/kpi.entities.js";

export enum Rag {
  GREEN = "GREEN",
  AMBER = "AMBER",
  RED = "RED",
  /** No data for the cell. */
  GREY = "GREY",
  /** Data, but no target to judge it against. */
  NO_TARGET = "NO_TARGET",
}
registerEnumType(Rag, { name: "Rag" });

export interface IndicatorRule {
  factor: number;
  direction: Direction;
  amberTolerance: number;
  hasDenominator: boolean;
}

/** Numerator and denominator sums: the only thing that rolls up. */
export interface Sums {
  numerator: number;
  denominator: number;
}

export const ZERO: Sums = { numerator: 0, denominator: 0 };

export function add(a: Sums, b: Sums): Sums {
  return { numerator: a.numerator + b.numerator, denominator: a.denominator + b.denominator };
}

/**
 * The indicator's value from summed parts: a ratio × factor, or the plain sum when there is no denominator.
 * A portfolio's figure is computed from the sum of its contracts' parts, never by averaging their ratios.
 */
export function actual(rule: IndicatorRule, sums: Sums | null): number | null {
  if (!sums) return null;
  if (!rule.hasDenominator) return sums.numerator;
  if (sums.denominator === 0) return null;
  return (sums.numerator / sums.denominator) * rule.factor;
}

/** Green at or beyond target, amber within the tolerance short of it, red beyond that. */
export function rag(rule: Pick<IndicatorRule, "direction" | "amberTolerance">, value: number | null, target: number | null): Rag {
  if (value == null) return Rag.GREY;
  if (target == null) return Rag.NO_TARGET;
  const shortfall = rule.direction === Direction.HIGHER_IS_BETTER ? target - value : value - target;
  if (shortfall <= 0) return Rag.GREEN;
  if (shortfall <= rule.amberTolerance) return Rag.AMBER;
  return Rag.RED;
}
