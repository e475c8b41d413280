/*
 * The demo's calendar. Its documents are from 2018-19 to 2023-24 and the server's clock is today, so quarters that
 * ended long ago are closed (as an office would have closed them) and one quarter is kept open with its due date
 * ahead of the clock. That due date is illustrative: it is computed from the moment the demo data is loaded.
 */

/** Days between loading the demo and the open quarter's due date. */
export const OPEN_QUARTER_DAYS_AHEAD = 28;

/** ISO due date for the demo's open quarter: four weeks after `now`. */
export function demoOpenQuarterDueDate(now: Date = new Date()): string {
  const due = new Date(now.getTime() + OPEN_QUARTER_DAYS_AHEAD * 86_400_000);
  return due.toISOString().slice(0, 10);
}

/** Shown beside the open quarter's due date, so nobody takes it for the office's own. */
export const DEMO_DUE_DATE_NOTE = `Illustrative: the demo sets this due date ${OPEN_QUARTER_DAYS_AHEAD} days after its data was loaded.`;
