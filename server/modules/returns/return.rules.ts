import { MeasureUnit } from "../kpis/kpi.entities.js";
import type { FieldProblem } from "../../errors.js";
import { ReturnState, type RevisionNarrative, type RevisionValue } from "./return.entities.js";

/** What a contract's return must contain: the measures behind its KPIs, and the ratios among them. */
export interface ReturnForm {
  measures: { id: number; code: string; name: string; unit: MeasureUnit; minValue: number | null; maxValue: number | null }[];
  ratios: { indicatorCode: string; numerator: number[]; denominator: number[] }[];
}

export interface Outlier {
  measureId: number;
  code: string;
  previous: number;
  current: number;
  /** Relative change against the previous accepted quarter, e.g. 0.8 for +80%. */
  change: number;
}

/** A change of more than this against the previous quarter needs the provider to explain it. */
export const OUTLIER_THRESHOLD = 0.5;

const field = (code: string) => `values.${code}`;

/** Everything that makes a submission invalid. Empty means it may be submitted. */
export function validateReturnValues(form: ReturnForm, values: ReadonlyMap<number, number | null>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const measure of form.measures) {
    const value = values.get(measure.id);
    const at = field(measure.code);
    if (value == null) {
      problems.push({ field: at, rule: "required", message: `${measure.name} is required.` });
      continue;
    }
    if (!Number.isFinite(value)) problems.push({ field: at, rule: "number", message: `${measure.name} must be a number.` });
    else if (value < 0) problems.push({ field: at, rule: "notNegative", message: `${measure.name} cannot be negative.` });
    else if (measure.unit === MeasureUnit.COUNT && !Number.isInteger(value)) problems.push({ field: at, rule: "wholeNumber", message: `${measure.name} is a count: use a whole number.` });
    else if (measure.unit === MeasureUnit.PERCENT && value > 100) problems.push({ field: at, rule: "percentRange", message: `${measure.name} is a percentage: 0 to 100.` });
    else if (measure.minValue != null && value < measure.minValue) problems.push({ field: at, rule: "min", message: `${measure.name} must be at least ${measure.minValue}.` });
    else if (measure.maxValue != null && value > measure.maxValue) problems.push({ field: at, rule: "max", message: `${measure.name} must be at most ${measure.maxValue}.` });
  }
  const codeOf = new Map(form.measures.map((m) => [m.id, m.code]));
  for (const ratio of form.ratios) {
    if (!ratio.denominator.length) continue;
    const sum = (ids: number[]) => ids.reduce((total, id) => total + (values.get(id) ?? 0), 0);
    const incomplete = [...ratio.numerator, ...ratio.denominator].some((id) => values.get(id) == null);
    if (!incomplete && sum(ratio.numerator) > sum(ratio.denominator)) {
      problems.push({
        field: field(codeOf.get(ratio.numerator[0]) ?? ratio.indicatorCode),
        rule: "numeratorAboveDenominator",
        message: `For ${ratio.indicatorCode}, ${ratio.numerator.map((id) => codeOf.get(id)).join(" + ")} cannot exceed ${ratio.denominator.map((id) => codeOf.get(id)).join(" + ")}.`,
      });
    }
  }
  return problems;
}

/** Values that moved by more than the threshold since the previous accepted quarter. */
export function findOutliers(form: ReturnForm, values: ReadonlyMap<number, number | null>, previous: ReadonlyMap<number, number | null>, threshold = OUTLIER_THRESHOLD): Outlier[] {
  const outliers: Outlier[] = [];
  for (const measure of form.measures) {
    const current = values.get(measure.id);
    const before = previous.get(measure.id);
    if (current == null || before == null || before === 0) continue;
    const change = (current - before) / before;
    if (Math.abs(change) > threshold) outliers.push({ measureId: measure.id, code: measure.code, previous: before, current, change });
  }
  return outliers;
}

const NEXT: Record<ReturnState, ReturnState[]> = {
  [ReturnState.DRAFT]: [ReturnState.SUBMITTED],
  [ReturnState.SUBMITTED]: [ReturnState.ACCEPTED, ReturnState.RETURNED],
  [ReturnState.RETURNED]: [ReturnState.SUBMITTED],
  // Reopening an accepted return sends it back to the provider.
  [ReturnState.ACCEPTED]: [ReturnState.RETURNED],
};

export function canMove(from: ReturnState, to: ReturnState): boolean {
  return NEXT[from].includes(to);
}

/** Providers may edit a return only while it is with them. */
export function isEditable(state: ReturnState): boolean {
  return state === ReturnState.DRAFT || state === ReturnState.RETURNED;
}

export interface RevisionChange {
  field: string;
  measureId: number | null;
  before: string | null;
  after: string | null;
}

const NARRATIVE_FIELDS: (keyof RevisionNarrative)[] = ["achievements", "challenges", "caseStudy", "emergingRisks", "spendPence"];

/** What changed between two submissions: each measure value and comment, and each narrative field. */
export function diffRevisions(
  from: { values: RevisionValue[]; narrative: RevisionNarrative },
  to: { values: RevisionValue[]; narrative: RevisionNarrative },
  codeOf: (measureId: number) => string,
): RevisionChange[] {
  const changes: RevisionChange[] = [];
  const before = new Map(from.values.map((v) => [v.measureId, v]));
  const after = new Map(to.values.map((v) => [v.measureId, v]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  const text = (v: unknown) => (v == null ? null : String(v));
  for (const id of ids) {
    const a = before.get(id);
    const b = after.get(id);
    if (text(a?.value) !== text(b?.value)) changes.push({ field: `values.${codeOf(id)}`, measureId: id, before: text(a?.value), after: text(b?.value) });
    if (text(a?.comment) !== text(b?.comment)) changes.push({ field: `comments.${codeOf(id)}`, measureId: id, before: text(a?.comment), after: text(b?.comment) });
  }
  for (const key of NARRATIVE_FIELDS) {
    if (text(from.narrative[key]) !== text(to.narrative[key])) changes.push({ field: key, measureId: null, before: text(from.narrative[key]), after: text(to.narrative[key]) });
  }
  return changes;
}
