import type { PeriodState } from "../../gql/graphql";

export const PERIOD_STATE_LABELS: Record<PeriodState, string> = { OPEN: "Open for returns", CLOSED: "Closed", FROZEN: "Frozen for the Panel" };

/** The quarter after a label's ("2024-25 Q4" → "2025-26 Q1"): what an officer usually opens next. */
export function nextQuarterLabel(label: string): string | null {
  const m = /^(\d{4})-(\d{2}) Q([1-4])$/.exec(label);
  if (!m) return null;
  const start = Number(m[1]);
  const q = Number(m[3]);
  if (q < 4) return `${m[1]}-${m[2]} Q${q + 1}`;
  return `${start + 1}-${String((start + 2) % 100).padStart(2, "0")} Q1`;
}
