import type { Direction, MeasureUnit, Rag } from "./gql/graphql";

export type { Direction, MeasureUnit, Rag };

const pounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
const wholePounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 0, maximumFractionDigits: 0 });
const count = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
const oneDecimal = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 0, maximumFractionDigits: 1 });

/** The API's money is integer pence: 123456 → "£1,234.56"; `{ wholePounds: true }` → "£1,235". */
export function formatPence(pence: number, options: { wholePounds?: boolean } = {}): string {
  return (options.wholePounds ? wholePounds : pounds).format(pence / 100);
}

/** What a missing figure reads as, in tables and to screen readers alike. */
export const NO_DATA = "No data";

function plural(value: number, one: string, many: string): string {
  return Math.abs(value) === 1 ? one : many;
}

/** A figure in its unit: "1,204", "85.3%", "12.5 hours", "3 days", "£1,234.56"; null → "No data". */
export function formatValue(value: number | null | undefined, unit: MeasureUnit): string {
  if (value == null || Number.isNaN(value)) return NO_DATA;
  switch (unit) {
    case "PERCENT":
      return `${oneDecimal.format(value)}%`;
    case "HOURS":
      return `${oneDecimal.format(value)} ${plural(value, "hour", "hours")}`;
    case "DAYS":
      return `${oneDecimal.format(value)} ${plural(value, "day", "days")}`;
    case "PENCE":
      return formatPence(Math.round(value));
    case "COUNT":
    default:
      return count.format(value);
  }
}

/** A difference without its sign, in the unit ("2.5 points" for percentages, which change in percentage points). */
function formatMagnitude(magnitude: number, unit: MeasureUnit): string {
  switch (unit) {
    case "PERCENT":
      return `${oneDecimal.format(magnitude)} ${plural(magnitude, "point", "points")}`;
    case "PENCE":
      return formatPence(Math.round(magnitude));
    default:
      return formatValue(magnitude, unit);
  }
}

/**
 * A change from the previous quarter with its sign: "+2.5 points", "−12", "+£300.00", "No change";
 * null → "No previous figure". Uses a real minus sign, which screen readers read as "minus".
 */
export function formatChange(change: number | null | undefined, unit: MeasureUnit): string {
  if (change == null || Number.isNaN(change)) return "No previous figure";
  if (Math.abs(change) < 1e-9) return "No change";
  return `${change > 0 ? "+" : "\u2212"}${formatMagnitude(Math.abs(change), unit)}`;
}

export type Trend = "better" | "worse" | "same";

/** Whether a change is good news, given the indicator's direction; null when there is nothing to compare. */
export function changeTrend(change: number | null | undefined, direction: Direction): Trend | null {
  if (change == null || Number.isNaN(change)) return null;
  if (Math.abs(change) < 1e-9) return "same";
  const up = change > 0;
  return up === (direction === "HIGHER_IS_BETTER") ? "better" : "worse";
}

/** A sentence for a change: "Up 2.5 points on last quarter (better)". */
export function describeChange(change: number | null | undefined, unit: MeasureUnit, direction?: Direction): string {
  if (change == null || Number.isNaN(change)) return "No figure for the previous quarter";
  if (Math.abs(change) < 1e-9) return "No change on last quarter";
  const text = `${change > 0 ? "Up" : "Down"} ${formatMagnitude(Math.abs(change), unit)} on last quarter`;
  const trend = direction ? changeTrend(change, direction) : null;
  return trend ? `${text} (${trend})` : text;
}

const RAG_LABELS: Record<Rag, string> = {
  GREEN: "On target",
  AMBER: "Near target",
  RED: "Off target",
  GREY: "No data",
  NO_TARGET: "No target",
};

/** The words for a RAG rating; the badge adds colour and a shape, never colour alone. */
export function ragLabel(rag: Rag): string {
  return RAG_LABELS[rag] ?? rag;
}

/** Shapes that tell the ratings apart without colour (also in print). */
export const RAG_SHAPES: Record<Rag, string> = {
  GREEN: "\u25CF", // ●
  AMBER: "\u25B2", // ▲
  RED: "\u25A0", // ■
  GREY: "\u25CB", // ○
  NO_TARGET: "\u25C7", // ◇
};

/** "2023-24 Q2" from a financial year and quarter number. */
export function quarterLabel(year: string, quarter: number): string {
  return `${year} Q${quarter}`;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });

/** "30 April 2024" from an ISO date ("2024-04-30") or timestamp. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** "30 Apr 2024, 14:05" from an ISO timestamp. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/**
 * Money in a summary, where pence are noise: whole pounds ("£4,561,000"), except a small amount that has pence
 * ("£12.50"). Negative amounts keep their sign ("−£11,000").
 */
export function formatMoney(pence: number): string {
  if (Math.abs(pence) < 100_00 && pence % 100 !== 0) return formatPence(pence);
  return formatPence(pence, { wholePounds: true });
}

const compactNumber = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 3 });

/** Money in a headline or chart axis: "£4.561m", "£250k", "£900"; exact to the thousand, never rounded to a guess. */
export function formatMoneyShort(pence: number): string {
  const pounds = pence / 100;
  const sign = pounds < 0 ? "\u2212" : "";
  const abs = Math.abs(pounds);
  if (abs >= 1_000_000) return `${sign}£${compactNumber.format(abs / 1_000_000)}m`;
  if (abs >= 1_000) return `${sign}£${compactNumber.format(abs / 1_000)}k`;
  return `${sign}£${compactNumber.format(Math.round(abs))}`;
}

/**
 * Axis ticks that land on round amounts (1, 2 or 5 × a power of ten) from 0 to at least `max`, so every tick label
 * is exact: [0, 500000, 1000000, …] pence for a £2.9m axis.
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(Math.round(t));
  return ticks;
}
