import { MailKind } from "./mail.entities.js";

/** Pure rules of the mail schedule and of delivery: no database, no clock of their own. */

export const LONDON = "Europe/London";

export const MAIL_SCHEDULE_DEFAULTS = { reminderDays: [14, 3], chaserIntervalDays: 7, digestHour: 8 } as const;

export interface ScheduleSettings {
  reminderDays: readonly number[];
  chaserIntervalDays: number;
  digestHour: number;
}

/** The calendar date (ISO) and hour in London at an instant: reminders go by the office's day, not UTC's. */
export function londonDay(at: Date): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** "Tuesday 30 April 2024": how a date reads in a mail. */
export function formatLondonDate(isoDate: string): string {
  // Noon UTC is the same calendar day in London whatever the season.
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, weekday: "long", day: "numeric", month: "long", year: "numeric" })
      .formatToParts(new Date(`${isoDate}T12:00:00Z`))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface ScheduledMail {
  kind: MailKind.DUE_SOON | MailKind.DUE_TODAY | MailKind.LATE;
  /** The day this mail belongs to: part of its unique key, so it goes once whatever the number of runs. */
  day: string;
  /** Days before (DUE_SOON) or after (LATE) the due date. */
  days: number;
}

/**
 * The reminder a provider owes for a return that is not in, on `today` (London), or null.
 *
 * - DUE_SOON on each reminder day before the due date. A run that missed one (the server was down) catches up with
 *   the latest reminder day that has passed, and only that one: nobody gets "14 days left" and "3 days left" at once.
 * - DUE_TODAY on the due date.
 * - LATE the day after the due date, then every `chaserIntervalDays`; a missed chaser goes at the next run within
 *   its interval.
 */
export function reminderFor(dueDate: string, today: string, settings: ScheduleSettings): ScheduledMail | null {
  const until = daysBetween(today, dueDate);
  if (until === 0) return { kind: MailKind.DUE_TODAY, day: dueDate, days: 0 };
  if (until > 0) {
    const passed = settings.reminderDays.filter((d) => d >= until).sort((a, b) => a - b)[0];
    if (passed === undefined) return null;
    return { kind: MailKind.DUE_SOON, day: addDays(dueDate, -passed), days: passed };
  }
  const interval = Math.max(1, settings.chaserIntervalDays);
  const late = -until;
  const round = Math.floor((late - 1) / interval);
  const day = addDays(dueDate, 1 + round * interval);
  return { kind: MailKind.LATE, day, days: daysBetween(dueDate, day) };
}

/** Delay before attempt `attempts + 1` after `attempts` failures: base × 2^(attempts−1), capped, with no jitter (tests read it). */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** Mail that a user's preferences may turn off; SENT_BACK is essential (it asks for action) and always goes. */
export function preferenceFor(kind: MailKind): "reminders" | "chasers" | "accepted" | "digest" | null {
  switch (kind) {
    case MailKind.DUE_SOON:
    case MailKind.DUE_TODAY:
      return "reminders";
    case MailKind.LATE:
      return "chasers";
    case MailKind.ACCEPTED:
      return "accepted";
    case MailKind.DIGEST:
      return "digest";
    default:
      return null;
  }
}
