import type { FieldProblem } from "../../errors.js";
import { BriefState, type ProjectBrief } from "./project-brief.entity.js";

/**
 * The commissioning team's scoring matrix: business need, drivers and deliverability are each scored
 * 0 (no reason, no evidence) to 3 (excellent reason, sound evidence) and multiplied, so a zero anywhere
 * sinks the brief and the total runs 0–27.
 */
export const BRIEF_SCORE = { min: 0, max: 3 } as const;
export const BRIEF_TOTAL_MAX = BRIEF_SCORE.max ** 3;

export type BriefScores = Pick<ProjectBrief, "businessNeedScore" | "driversScore" | "deliverabilityScore">;

const SCORE_FIELDS = ["businessNeedScore", "driversScore", "deliverabilityScore"] as const;

/** Business need × drivers × deliverability: 0–27, or null until all three are scored. */
export function briefTotal(scores: BriefScores): number | null {
  const { businessNeedScore: need, driversScore: drivers, deliverabilityScore: deliverability } = scores;
  return need == null || drivers == null || deliverability == null ? null : need * drivers * deliverability;
}

/** Each score must be a whole number 0–3; the input's validators say the same, this guards every other caller. */
export function scoreProblems(scores: BriefScores): FieldProblem[] {
  return SCORE_FIELDS.flatMap((field) => {
    const value = scores[field];
    if (value == null) return [{ field, rule: "required", message: `${field} is required.` }];
    if (!Number.isInteger(value) || value < BRIEF_SCORE.min || value > BRIEF_SCORE.max) return [{ field, rule: "range", message: `${field} must be a whole number from ${BRIEF_SCORE.min} to ${BRIEF_SCORE.max}.` }];
    return [];
  });
}

/**
 * SUBMITTED → SCORED → APPROVED or DECLINED. A scored brief may be rescored until it is decided (the board
 * often revisits a score once evidence arrives); decided briefs are final, and only scored ones are decided.
 */
const NEXT: Record<BriefState, readonly BriefState[]> = {
  [BriefState.SUBMITTED]: [BriefState.SCORED],
  [BriefState.SCORED]: [BriefState.SCORED, BriefState.APPROVED, BriefState.DECLINED],
  [BriefState.APPROVED]: [],
  [BriefState.DECLINED]: [],
};

export function canMoveBrief(from: BriefState, to: BriefState): boolean {
  return NEXT[from].includes(to);
}

/** Why a move is refused, in words for the CONFLICT message; null when it is allowed. */
export function briefMoveRefusal(from: BriefState, to: BriefState): string | null {
  if (canMoveBrief(from, to)) return null;
  if (from === BriefState.SUBMITTED) return `The brief has not been scored yet: score it before it is ${to.toLowerCase()}.`;
  return `The brief is already ${from.toLowerCase()}; it cannot be ${to === BriefState.SCORED ? "rescored" : to.toLowerCase()}.`;
}

/**
 * The portfolio an approved brief's contract sits in: the brief's own, or, for a brief submitted without one,
 * the one named at approval (there is no other way to give it one). Naming a different one is refused so an
 * approval cannot quietly move a scored brief to another portfolio.
 */
export function approvalPortfolio(brief: Pick<ProjectBrief, "portfolioId">, named: number | null | undefined): { portfolioId: number | null; problems: FieldProblem[] } {
  if (brief.portfolioId != null) {
    if (named != null && named !== brief.portfolioId) return { portfolioId: null, problems: [{ field: "portfolioId", rule: "sameAsBrief", message: `The brief is in portfolio ${brief.portfolioId}; its contract goes there too.` }] };
    return { portfolioId: brief.portfolioId, problems: [] };
  }
  if (named == null) return { portfolioId: null, problems: [{ field: "portfolioId", rule: "required", message: "The brief has no portfolio: name one for its contract." }] };
  return { portfolioId: named, problems: [] };
}
