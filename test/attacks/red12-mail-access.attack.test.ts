/*
 * red12: who may read the outbox and change schedules and preferences; hostile schedules; notification links that
 * lead off the site; one submitReturn retried with one idempotency key (at once and later) writing mail twice.
 * No SMTP server: the outbox holds the mail (HELD) for administrators to read.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, DIGEST_FROM_MIDNIGHT, sleep, stopGracefully, type ServerProcess } from "../support/server-process.js";
import { ADMIN, ANALYST, COMMISSIONER, DORSET_OFFICER, OFFICER, PROVIDER_A, PROVIDER_B, code, must, officeReturns, q, start, tmp } from "./red12-kit.js";

const dir = tmp("mailacc");
let server: ServerProcess;
let url = "";
let wiltshire = 0;
beforeAll(async () => {
  server = await start(dir, { MAIL_SCHEDULE: "on" });
  url = server.url;
  wiltshire = Number((await must(url, OFFICER, "{ me { office { id } } }")).me.office.id);
  // Mail for the outbox to hold at any hour: Dorset's digest from midnight, written by the run at the next start.
  // (The demo's quarter owes no reminder yet, and the default digest hour is 08:00 London time: a run between
  // midnight and eight found the outbox empty.)
  await must(url, DORSET_OFFICER, DIGEST_FROM_MIDNIGHT);
  await stopGracefully(server);
  server = await start(dir, { MAIL_SCHEDULE: "on" });
  url = server.url;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(await must(url, ADMIN, "{ outbox { id } }")).outbox.length) await sleep(200);
}, 180_000);
afterAll(async () => {
  if (server) await crash(server).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

const SCHEDULE = "mutation($i: MailScheduleInput!) { setMailSchedule(input: $i) { officeId reminderDays chaserIntervalDays digestHour version } }";

describe("the outbox and the schedules", () => {
  it("only administrators read the outbox (its bodies hold reasons and names)", async () => {
    for (const as of [OFFICER, COMMISSIONER, ANALYST, PROVIDER_A, DORSET_OFFICER]) {
      const r = await q(url, as, "{ outbox { id body toAddress } }");
      expect(code(r), as).toBe("FORBIDDEN");
      expect(r.data?.outbox ?? null).toBeNull();
    }
    expect((await must(url, ADMIN, "{ outbox { id state } }")).outbox.length).toBeGreaterThan(0);
  });

  it("nobody sets another office's schedule; providers and analysts set none", async () => {
    const input = { officeId: wiltshire, reminderDays: [1], chaserIntervalDays: 60, digestHour: 3, version: 0 };
    expect(code(await q(url, DORSET_OFFICER, SCHEDULE, { i: input }))).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(code(await q(url, PROVIDER_A, SCHEDULE, { i: input }))).toBe("FORBIDDEN");
    expect(code(await q(url, ANALYST, SCHEDULE, { i: input }))).toBe("FORBIDDEN");
    expect(code(await q(url, PROVIDER_A, "query($o: Int) { mailSchedule(officeId: $o) { reminderDays } }", { o: wiltshire }))).toMatch(/FORBIDDEN|NOT_FOUND|OK/);
    const now = (await must(url, OFFICER, "{ mailSchedule { reminderDays chaserIntervalDays digestHour version } }")).mailSchedule;
    expect(now.version).toBe(0);
  });

  const bad: [string, Record<string, unknown>][] = [
    ["a negative reminder day", { reminderDays: [-1], chaserIntervalDays: 7, digestHour: 8, version: 0 }],
    ["a reminder 10,000 days before", { reminderDays: [10000], chaserIntervalDays: 7, digestHour: 8, version: 0 }],
    ["a 0-day chaser interval (a chaser every run)", { reminderDays: [14, 3], chaserIntervalDays: 0, digestHour: 8, version: 0 }],
    ["a 61-day chaser interval", { reminderDays: [14, 3], chaserIntervalDays: 61, digestHour: 8, version: 0 }],
    ["digest hour 24", { reminderDays: [14, 3], chaserIntervalDays: 7, digestHour: 24 }],
    ["digest hour -1", { reminderDays: [14, 3], chaserIntervalDays: 7, digestHour: -1 }],
    ["a thousand reminder days", { reminderDays: Array.from({ length: 1000 }, (_, i) => i + 1), chaserIntervalDays: 7, digestHour: 8, version: 0 }],
  ];
  for (const [name, input] of bad)
    it(`refuses ${name}`, async () => {
      const r = await q(url, OFFICER, SCHEDULE, { i: input });
      expect(code(r), JSON.stringify(r.data)).toBe("BAD_USER_INPUT");
    });

  it("refuses the same reminder day twice, or stores it once", async () => {
    const r = await q(url, OFFICER, SCHEDULE, { i: { reminderDays: [3, 3, 3], chaserIntervalDays: 7, digestHour: 8, version: 0 } });
    if (code(r) === "OK") expect(r.data.setMailSchedule.reminderDays).toEqual([3]);
    else expect(code(r)).toBe("BAD_USER_INPUT");
  });
});

describe("preferences and notifications", () => {
  it("preferences are one's own: a stale version is CONFLICT and changes nothing", async () => {
    await must(url, PROVIDER_B, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { version } }", { i: { version: 0, reminders: true, chasers: true, accepted: false, digest: true } });
    expect(code(await q(url, PROVIDER_B, "mutation($i: MailPreferencesInput!) { setMailPreferences(input: $i) { version } }", { i: { version: 0, reminders: false, chasers: false, accepted: false, digest: false } }))).toBe("CONFLICT");
    expect((await must(url, PROVIDER_B, "{ myMailPreferences { reminders accepted } }")).myMailPreferences).toEqual({ reminders: true, accepted: false });
    // Another provider's preferences are untouched.
    expect((await must(url, PROVIDER_A, "{ myMailPreferences { accepted version } }")).myMailPreferences).toEqual({ accepted: true, version: 0 });
  });

  it("every notification's link stays on this site", async () => {
    for (const as of [OFFICER, DORSET_OFFICER, PROVIDER_A, PROVIDER_B, ADMIN]) {
      const list = (await must(url, as, "{ notifications(first: 200) { link } }")).notifications as { link: string }[];
      for (const n of list) expect(n.link, as).toMatch(/^\/(?![/\\])/);
    }
  });
});

describe("links in mail come from the configuration, never from the request", () => {
  it("a send-back requested with a forged Host / X-Forwarded-Host writes no link to that host", async () => {
    const r = (await officeReturns(url)).find((x) => x.state === "SUBMITTED");
    expect(r).toBeTruthy();
    const token = (await must(url, OFFICER, "mutation { login(email: \"officer@wiltshire.demo.example\", password: \"demo-password-2026\") { token } }")).login.token;
    const body = JSON.stringify({ query: "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"host probe\") { id } }", variables: { id: r!.id, v: r!.version } });
    const u = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: "/graphql", method: "POST", headers: { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example;proto=https", "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(200);
    const rows = (await must(url, ADMIN, "{ outbox(first: 500) { kind body } }")).outbox as { kind: string; body: string }[];
    const sentBack = rows.filter((x) => x.kind === "SENT_BACK" && x.body.includes("host probe"));
    expect(sentBack.length).toBeGreaterThan(0);
    for (const m of sentBack) expect(m.body).not.toContain("evil.example");
    const notes = (await must(url, PROVIDER_B, "{ notifications(first: 50) { link body } }")).notifications;
    expect(JSON.stringify(notes)).not.toContain("evil.example");
  });
});

describe("one change, one key, one set of mail", () => {
  it("submitReturn retried with one key, at once and later, writes its mail once", async () => {
    const drafts = (await officeReturns(url)).filter((r) => r.state === "DRAFT");
    let target: (typeof drafts)[number] | undefined;
    let as = "";
    for (const d of drafts) {
      for (const who of [PROVIDER_A, PROVIDER_B]) {
        const v = await q(url, who, "query($id: Int!) { validateReturn(id: $id) { __typename } }", { id: d.id });
        if (code(v) === "OK") {
          target = d;
          as = who;
          break;
        }
      }
      if (target) break;
    }
    // The demo's open quarter has drafts of both providers; without one there is nothing to attack.
    expect(target, "a draft of provider A or B in the open quarter").toBeTruthy();
    // The demo's drafts are incomplete: fill every figure the form asks for (its floor, or 0: no ratio is broken
    // by zeros) and confirm the sharp changes against last quarter, so that the submission itself can succeed.
    const form = (await must(url, as, "query($id: Int!) { performanceReturn(id: $id) { requiredMeasures { id minValue } } }", { id: target!.id })).performanceReturn;
    const values = form.requiredMeasures.map((m: { id: number; minValue: number | null }) => ({ measureId: m.id, value: Math.max(0, m.minValue ?? 0) }));
    const saved = (await must(url, as, "mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version state } }", { i: { contractId: target!.contract.id, periodId: target!.period.id, version: target!.version, values } })).saveReturnDraft;
    expect(saved.state).toBe("DRAFT");
    const check = (await must(url, as, "query($id: Int!) { validateReturn(id: $id) { problems { field rule } outliers { measureId } } }", { id: saved.id })).validateReturn;
    expect(check.problems).toEqual([]);
    const acknowledgements = check.outliers.map((o: { measureId: number }) => ({ measureId: o.measureId, comment: "red12: confirmed, the service paused this quarter." }));
    target = { ...target!, version: saved.version };
    const submit = { returnId: target.id, version: target.version, acknowledgements };
    const before = (await must(url, ADMIN, "{ outbox(first: 500) { id } }")).outbox.length;
    const key = `red12-submit-${Date.now()}`;
    const answers = await Promise.all([0, 1, 2, 3].map(() => q(url, as, "mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id version state } }", { i: { ...submit, idempotencyKey: key } })));
    const codes = answers.map(code);
    expect(new Set(codes), JSON.stringify(answers.map((a) => a.errors?.[0]))).toEqual(new Set(["OK"]));
    expect(new Set(answers.map((a) => `${a.data.submitReturn.id}@${a.data.submitReturn.version}`))).toEqual(new Set([`${target.id}@${target.version + 1}`]));
    const afterFirst = (await must(url, ADMIN, "{ outbox(first: 500) { id toAddress subject } }")).outbox;
    const again = await q(url, as, "mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id } }", { i: { ...submit, idempotencyKey: key } });
    expect(code(again)).toBe("OK");
    const afterRetry = (await must(url, ADMIN, "{ outbox(first: 500) { id toAddress subject } }")).outbox;
    expect(afterRetry.length).toBe(afterFirst.length);
    // Five attempts, one submission: a single revision, and the return stays as the first attempt left it.
    const after = (await must(url, OFFICER, "query($id: Int!) { performanceReturn(id: $id) { state version revisionCount } }", { id: target.id })).performanceReturn;
    expect(after).toEqual({ state: "SUBMITTED", version: target.version + 1, revisionCount: 1 });
    const added = afterFirst.slice(0, afterFirst.length - before);
    const keys = added.map((r: { toAddress: string; subject: string }) => `${r.toAddress}|${r.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
