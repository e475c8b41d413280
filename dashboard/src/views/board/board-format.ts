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

export const RETURN_STATE_LABELS: Record<string, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Submitted",
  ACCEPTED: "Accepted",
  RETURNED: "Sent back",
};
