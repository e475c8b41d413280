import { MailKind } from "./mail.entities.js";
import { formatLondonDate } from "./mail.rules.js";

/** Plain-language mails. Each gives the subject, a plain-text body, and the dashboard path it points to. */
export interface Composed {
  subject: string;
  body: string;
  /** A short line for the notifications list. */
  summary: string;
  path: string;
}

export interface ReturnFacts {
  office: string;
  contract: string;
  reference: string;
  quarter: string;
  dueDate: string;
  contractId: number;
  periodId: number;
}

const returnPath = (r: ReturnFacts) => `/provider/returns/${r.contractId}/${r.periodId}`;
const what = (r: ReturnFacts) => `your ${r.quarter} performance return for ${r.contract} (${r.reference})`;

export function composeReminder(kind: MailKind.DUE_SOON | MailKind.DUE_TODAY | MailKind.LATE, days: number, r: ReturnFacts, link: (path: string) => string): Composed {
  const due = formatLondonDate(r.dueDate);
  const path = returnPath(r);
  if (kind === MailKind.DUE_SOON) {
    return {
      subject: `Return due in ${days} days: ${r.contract}, ${r.quarter}`,
      summary: `Due in ${days} days (${due}).`,
      body: `${r.office} is expecting ${what(r)} by ${due}, in ${days} days.\n\nYou can fill it in, save it as a draft and submit it here:\n${link(path)}`,
      path,
    };
  }
  if (kind === MailKind.DUE_TODAY) {
    return {
      subject: `Return due today: ${r.contract}, ${r.quarter}`,
      summary: `Due today (${due}).`,
      body: `${what(r)[0].toUpperCase()}${what(r).slice(1)} is due today, ${due}, and ${r.office} has not received it yet.\n\nSubmit it here:\n${link(path)}`,
      path,
    };
  }
  return {
    subject: `Return overdue: ${r.contract}, ${r.quarter}`,
    summary: `Overdue by ${days} ${days === 1 ? "day" : "days"} (was due ${due}).`,
    body: `${what(r)[0].toUpperCase()}${what(r).slice(1)} was due on ${due} and ${r.office} has not received it. It is now ${days} ${days === 1 ? "day" : "days"} late.\n\nPlease submit it as soon as you can:\n${link(path)}\n\nIf something is stopping you, reply to your commissioning officer.`,
    path,
  };
}

export function composeSentBack(r: ReturnFacts, reason: string, comments: { measure: string; comment: string }[], link: (path: string) => string): Composed {
  const path = returnPath(r);
  const lines = comments.map((c) => `- ${c.measure}: ${c.comment}`).join("\n");
  return {
    subject: `Return sent back: ${r.contract}, ${r.quarter}`,
    summary: `The office's reason: ${reason}`,
    body: `${r.office} has sent back ${what(r)} and asks you to correct it and submit it again.\n\nTheir reason:\n${reason}${lines ? `\n\nOn particular figures:\n${lines}` : ""}\n\nOpen the return to make the changes:\n${link(path)}`,
    path,
  };
}

export function composeAccepted(r: ReturnFacts, link: (path: string) => string): Composed {
  const path = returnPath(r);
  return {
    subject: `Return accepted: ${r.contract}, ${r.quarter}`,
    summary: "Accepted. Thank you.",
    body: `${r.office} has accepted ${what(r)}. There is nothing more to do for this quarter.\n\nYou can see it here:\n${link(path)}`,
    path,
  };
}

export interface DigestLine {
  contract: string;
  provider: string;
  quarter: string;
  dueDate: string;
}

export interface DigestFacts {
  office: string;
  day: string;
  due: DigestLine[];
  late: DigestLine[];
  awaitingReview: DigestLine[];
  sentBack: DigestLine[];
}

export function digestIsEmpty(d: DigestFacts): boolean {
  return !d.due.length && !d.late.length && !d.awaitingReview.length && !d.sentBack.length;
}

export function composeDigest(d: DigestFacts, link: (path: string) => string): Composed {
  const section = (title: string, lines: DigestLine[]) =>
    lines.length ? `${title} (${lines.length}):\n${lines.map((l) => `- ${l.contract}, ${l.provider} (${l.quarter}, due ${formatLondonDate(l.dueDate)})`).join("\n")}` : `${title}: none.`;
  const counts = `${d.late.length} late, ${d.awaitingReview.length} awaiting review, ${d.sentBack.length} sent back, ${d.due.length} due`;
  return {
    subject: `Returns today, ${formatLondonDate(d.day)}: ${counts}`,
    summary: counts[0].toUpperCase() + counts.slice(1) + ".",
    body: [
      `Your returns for ${d.office} on ${formatLondonDate(d.day)}.`,
      section("Late", d.late),
      section("Awaiting your review", d.awaitingReview),
      section("Sent back and not yet resubmitted", d.sentBack),
      section("Due, not yet in", d.due),
      `Review them here:\n${link("/returns")}`,
    ].join("\n\n"),
    path: "/returns",
  };
}
