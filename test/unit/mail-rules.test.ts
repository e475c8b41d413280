import { describe, expect, it } from "vitest";
import { MailKind } from "../../server/modules/mail/mail.entities.js";
import { backoffMs, formatLondonDate, londonDay, preferenceFor, reminderFor } from "../../server/modules/mail/mail.rules.js";

const DEFAULTS = { reminderDays: [14, 3], chaserIntervalDays: 7, digestHour: 8 };

describe("reminderFor", () => {
  it("says nothing before the first reminder day", () => {
    expect(reminderFor("2024-10-15", "2024-09-30", DEFAULTS)).toBeNull();
  });
  it("reminds on each reminder day, and keeps that reminder's day until the next one", () => {
    expect(reminderFor("2024-10-15", "2024-10-01", DEFAULTS)).toEqual({ kind: MailKind.DUE_SOON, day: "2024-10-01", days: 14 });
    expect(reminderFor("2024-10-15", "2024-10-05", DEFAULTS)).toEqual({ kind: MailKind.DUE_SOON, day: "2024-10-01", days: 14 });
    expect(reminderFor("2024-10-15", "2024-10-12", DEFAULTS)).toEqual({ kind: MailKind.DUE_SOON, day: "2024-10-12", days: 3 });
  });
  it("catches up with only the latest missed reminder", () => {
    expect(reminderFor("2024-10-15", "2024-10-14", DEFAULTS)).toEqual({ kind: MailKind.DUE_SOON, day: "2024-10-12", days: 3 });
  });
  it("mails on the due date, then chases the day after and every interval", () => {
    expect(reminderFor("2024-10-15", "2024-10-15", DEFAULTS)?.kind).toBe(MailKind.DUE_TODAY);
    expect(reminderFor("2024-10-15", "2024-10-16", DEFAULTS)).toEqual({ kind: MailKind.LATE, day: "2024-10-16", days: 1 });
    expect(reminderFor("2024-10-15", "2024-10-22", DEFAULTS)).toEqual({ kind: MailKind.LATE, day: "2024-10-16", days: 1 });
    expect(reminderFor("2024-10-15", "2024-10-23", DEFAULTS)).toEqual({ kind: MailKind.LATE, day: "2024-10-23", days: 8 });
    expect(reminderFor("2024-10-15", "2024-10-20", { ...DEFAULTS, chaserIntervalDays: 2 })).toEqual({ kind: MailKind.LATE, day: "2024-10-20", days: 5 });
  });
  it("has no reminder before the due date when the office has none", () => {
    expect(reminderFor("2024-10-15", "2024-10-12", { ...DEFAULTS, reminderDays: [] })).toBeNull();
  });
});

describe("London time", () => {
  it("takes the calendar day and hour in London, not UTC", () => {
    expect(londonDay(new Date("2024-10-14T23:30:00Z"))).toEqual({ date: "2024-10-15", hour: 0 }); // BST
    expect(londonDay(new Date("2024-12-14T23:30:00Z"))).toEqual({ date: "2024-12-14", hour: 23 }); // GMT
  });
  it("writes dates in plain words", () => {
    expect(formatLondonDate("2024-04-30")).toBe("Tuesday 30 April 2024");
  });
});

describe("delivery rules", () => {
  it("backs off exponentially, capped", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
  it("never lets a sent-back return be turned off", () => {
    expect(preferenceFor(MailKind.SENT_BACK)).toBeNull();
    expect(preferenceFor(MailKind.LATE)).toBe("chasers");
  });
});
