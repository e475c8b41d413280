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

/** What a cell's target was taken from. */
export enum TargetBasis {
  /** The portfolio's (or office's) own target for the indicator. */
  GROUP = "GROUP",
  /** The sum (counts) or denominator-weighted mean (ratios) of every contract's target: all returns are in. */
  ALL_CONTRACTS = "ALL_CONTRACTS",
  /** Only the contracts whose returns are in: the quarter is incomplete. */
  REPORTING_CONTRACTS = "REPORTING_CONTRACTS",
  /** No comparable target: none set, or an incomplete count with only a whole-quarter target. */
  NONE = "NONE",
}
registerEnumType(TargetBasis, { name: "TargetBasis", description: "What a scorecard cell's target was taken from." });

/** The targets a group's cell may be judged against, already summed over its contracts. */
export interface TargetParts {
  /** The group's own target (a portfolio's, or a contract's own on a contract scorecard). */
  group: number | null;
  /** Sum of every due contract's target; null unless every due contract has one. */
  allContracts: number | null;
  /** Sum of the reporting contracts' targets; null unless every reporting contract has one. */
  reportingContracts: number | null;
  /** Σ target × denominator / Σ denominator over the reporting contracts that have a target; null without any. */
  weighted: number | null;
}

export interface RatedCell {
  actual: number | null;
  /** The target the actual is compared with (null: not rated against one). */
  target: number | null;
  targetBasis: TargetBasis;
  /** The target for the full quarter, all returns in: what the figure will be judged against once complete. */
  fullTarget: number | null;
  rag: Rag;
  /** Every due return is in. */
  complete: boolean;
}

/**
 * The rating rule, incomplete quarters included. A cell is complete when every due return is in.
 * - A ratio keeps its RAG when incomplete: the reporting contracts' numerators over their denominators is a fair
 *   measure of their performance, and its target is weighted by the same denominators (or is the group's own bar,
 *   which does not depend on how many contracts reported). It is marked incomplete.
 * - A count (no denominator) from some of the returns cannot be compared with the whole quarter's target: 2,606
 *   referrals from 2 of 10 returns is not "2,064 short". It is compared with the targets of the contracts that
 *   reported, when each of them has one; otherwise (only a group-wide target, which cannot be pro-rated honestly)
 *   it carries no RAG (NO_TARGET, basis NONE) until the returns are in.
 */
export function rateCell(rule: IndicatorRule, sums: Sums | null, counts: { returnsIn: number; returnsDue: number }, targets: TargetParts): RatedCell {
  const value = actual(rule, sums);
  const complete = counts.returnsIn >= counts.returnsDue;
  const fullTarget = targets.group ?? (rule.hasDenominator ? targets.weighted : targets.allContracts);
  let target: number | null;
  let basis: TargetBasis;
  if (rule.hasDenominator) {
    target = targets.group ?? targets.weighted;
    basis = targets.group != null ? TargetBasis.GROUP : targets.weighted == null ? TargetBasis.NONE : complete ? TargetBasis.ALL_CONTRACTS : TargetBasis.REPORTING_CONTRACTS;
  } else if (complete) {
    target = targets.group ?? targets.allContracts;
    basis = targets.group != null ? TargetBasis.GROUP : targets.allContracts != null ? TargetBasis.ALL_CONTRACTS : TargetBasis.NONE;
  } else {
    target = counts.returnsIn > 0 ? targets.reportingContracts : null;
    basis = target != null ? TargetBasis.REPORTING_CONTRACTS : TargetBasis.NONE;
  }
  return { actual: value, target, targetBasis: basis, fullTarget, rag: rag(rule, value, target), complete };
}

/** Cells frozen before the rule existed carry no flag: it follows from their counts. */
export function isComplete(cell: { returnsIn: number; returnsDue: number; complete?: boolean }): boolean {
  return cell.complete ?? cell.returnsIn >= cell.returnsDue;
}

/**
 * Whether a cell's actual can be set beside other quarters' (change, sparkline). A count from some of the returns
 * cannot: 2,606 referrals from 2 of 10 returns after 4,670 from all of them is not a fall of 2,064.
 */
export function isComparable(rule: Pick<IndicatorRule, "hasDenominator">, cell: { complete: boolean }): boolean {
  return rule.hasDenominator || cell.complete;
}

/** The change from the previous quarter, when both figures are comparable. */
export function changeFrom(rule: Pick<IndicatorRule, "hasDenominator">, current: { actual: number | null; complete: boolean }, previous: { actual: number | null; complete: boolean } | null): number | null {
  if (current.actual == null || previous?.actual == null) return null;
  if (!isComparable(rule, current) || !isComparable(rule, previous)) return null;
  return current.actual - previous.actual;
}
