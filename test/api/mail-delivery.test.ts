/*
 * Delivery when the SMTP server is down (retries with exponential backoff, then delivered; permanent refusals and
 * failures visible in the outbox with a code), preferences and the signed unsubscribe link, and who may see what
 * of mail: notifications are their user's own (over HTTP and WebSocket), schedules their office's staff's, the
 * outbox administrators' (an administrator with a home office: that office's only); analysts write nothing.
 */
import { IsNull } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { FakeClock } from "../../server/modules/mail/clock.js";
import { MailKind, Notification, OutboxMail, OutboxState } from "../../server/modules/mail/mail.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { Role } from "../../server/modules/users/role.js";
import { User } from "../../server/modules/users/user.entity.js";
import { freePort } from "../support/server-process.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { wsClient } from "./ws-client.js";

const ADMIN = "admin@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER_A = "provider-a@demo.example";
const PROVIDER_B = "provider-b@demo.example";
const BASE_MS = 1000;

let server: TestServer;
let sink: SmtpSink | null = null;
let port = 0;
// 10 May 2024, with each office's open quarter due 30 April (moved there in beforeAll: the demo's is due after the
// day it was seeded): the quarter is late, so the schedule chases its missing and draft returns.
const LATE_DUE = "2024-04-30";
const clock = new FakeClock(new Date("2024-05-10T09:00:00+01:00"));
const m = () => server.services.db.manager;
const user = (email: string) => m().findOneByOrFail(User, { email });

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}
async function refusedWith(as: string, query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  const result = await server.run(as, query, variables);
  expect(result.errors?.length, JSON.stringify(result.data)).toBe(1);
  return codes(result)[0];
}

beforeAll(async () => {
  port = await freePort();
  server = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_SCHEDULE: "off", MAIL_POLL_MS: "600000", MAIL_RETRY_BASE_MS: String(BASE_MS), MAIL_MAX_ATTEMPTS: "6", WS_CONNECTIONS_PER_USER: "0" } });
  server.services.mail.clock = clock;
  await server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = ? WHERE state = 'OPEN'", [LATE_DUE]);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await sink?.close();
});

describe("SMTP down", () => {
  it("retries with exponential backoff, shows each failure's code in the outbox, then delivers once the server is back", async () => {
    await server.services.mail.runSchedule();
    const queued = await m().findBy(OutboxMail, { state: OutboxState.PENDING });
    expect(queued.length).toBeGreaterThan(1);

    const t0 = clock.now().getTime();
    expect(await server.services.mail.deliver()).toBe(0);
    let rows = await m().findBy(OutboxMail, {});
    for (const row of rows) {
      expect(row.state).toBe(OutboxState.PENDING);
      expect(row.attempts).toBe(1);
      expect(row.lastCode).toBe("ECONNREFUSED");
      expect(row.nextAttemptAt.getTime()).toBe(t0 + BASE_MS);
    }
    // Not before the backoff: nothing is claimed.
    clock.advance(BASE_MS - 1);
    await server.services.mail.deliver();
    expect((await m().findBy(OutboxMail, {})).every((r) => r.attempts === 1)).toBe(true);
    // Then 1 s, 2 s, 4 s apart.
    for (const [attempt, wait] of [[2, BASE_MS], [3, 2 * BASE_MS]] as const) {
      clock.advance(1);
      const at = clock.now().getTime();
      await server.services.mail.deliver();
      rows = await m().findBy(OutboxMail, {});
      for (const row of rows) {
        expect(row.attempts).toBe(attempt);
        expect(row.nextAttemptAt.getTime()).toBe(at + 2 * wait);
      }
      clock.advance(2 * wait - 1);
    }
    const failures = (await ok(ADMIN, "{ outbox(state: PENDING) { id attempts lastCode lastError nextAttemptAt } }")).outbox;
    expect(failures.length).toBe(rows.length);
    expect(failures[0].lastCode).toBe("ECONNREFUSED");

    sink = await startSmtpSink({ port });
    clock.advance(1);
    expect(await server.services.mail.deliver()).toBe(rows.length);
    rows = await m().findBy(OutboxMail, {});
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set([OutboxState.SENT]));
    expect(rows.every((r) => r.attempts === 4)).toBe(true);
    expect(sink.mails.map((mail) => mail.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
  });

  it("gives up at once on a permanent refusal (5xx), and shows it as FAILED with the reply code", async () => {
    await sink!.close();
    sink = await startSmtpSink({
      port,
      beforeAccept: () => {
        throw Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 });
      },
    });
    clock.set(new Date("2024-05-11T09:00:00+01:00")); // no new chasers (same week), but the digests of a new day
    await server.services.mail.runSchedule();
    await server.services.mail.deliver();
    const failed = (await ok(ADMIN, "{ outbox(state: FAILED) { id kind attempts lastCode lastError toAddress } }")).outbox;
    expect(failed.length).toBeGreaterThan(0);
    for (const row of failed) {
      expect(row.kind).toBe("DIGEST");
      expect(row.attempts).toBe(1);
      expect(row.lastCode).toBe("550");
      expect(row.lastError).toContain("Mailbox unavailable");
    }
    await sink!.close();
    sink = await startSmtpSink({ port });
  });
});

describe("preferences and the unsubscribe link", () => {
  it("does not mail what a user turned off, but still lists it in their notifications", async () => {
    const b = await user(PROVIDER_B);
    const prefs = (await ok(PROVIDER_B, "{ myMailPreferences { reminders chasers accepted digest version } }")).myMailPreferences;
    expect(prefs).toEqual({ reminders: true, chasers: true, accepted: true, digest: true, version: 0 });
    await ok(PROVIDER_B, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { chasers version } }", { i: { version: 0, reminders: true, chasers: false, accepted: true, digest: true } });
    const stale = await refusedWith(PROVIDER_B, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { version } }", { i: { version: 0, reminders: true, chasers: true, accepted: true, digest: true } });
    expect(stale).toBe("CONFLICT");
    clock.set(new Date("2024-05-17T09:00:00+01:00")); // the next weekly chaser
    await server.services.mail.runSchedule();
    const chasers = await m().findBy(OutboxMail, { kind: MailKind.LATE });
    expect(chasers.some((r) => r.userId === b.id && r.createdAt.getTime() === clock.now().getTime())).toBe(false);
    expect(chasers.some((r) => r.userId !== b.id && r.createdAt.getTime() === clock.now().getTime())).toBe(true);
    const listed = await m().findBy(Notification, { userId: b.id, kind: MailKind.LATE });
    expect(listed.some((n) => n.createdAt.getTime() === clock.now().getTime())).toBe(true);
  });

  it("turns a kind of mail off from the signed link without signing in, after a confirmation; a changed link does nothing", async () => {
    // Someone chased for a late return: the open quarter, made late in beforeAll, has them.
    const row = (await m().find(OutboxMail, { where: { kind: MailKind.LATE }, order: { id: "DESC" } })).find((r) => r.userId !== null && r.userId !== undefined)!;
    const a = await m().findOneByOrFail(User, { id: row.userId! });
    const as = a.email;
    expect(row.unsubscribeUrl).toBeTruthy();
    const local = row.unsubscribeUrl!.replace(/^https?:\/\/[^/]+/, server.url);
    const page = await fetch(local);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stop these mails");
    expect((await ok(as, "{ myMailPreferences { chasers } }")).myMailPreferences.chasers).toBe(true); // opening it changed nothing

    const tampered = await fetch(local.replace(/s=[^&]+/, "s=AAAA"), { method: "POST" });
    expect(tampered.status).toBe(400);
    const otherUser = await fetch(local.replace(/u=\d+/, `u=${(await user(OFFICER)).id}`), { method: "POST" });
    expect(otherUser.status).toBe(400);
    expect((await ok(as, "{ myMailPreferences { chasers } }")).myMailPreferences.chasers).toBe(true);

    const done = await fetch(local, { method: "POST" });
    expect(done.status).toBe(200);
    expect((await ok(as, "{ myMailPreferences { chasers reminders } }")).myMailPreferences).toEqual({ chasers: false, reminders: true });
    clock.set(new Date("2024-05-24T09:00:00+01:00"));
    await server.services.mail.runSchedule();
    const late = await m().findBy(OutboxMail, { kind: MailKind.LATE, userId: a.id });
    expect(late.some((r) => r.createdAt.getTime() === clock.now().getTime())).toBe(false);
  });

  it("always mails a sent-back return, whatever the preferences (it asks for action)", async () => {
    await ok(PROVIDER_B, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { version } }", { i: { version: 1, reminders: false, chasers: false, accepted: false, digest: false } });
    const harbour = (await user(PROVIDER_B)).providerId!;
    const contracts = await m().findBy(Contract, { providerId: harbour });
    const ret = await m().findOne(PerformanceReturn, { where: contracts.map((c) => ({ contractId: c.id, state: ReturnState.SUBMITTED })), order: { id: "ASC" } });
    expect(ret).not.toBeNull();
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"Missing the case study.\") { id } }", { id: ret!.id, v: ret!.version });
    const b = await user(PROVIDER_B);
    expect(await m().countBy(OutboxMail, { kind: MailKind.SENT_BACK, userId: b.id })).toBe(1);
  });
});

describe("who sees mail", () => {
  it("shows each user only their own notifications, and refuses marking another's read", async () => {
    const chased = (await m().findOneByOrFail(User, { id: (await m().findOneByOrFail(Notification, { kind: MailKind.LATE })).userId })).email;
    const other = chased === PROVIDER_B ? PROVIDER_A : PROVIDER_B;
    const a = await ok(chased, "{ notifications(first: 200) { id kind link } unreadNotificationCount }");
    const b = await ok(PROVIDER_B, "{ notifications(first: 200) { id kind link } unreadNotificationCount }");
    expect(a.notifications.length).toBeGreaterThan(0);
    expect(b.notifications.length).toBeGreaterThan(0);
    const mineA = new Set((await m().findBy(Notification, { userId: (await user(chased)).id })).map((n) => n.id));
    expect(a.notifications.every((n: { id: number }) => mineA.has(n.id))).toBe(true);
    if (chased !== PROVIDER_B) expect(b.notifications.some((n: { id: number }) => mineA.has(n.id))).toBe(false);
    expect((await ok(other === PROVIDER_A ? PROVIDER_A : OFFICER, "{ notifications(first: 200) { id } }")).notifications.some((n: { id: number }) => mineA.has(n.id))).toBe(false);
    expect(await refusedWith(PROVIDER_A, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: [b.notifications[0].id] })).toBe("NOT_FOUND");
    expect((await ok(PROVIDER_B, "{ unreadNotificationCount }")).unreadNotificationCount).toBe(b.unreadNotificationCount);
    const left = (await ok(PROVIDER_B, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: [b.notifications[0].id] })).markNotificationsRead;
    expect(left).toBe(b.unreadNotificationCount - 1);
    expect((await ok(PROVIDER_B, "mutation { markAllNotificationsRead }")).markAllNotificationsRead).toBe(0);
  });

  it("keeps an office's schedule to its own staff, and lets them change it with its version", async () => {
    const wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
    expect(await refusedWith(DORSET_OFFICER, "query($o: Int) { mailSchedule(officeId: $o) { reminderDays } }", { o: wiltshire })).toBe("FORBIDDEN");
    expect(await refusedWith(PROVIDER_A, "{ mailSchedule { reminderDays } }")).toBe("FORBIDDEN");
    const input = { officeId: wiltshire, version: 0, reminderDays: [10, 2], chaserIntervalDays: 3, digestHour: 7 };
    expect(await refusedWith(DORSET_OFFICER, "mutation($i: MailScheduleInput!) { setMailSchedule(input: $i) { version } }", { i: input })).toBe("FORBIDDEN");
    expect(await refusedWith(ANALYST, "mutation($i: MailScheduleInput!) { setMailSchedule(input: $i) { version } }", { i: input })).toBe("FORBIDDEN");
    expect(await refusedWith(OFFICER, "mutation($i: MailScheduleInput!) { setMailSchedule(input: $i) { version } }", { i: { ...input, digestHour: 24 } })).toBe("BAD_USER_INPUT");
    const saved = (await ok(OFFICER, "mutation($i: MailScheduleInput!) { setMailSchedule(input: $i) { reminderDays chaserIntervalDays digestHour version } }", { i: input })).setMailSchedule;
    expect(saved).toEqual({ reminderDays: [10, 2], chaserIntervalDays: 3, digestHour: 7, version: 1 });
    expect((await ok(ANALYST, "{ mailSchedule { reminderDays version } }")).mailSchedule).toEqual({ reminderDays: [10, 2], version: 1 });
  });

  it("refuses analysts every mail write", async () => {
    expect(await refusedWith(ANALYST, "mutation { markAllNotificationsRead }")).toBe("FORBIDDEN");
    expect(await refusedWith(ANALYST, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { version } }", { i: { version: 0, reminders: false, chasers: false, accepted: false, digest: false } })).toBe("FORBIDDEN");
  });

  it("keeps the outbox to administrators; one with a home office sees only that office's mail", async () => {
    expect(await refusedWith(OFFICER, "{ outbox { id } }")).toBe("FORBIDDEN");
    expect(await refusedWith(PROVIDER_A, "{ outbox { id } }")).toBe("FORBIDDEN");
    const dorset = (await m().findOneByOrFail(Office, { code: "dorset" })).id;
    const sample = (await m().find(OutboxMail, { take: 1 }))[0];
    await m().insert(OutboxMail, { ...sample, id: undefined, dedupeKey: "test:dorset-row", officeId: dorset, userId: null, toAddress: "someone@dorset.example" });
    const all = (await ok(ADMIN, "{ outbox(first: 500) { id officeId } }")).outbox;
    expect(new Set(all.map((r: { officeId: number }) => r.officeId)).size).toBeGreaterThan(1);
    const admin = await user(ADMIN);
    await m().insert(User, { email: "admin@dorset.demo.example", name: "Dorset administrator", passwordHash: admin.passwordHash, role: Role.ADMIN, officeId: dorset, active: true });
    const own = (await ok("admin@dorset.demo.example", "{ outbox(first: 500) { id officeId } }")).outbox;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r: { officeId: number }) => r.officeId === dorset)).toBe(true);
    const wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
    expect(await refusedWith("admin@dorset.demo.example", "query($o: Int) { outbox(officeId: $o) { id } }", { o: wiltshire })).toBe("FORBIDDEN");
  });

  it("streams each user's own notification changes over WebSocket, and nobody else's", async () => {
    const feeds = new Map<string, unknown[]>();
    const clients = [PROVIDER_A, PROVIDER_B, DORSET_OFFICER];
    const stops: (() => void)[] = [];
    for (const who of clients) {
      const c = wsClient(server.url, await server.tokenFor(who));
      feeds.set(who, []);
      stops.push(c.subscribe({ query: "subscription { notificationsChanged { unreadCount latest { id kind title } } }" }, { next: (v) => feeds.get(who)!.push(v), error: () => undefined, complete: () => undefined }));
      stops.push(() => void c.dispose());
    }
    await new Promise((r) => setTimeout(r, 500));
    const harbour = (await user(PROVIDER_B)).providerId!;
    const contracts = await m().findBy(Contract, { providerId: harbour });
    // The return sent back above, resubmitted as it was, then accepted: the accepted mail is provider B's.
    const back = (await m().find(PerformanceReturn, { where: contracts.map((c) => ({ contractId: c.id, state: ReturnState.RETURNED })), order: { id: "ASC" } }))[0];
    expect(back).toBeTruthy();
    const ret = (await ok(PROVIDER_B, "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id version } }", { input: { returnId: back.id, version: back.version, idempotencyKey: `ws-${Date.now()}` } })).submitReturn;
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }", { id: ret.id, v: ret.version });
    const deadline = Date.now() + 10_000;
    while (!feeds.get(PROVIDER_B)!.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    for (const stop of stops) stop();
    const event = feeds.get(PROVIDER_B)![0] as { data: { notificationsChanged: { unreadCount: number; latest: { kind: string }[] } } };
    expect(event.data.notificationsChanged.unreadCount).toBe(await m().countBy(Notification, { userId: (await user(PROVIDER_B)).id, readAt: IsNull() }));
    expect(event.data.notificationsChanged.latest[0].kind).toBe("ACCEPTED");
    expect(feeds.get(PROVIDER_A)).toEqual([]);
    expect(feeds.get(DORSET_OFFICER)).toEqual([]);
  });
});
