/**
 * Financial years run 1 April to 31 March and are written "2023-24"; quarters are "2023-24 Q2" (Q1 = Apr–Jun).
 * These are the only places the formats are parsed, so a malformed value is caught wherever it enters.
 */
const YEAR = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4}-\d{2}) Q([1-4])$/;

export function isFinancialYear(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = YEAR.exec(value);
  if (!match) return false;
  const start = Number(match[1]);
  return (start + 1) % 100 === Number(match[2]) && start >= 2000 && start < 2100;
}

export function isQuarterLabel(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = QUARTER.exec(value);
  return match !== null && isFinancialYear(match[1]);
}

export interface Quarter {
  year: string;
  quarter: 1 | 2 | 3 | 4;
}

export function parseQuarter(label: string): Quarter {
  const match = QUARTER.exec(label);
  if (!match || !isFinancialYear(match[1])) throw new RangeError(`Not a quarter: ${label}`);
  return { year: match[1], quarter: Number(match[2]) as Quarter["quarter"] };
}

export function quarterLabel({ year, quarter }: Quarter): string {
  return `${year} Q${quarter}`;
}

export function yearStart(year: string): number {
  return Number(year.slice(0, 4));
}

function isoDate(y: number, monthIndex: number, day: number): string {
  return new Date(Date.UTC(y, monthIndex, day)).toISOString().slice(0, 10);
}

const datesOf = new Map<string, Readonly<{ start: string; end: string }>>();

/** First and last day of a quarter, as ISO dates (kept once worked out: the aggregates ask for every contract × quarter). */
export function quarterDates({ year, quarter }: Quarter): Readonly<{ start: string; end: string }> {
  const key = `${year}:${quarter}`;
  let dates = datesOf.get(key);
  if (!dates) {
    const firstMonth = 3 + (quarter - 1) * 3; // April = 3
    const y = yearStart(year);
    dates = Object.freeze({ start: isoDate(y, firstMonth, 1), end: isoDate(y, firstMonth + 3, 0) });
    // Quarters are few; a caller passing unchecked years cannot grow this without bound.
    if (datesOf.size >= 4096) datesOf.clear();
    datesOf.set(key, dates);
  }
  return dates;
}

/** Returns are due one calendar month after the quarter ends (30 June → 30 July; 31 March → 30 April). */
export function defaultDueDate(q: Quarter): string {
  const end = new Date(`${quarterDates(q).end}T00:00:00Z`);
  const lastOfNextMonth = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 2, 0)).getUTCDate();
  return isoDate(end.getUTCFullYear(), end.getUTCMonth() + 1, Math.min(end.getUTCDate(), lastOfNextMonth));
}

/** Sortable index of a quarter: 2023-24 Q1 < 2023-24 Q2 < 2024-25 Q1. */
export function quarterIndex({ year, quarter }: Quarter): number {
  return yearStart(year) * 4 + (quarter - 1);
}

export function quarterFromIndex(index: number): Quarter {
  const start = Math.floor(index / 4);
  return { year: `${start}-${String((start + 1) % 100).padStart(2, "0")}`, quarter: ((index % 4) + 1) as Quarter["quarter"] };
}

export function previousQuarter(q: Quarter): Quarter {
  return quarterFromIndex(quarterIndex(q) - 1);
}
