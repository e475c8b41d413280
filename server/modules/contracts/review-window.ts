import { registerEnumType } from "type-graphql";

/*
 * Re-procurement dates. The documents write review windows as people write them ("March to May 2023",
 * "Late 2019 to summer 2020"); the contract keeps that text as written and, beside it, the window's first and
 * last day, so the pipeline can say what is due and what is overdue.
 */

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
/** Loose seasons, as the documents use them: the months they start and end in. */
const SEASONS: Record<string, [number, number]> = { early: [0, 3], spring: [2, 4], summer: [5, 7], autumn: [8, 10], late: [8, 11], winter: [11, 1] };

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
const lastDay = (y: number, m: number) => iso(y, m + 1, 0);

/** A month's full name or an abbreviation of it ("Sep", "Sept"); -1 for anything else. */
function monthOf(word: string): number {
  const w = word.toLowerCase();
  return w.length < 3 ? -1 : MONTHS.findIndex((m) => m.startsWith(w));
}

/** One end of a window: a month, a season or a bare year, with an optional year. */
function part(text: string): { first: number; last: number; year: number | null } | null {
  const m = /^(?:from\s+)?([a-z]+)?\s*(\d{4})?$/i.exec(text.trim());
  if (!m || (!m[1] && !m[2])) return null;
  const year = m[2] ? Number(m[2]) : null;
  if (!m[1]) return { first: 0, last: 11, year };
  const month = monthOf(m[1]);
  if (month >= 0) return { first: month, last: month, year };
  const season = SEASONS[m[1].toLowerCase()];
  return season ? { first: season[0], last: season[1], year } : null;
}

/**
 * "March to May 2023" → 2023-03-01 … 2023-05-31; "November 2023 to February 2024"; "Late 2019 to summer 2020";
 * "Market engagement from May 2019" (a start only: the window is taken to run three months). Null when the text
 * does not read as dates.
 */
export function parseReviewWindow(text: string | null | undefined): { startDate: string; endDate: string } | null {
  if (!text) return null;
  const cleaned = text.trim().replace(/\s+/g, " ");
  const span = /([a-z]+\s*\d{4}|[a-z]+|\d{4})\s+(?:to|-|–|until)\s+([a-z]+\s*\d{4}|\d{4})\s*$/i.exec(cleaned);
  if (span) {
    const from = part(span[1]);
    const to = part(span[2]);
    if (!from || !to || to.year == null) return null;
    const toYear = to.year;
    // Without a year of its own, the start is in the end's year, or the year before when it would come after it.
    const fromYear = from.year ?? (from.first <= to.last ? toYear : toYear - 1);
    const endYear = to.first > to.last ? toYear + 1 : toYear; // a winter ends in the next calendar year
    return { startDate: iso(fromYear, from.first, 1), endDate: lastDay(endYear, to.last) };
  }
  const from = /from\s+([a-z]+\s*\d{4})\s*$/i.exec(cleaned);
  if (from) {
    const start = part(from[1]);
    if (!start || start.year == null) return null;
    return { startDate: iso(start.year, start.first, 1), endDate: lastDay(start.year, start.first + 2) };
  }
  const single = part(cleaned);
  if (single && single.year != null) return { startDate: iso(single.year, single.first, 1), endDate: lastDay(single.year, single.last) };
  return null;
}

export enum ReprocurementDue {
  /** No review window or new start recorded. */
  NOT_PLANNED = "NOT_PLANNED",
  UPCOMING = "UPCOMING",
  DUE = "DUE",
  OVERDUE = "OVERDUE",
  DONE = "DONE",
}
registerEnumType(ReprocurementDue, {
  name: "ReprocurementDue",
  description: "Where a contract's re-procurement stands on a given date.",
  valuesConfig: {
    NOT_PLANNED: { description: "No review window and no new start date recorded." },
    UPCOMING: { description: "The review window has not started yet." },
    DUE: { description: "Inside the review window: the review or procurement should be running now." },
    OVERDUE: { description: "The window has ended (or the new service should have started) and the contract is still under review or in procurement." },
    DONE: { description: "The window has passed and the contract is no longer under review or in procurement." },
  },
});

export interface PipelineContract {
  status: string;
  endDate: string | null;
  reviewStartDate: string | null;
  reviewEndDate: string | null;
  plannedStartDate: string | null;
}

const STILL_OPEN = new Set(["UNDER_REVIEW", "IN_PROCUREMENT"]);

/** Due, overdue, upcoming or done, as at an ISO date. */
export function reprocurementDue(c: PipelineContract, asOf: string): ReprocurementDue {
  if (!c.reviewStartDate && !c.reviewEndDate && !c.plannedStartDate) return ReprocurementDue.NOT_PLANNED;
  const open = STILL_OPEN.has(c.status);
  if (c.reviewStartDate && asOf < c.reviewStartDate) return ReprocurementDue.UPCOMING;
  const windowEnd = c.reviewEndDate ?? c.plannedStartDate;
  if (windowEnd && asOf <= windowEnd) return open || c.reviewStartDate ? ReprocurementDue.DUE : ReprocurementDue.UPCOMING;
  return open ? ReprocurementDue.OVERDUE : ReprocurementDue.DONE;
}

/** The ISO date `months` after another (clamped to the month's last day). */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last));
}

/**
 * A contract still running that ends within `months` of `asOf` (or has already passed its end date) with no
 * re-procurement plan: no review window and no new start date. The commissioner must decide before it lapses.
 */
export function endsWithoutPlan(c: PipelineContract, asOf: string, months = 12): boolean {
  if (!c.endDate || !["LIVE", "UNDER_REVIEW"].includes(c.status)) return false;
  if (c.reviewStartDate || c.reviewEndDate || c.plannedStartDate) return false;
  return c.endDate <= addMonths(asOf, months);
}
