/*
 * A quarter's mail, driven by a fake clock, received by a real SMTP server in the test process: the reminders
 * before the due date (14 and 3 days), the due-date mail, weekly chasers, the sent-back mail with its reasons and
 * the accepted mail, each to the provider's reporting users, with links into the dashboard; the officers' digest;
 * preferences and the signed unsubscribe link. Runs are repeated to show that the schedule is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Measure } from "../../server/modules/kpis/kpi.entities.js";
import { FakeClock } from "../../server/modules/mail/clock.js";
import { MailKind, Notification, OutboxMail, OutboxState } from "../../server/modules/mail/mail.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { Role } from "../../server/modules/users/role.js";
import { User } from "../../server/modules/users/user.entity.js";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "../support/smtp-sink.js";
import { startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example"; // Harbour: WSW-VV-08
const PUBLIC_URL = "https://hub.example.org";
const DUE = "2024-10-15"; // 2024-25 Q2, opened by the test (the contract ends in March 2025)

let smtp: SmtpSink;
let server: TestServer;
const clock = new FakeClock(new Date("2024-09-01T09:00:00Z"));
const ids = { wiltshire: 0, vv08: 0, period: 0, harbour: 0 };
let recipients: string[] = [];
let officers: string[] = [];
const measure: Record<string, number> = {};

const m = () => server.services.db.manager;
const ours = (mail: ReceivedMail) => mail.text.includes(`/provider/returns/${ids.vv08}/${ids.period}`);

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** Runs the schedule at a London wall-clock time (BST, UTC+1, until 27 October 2024) and delivers everything. */
async function at(londonIso: string): Promise<void> {
  clock.set(new Date(`${londonIso}+01:00`));
  await server.services.mail.runSchedule();
  await server.services.mail.deliver();
}

/** The mails about our return received since `from`. */
const since = (from: number) => smtp.mails.slice(from).filter(ours);

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL, MAIL_SCHEDULE: "off", MAIL_POLL_MS: "60000" } });
  server.services.mail.clock = clock;
  ids.wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  const contract = await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference: "WSW-VV-08" });
  ids.vv08 = contract.id;
  ids.harbour = contract.providerId;
  for (const row of await m().findBy(Measure, { officeId: ids.wiltshire })) measure[row.code] = row.id;
  recipients = (await m().findBy(User, { providerId: ids.harbour, role: Role.PROVIDER, active: true })).map((u) => u.email).sort();
  officers = (await m().findBy(User, { officeId: ids.wiltshire, role: Role.OFFICER, active: true })).map((u) => u.email).sort();
  ids.period = (await ok(OFFICER, "mutation($q: String!, $due: String) { openReportingPeriod(quarter: $q, dueDate: $due) { id } }", { q: "2024-25 Q2", due: DUE })).openReportingPeriod.id;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const to = (mails: ReceivedMail[]) => mails.flatMap((mail) => mail.to).sort();

describe("a quarter's reminders, by a fake clock", () => {
  it("sends nothing about the return 20 days before it is due", async () => {
    const before = smtp.mails.length;
    await at("2024-09-25T09:00:00");
    expect(since(before)).toEqual([]);
    expect(recipients.length).toBeGreaterThan(0);
  });

  it("catches up with the 14-day reminder after a run was missed (the server was down on 1 October), once however often it runs", async () => {
    const before = smtp.mails.length;
    await at("2024-10-03T09:00:00");
    await at("2024-10-03T15:00:00");
    await at("2024-10-04T09:00:00");
    const mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].subject).toBe("Return due in 12 days: " + (await m().findOneByOrFail(Contract, { id: ids.vv08 })).title + ", 2024-25 Q2");
    expect(mails[0].text).toContain("by Tuesday 15 October 2024");
    expect(mails[0].text).toContain(`${PUBLIC_URL}/provider/returns/${ids.vv08}/${ids.period}`);
    expect(mails[0].headerText).toContain(`List-Unsubscribe: <${PUBLIC_URL}/mail/unsubscribe?u=`);
  });

  it("reminds again 3 days before", async () => {
    const before = smtp.mails.length;
    await at("2024-10-12T08:30:00");
    const mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].subject).toMatch(/^Return due in 3 days/);
  });

  it("mails on the due date while the return is not in", async () => {
    const before = smtp.mails.length;
    await at("2024-10-15T00:30:00"); // London's 15 October, though UTC's is still the 14th
    const mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].subject).toMatch(/^Return due today/);
    expect(mails[0].text).toContain("Tuesday 15 October 2024");
  });

  it("chases the day after, then weekly, and not in between", async () => {
    let before = smtp.mails.length;
    await at("2024-10-16T09:00:00");
    let mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].subject).toMatch(/^Return overdue/);
    expect(mails[0].text).toContain("1 day late");
    before = smtp.mails.length;
    await at("2024-10-20T09:00:00");
    expect(since(before)).toEqual([]);
    await at("2024-10-23T09:00:00");
    mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].text).toContain("8 days late");
  });

  it("gives the officers a daily digest listing the late return, once a day after the digest hour", async () => {
    const before = smtp.mails.length;
    await at("2024-10-24T07:00:00");
    expect(smtp.mails.slice(before).filter((mail) => mail.subject.startsWith("Returns today"))).toEqual([]);
    await at("2024-10-24T08:00:00");
    await at("2024-10-24T12:00:00");
    // Every office with an open quarter gets its own digest; Wiltshire's goes to Wiltshire's officers only, once.
    const wiltshire = await m().findOneByOrFail(Office, { id: ids.wiltshire });
    const all = smtp.mails.slice(before).filter((mail) => mail.subject.startsWith("Returns today"));
    const digests = all.filter((mail) => mail.text.startsWith(`Your returns for ${wiltshire.name} on`));
    expect(to(digests)).toEqual(officers);
    for (const other of all.filter((mail) => !digests.includes(mail))) expect(other.to.some((address) => officers.includes(address))).toBe(false);
    expect(digests[0].text).toMatch(/Late \(\d+\):/);
    expect(digests[0].text).toContain((await m().findOneByOrFail(Contract, { id: ids.vv08 })).title);
    expect(digests[0].text).toContain(`${PUBLIC_URL}/returns`);
  });

  it("tells the provider when its return is sent back, with the reasons, in the same transaction as the decision", async () => {
    const values = [
      { measureId: measure.REFERRALS, value: 300 },
      { measureId: measure.CASES_CLOSED, value: 180 },
      { measureId: measure.CASES_CLOSED_IMPROVED, value: 140 },
    ];
    const draft = (await ok(PROVIDER_B, "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { id version } }", { input: { contractId: ids.vv08, periodId: ids.period, values, achievements: "Waiting list cleared." } })).saveReturnDraft;
    const submitted = (await ok(PROVIDER_B, "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id version } }", { input: { returnId: draft.id, version: draft.version, idempotencyKey: `mail-${Date.now()}` } })).submitReturn;
    const before = smtp.mails.length;
    const sentBack = (await ok(OFFICER, "mutation($id: Int!, $v: Int!, $r: String!, $c: [MeasureCommentInput!]!) { sendBackReturn(id: $id, version: $v, reason: $r, measureComments: $c) { id version } }", { id: submitted.id, v: submitted.version, r: "Cases closed look high for the quarter.", c: [{ measureId: measure.CASES_CLOSED, comment: "Please check against your case system." }] })).sendBackReturn;
    const queued = await m().findBy(OutboxMail, { kind: MailKind.SENT_BACK });
    expect(queued.map((q) => q.toAddress).sort()).toEqual(recipients);
    await server.services.mail.deliver();
    const mails = since(before);
    expect(to(mails)).toEqual(recipients);
    expect(mails[0].subject).toMatch(/^Return sent back/);
    expect(mails[0].text).toContain("Cases closed look high for the quarter.");
    expect(mails[0].text).toContain("Please check against your case system.");
    expect(mails[0].headerText).not.toContain("List-Unsubscribe"); // essential: it asks for action

    const fixed = (await ok(PROVIDER_B, "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { id version } }", { input: { contractId: ids.vv08, periodId: ids.period, version: sentBack.version, values: [{ measureId: measure.CASES_CLOSED, value: 170 }] } })).saveReturnDraft;
    const resubmitted = (await ok(PROVIDER_B, "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id version } }", { input: { returnId: fixed.id, version: fixed.version, idempotencyKey: `mail-${Date.now()}-2` } })).submitReturn;
    const beforeAccept = smtp.mails.length;
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }", { id: resubmitted.id, v: resubmitted.version });
    await server.services.mail.deliver();
    const accepted = since(beforeAccept);
    expect(to(accepted)).toEqual(recipients);
    expect(accepted[0].subject).toMatch(/^Return accepted/);
  });

  it("stops chasing once the return is in", async () => {
    const before = smtp.mails.length;
    await at("2024-10-30T09:00:00");
    await at("2024-11-06T09:00:00");
    expect(since(before)).toEqual([]);
  });

  it("puts every mail in the provider's notifications, and marks them all sent in the outbox", async () => {
    const provider = await m().findOneByOrFail(User, { email: PROVIDER_B });
    const kinds = (await m().find(Notification, { where: { userId: provider.id, returnId: undefined }, order: { id: "ASC" } })).filter((n) => n.link === `/provider/returns/${ids.vv08}/${ids.period}`).map((n) => n.kind);
    expect(kinds).toEqual([MailKind.DUE_SOON, MailKind.DUE_SOON, MailKind.DUE_TODAY, MailKind.LATE, MailKind.LATE, MailKind.SENT_BACK, MailKind.ACCEPTED]);
    const ourRows = (await m().findBy(OutboxMail, {})).filter((row) => row.body.includes(`/provider/returns/${ids.vv08}/${ids.period}`));
    expect(new Set(ourRows.map((row) => row.state))).toEqual(new Set([OutboxState.SENT]));
    // Every mail arrived once, under its own deterministic Message-ID.
    const received = smtp.mails.filter(ours).map((mail) => mail.messageId);
    expect(new Set(received).size).toBe(received.length);
    expect(received.sort()).toEqual(ourRows.map((row) => row.messageId).sort());
  });
});
