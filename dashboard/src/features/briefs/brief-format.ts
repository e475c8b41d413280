import type { BriefDriver, BriefState } from "../../gql/graphql";

export const BRIEF_STATE_LABELS: Record<BriefState, string> = {
  SUBMITTED: "Submitted, awaiting scores",
  SCORED: "Scored, awaiting decision",
  APPROVED: "Approved",
  DECLINED: "Declined",
};

export const BRIEF_DRIVER_LABELS: Record<BriefDriver, string> = {
  ECONOMIC: "Economic (a budget saving)",
  EFFICIENCY: "Efficiency (doing more for less)",
  EFFECTIVENESS: "Effectiveness (a better-quality service)",
  REPROCUREMENT: "Re-procurement",
  COMPLIANCE: "Compliance (legislation, regulation, standards)",
};

/** The scoring matrix's words for each score (0 no reason or evidence … 3 excellent reason, sound evidence). */
export const SCORE_LABELS = ["0 – no reason, no evidence", "1 – weak reason or evidence", "2 – good reason, some evidence", "3 – excellent reason, sound evidence"];

export const BRIEF_TOTAL_MAX = 27;

/** Business need × drivers × deliverability, as the server computes it; null until all three are given. */
export function briefProduct(need: number | null, drivers: number | null, deliverability: number | null): number | null {
  return need == null || drivers == null || deliverability == null ? null : need * drivers * deliverability;
}

/** Pounds typed by a person ("12,500" or "12500.50") as integer pence; null for blank, NaN for nonsense. */
export function poundsToPence(text: string): number | null {
  const clean = text.replace(/[£,\s]/g, "");
  if (!clean) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return Number.NaN;
  return Math.round(Number(clean) * 100);
}
