/*
 * red15: the review writes (accept, send back, reopen, submit) are all-or-nothing, seen from outside.
 *
 * Every refused write (stale version, wrong state, bad measure comment, invalid input, someone else's return) must
 * leave the return, its revisions' review outcome, the audit trail, the live events (returnChanged and
 * officeScorecardChanged), the provider's notifications and mail, and the scorecard figures exactly as they were,
 * right after the error and again a little later. Every successful write must change all of them together.
 *
 * Real HTTP server on a temporary SQLite file (test/api/harness.ts), real graphql-ws sockets; only the API is read.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../api/harness.js";
import { feed, sleep } from "../api/live-feed.js";
import { wsClient } from "../api/ws-client.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET = "officer@dorset.demo.example";
const ADMIN = "admin@demo.example";
const PROVIDER_A = "provider-a@demo.example"; // Victim Support: WSW-VV-03
const PROVIDER_B = "provider-b@demo.example"; // Harbour: WSW-VV-08, WSW-VV-09

const RETURN = "id state version";
const SAVE = `mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { ${RETURN} } }`;
const SUBMIT = `mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { ${RETURN} revisionCount } }`;
const ACCEPT = `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { ${RETURN} } }`;
const SEND_BACK = `mutation($id: Int!, $v: Int!, $r: String!, $mc: [MeasureCommentInput!]! = []) { sendBackReturn(id: $id, version: $v, reason: $r, measureComments: $mc) { ${RETURN} } }`;
const REOPEN = `mutation($id: Int!, $v: Int!, $r: String!) { reopenReturn(id: $id, version: $v, reason: $r) { ${RETURN} } }`;
const DETAIL = `query($id: Int!) { performanceReturn(id: $id) { id state version reviewReason acceptedAt acceptedBy { id } correctionReason revisionCount submittedAt
  values { measure { id } value comment }
  revisions { number outcome reviewReason reviewedAt reviewedBy { id } measureComments { measureId comment } values { measureId value } } } }`;
const CELL = "periodId numerator denominator actual returnsIn returnsDue provisional complete rag target";
const SCORECARDS = `query($o: Int!, $p: [Int!], $s: Boolean!) { scorecards(officeId: $o, periodIds: $p, includeSubmitted: $s) { portfolioId rows { indicatorId cells { ${CELL} } } } }`;

type Answer = { data?: any; errors?: { message: string; extensions?: { code?: string } }[]; status: number };
const codeOf = (a: Answer) => a.errors?.[0]?.extensions?.code ?? null;

let server: TestServer;
let office = 0;
let client: Client;
type Feed = ReturnType<typeof feed<any>>;
let returnFeed: Feed;
let boardFeed: Feed;
let contractFeed: Feed;
let keySeq = 0;
const key = () => `red15-atomic-${Date.now()}-${++keySeq}`;

interface Slot {
  contractId: number;
  /** Who submits, and whose notifications are read (null: the officer submits; only the outbox is read). */
  provider: string | null;
  values: Record<number, number>;
  quarter: string;
}
const HARBOUR = { 8: { 1: 100, 4: 50, 5: 20 }, 9: { 1: 100, 2: 60, 4: 50, 5: 20 } } as Record<number, Record<number, number>>;
const KESTREL = { 1: 100, 3: 80 };
// Every slot is inside its contract's term, so its figures count (Harbour's contracts end 2025-03-31, Kestrel's 2027-09-30).
const SLOTS: Slot[] = [];
for (const quarter of ["2024-25 Q2", "2024-25 Q3", "2024-25 Q4"]) {
  SLOTS.push({ contractId: 8, provider: PROVIDER_B, values: HARBOUR[8], quarter });
  SLOTS.push({ contractId: 9, provider: PROVIDER_B, values: HARBOUR[9], quarter });
  SLOTS.push({ contractId: 5, provider: null, values: KESTREL, quarter });
}
for (const quarter of ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1", "2026-27 Q2", "2026-27 Q3", "2026-27 Q4", "2027-28 Q1", "2027-28 Q2"]) SLOTS.push({ contractId: 5, provider: null, values: KESTREL, quarter });
// Wessex's WSW-PY-05 has no end date.
for (const quarter of ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4"]) SLOTS.push({ contractId: 26, provider: null, values: { 10: 30, 11: 12 }, quarter });
const periodOf = new Map<string, number>();
interface Made {
  id: number;
  version: number;
  contractId: number;
  periodId: number;
  provider: string | null;
  /** Who submits it. */
  submitter: string;
  values: Record<number, number>;
}

async function ok(as: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const r = (await server.http(as, query, variables)) as Answer;
  if (r.errors?.length || r.status !== 200) throw new Error(`${query.slice(0, 60)}: HTTP ${r.status} ${JSON.stringify(r.errors)}`);
  return r.data;
}

/** A fresh return for a (contract, period) pair nobody has used yet, saved as a draft and, unless told, submitted. */
async function fresh(options: { submit?: boolean; values?: Record<number, number>; providerUser?: boolean } = {}): Promise<Made> {
  // Slots with a provider user (Harbour) are kept for the tests that need one.
  let n = SLOTS.findIndex((x) => (options.providerUser ? x.provider !== null : x.provider === null));
  if (n < 0 && !options.providerUser) n = 0;
  if (n < 0 || n >= SLOTS.length) throw new Error("out of slots");
  const slot = SLOTS.splice(n, 1)[0];
  const periodId = periodOf.get(slot.quarter)!;
  const submitter = slot.provider ?? OFFICER;
  const values = options.values ?? slot.values;
  const saved = (await ok(submitter, SAVE, { i: { contractId: slot.contractId, periodId, values: Object.entries(values).map(([m, v]) => ({ measureId: Number(m), value: v })) } })).saveReturnDraft;
  let made: Made = { id: saved.id, version: saved.version, contractId: slot.contractId, periodId, provider: slot.provider, submitter, values };
  if (options.submit === false) return made;
  const check = (await ok(submitter, "query($id: Int!) { validateReturn(id: $id) { problems { field rule } outliers { measureId } } }", { id: made.id })).validateReturn;
  expect(check.problems).toEqual([]);
  const submitted = (await ok(submitter, SUBMIT, { i: { returnId: made.id, version: made.version, idempotencyKey: key(), acknowledgements: check.outliers.map((o: { measureId: number }) => ({ measureId: o.measureId, comment: "red15: as expected" })) } })).submitReturn;
  made = { ...made, version: submitted.version };
  return made;
}

async function accept(r: Made): Promise<Made> {
  const a = (await ok(OFFICER, ACCEPT, { id: r.id, v: r.version })).acceptReturn;
  return { ...r, version: a.version };
}

/** Everything a refused write must leave alone, and a successful one must move together. */
async function observe(r: Made) {
  const detail = (await ok(OFFICER, DETAIL, { id: r.id })).performanceReturn;
  const audit = (await ok(OFFICER, "query($id: Int!) { auditEvents(entityType: \"Return\", entityId: $id, first: 100) { totalCount items { id action } } }", { id: r.id })).auditEvents;
  const link = `/provider/returns/${r.contractId}/${r.periodId}\n`;
  const outbox = ((await ok(ADMIN, "{ outbox(first: 100) { id kind toAddress body } }")).outbox as { id: number; kind: string; toAddress: string; body: string }[]).filter((m) => m.body.includes(link));
  const notes = r.provider ? ((await ok(r.provider, "{ notifications(first: 100) { id kind returnId } }")).notifications as { id: number; kind: string; returnId: number | null }[]).filter((x) => x.returnId === r.id) : [];
  const accepted = (await ok(OFFICER, SCORECARDS, { o: office, p: [r.periodId], s: false })).scorecards;
  const provisional = (await ok(OFFICER, SCORECARDS, { o: office, p: [r.periodId], s: true })).scorecards;
  const completeness = (await ok(OFFICER, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due submitted onTime late missing accepted } }", { p: r.periodId })).returnCompleteness;
  const events = returnFeed.items.filter((i) => i.data?.returnChanged?.returnId === r.id).map((i) => `${i.data.returnChanged.seq}:${i.data.returnChanged.change}`);
  const board = boardFeed.items.filter((i) => i.data?.officeScorecardChanged?.periodIds?.includes(r.periodId)).map((i) => `${i.data.officeScorecardChanged.seq}:${i.data.officeScorecardChanged.reason}:${i.data.officeScorecardChanged.portfolioId}`);
  return {
    detail,
    audit: audit.items.map((a: { id: number; action: string }) => `${a.id}:${a.action}`) as string[],
    auditTotal: audit.totalCount,
    mails: outbox.map((m) => `${m.id}:${m.kind}:${m.toAddress}`),
    notifications: notes.map((x) => `${x.id}:${x.kind}`),
    accepted,
    provisional,
    completeness,
    events,
    board,
  };
}
type Observation = Awaited<ReturnType<typeof observe>>;

/** A write that must fail with `code` and change nothing, right away and 800 ms later. */
async function refusedAndUnchanged(r: Made, as: string, query: string, variables: Record<string, unknown>, expected: string | string[]): Promise<Answer> {
  await sleep(150);
  const before = await observe(r);
  const answer = (await server.http(as, query, variables)) as Answer;
  const codes = Array.isArray(expected) ? expected : [expected];
  expect(answer.data?.[Object.keys(answer.data ?? {})[0]] ?? null, `expected a refusal, got ${JSON.stringify(answer).slice(0, 400)}`).toBeNull();
  expect(codes, `got ${JSON.stringify(answer.errors)}`).toContain(codeOf(answer));
  const right = await observe(r);
  expect(right, "changed by a refused write (at once)").toEqual(before);
  await sleep(800);
  const later = await observe(r);
  expect(later, "changed by a refused write (800 ms later)").toEqual(before);
  return answer;
}

/** Waits until the live feeds hold `n` more items for this return, or gives up after a while (then the assertions say what is missing). */
async function eventsFor(r: Made, count: number, boardCount?: number) {
  await returnFeed.until((items) => items.filter((i) => i.data?.returnChanged?.returnId === r.id).length >= count, 5000).catch(() => undefined);
  if (boardCount !== undefined) await boardFeed.until((items) => items.filter((i) => i.data?.officeScorecardChanged?.periodIds?.includes(r.periodId)).length >= boardCount, 5000).catch(() => undefined);
  await sleep(300);
}

/** The figures the accepted (and submitted) values imply for each portfolio and the office, for one quarter. */
async function expectedCells(periodId: number, includeSubmitted: boolean) {
  const indicators = (await ok(OFFICER, "{ indicators { id factor numeratorMeasures { id } denominatorMeasures { id } } }")).indicators as { id: number; factor: number; numeratorMeasures: { id: number }[]; denominatorMeasures: { id: number }[] }[];
  const returns = (await ok(OFFICER, "query($p: Int!) { returns(periodId: $p, first: 100) { items { id state contract { id portfolio { id } kpis { indicator { id } } } values { measure { id } value } } } }", { p: periodId })).returns.items as any[];
  const out = new Map<string, { numerator: number; denominator: number; returnsIn: number }>();
  for (const ret of returns) {
    if (!(ret.state === "ACCEPTED" || (includeSubmitted && ret.state === "SUBMITTED"))) continue;
    const value = (m: number) => ret.values.find((v: any) => v.measure.id === m)?.value ?? 0;
    for (const kpi of ret.contract.kpis) {
      const ind = indicators.find((i) => i.id === kpi.indicator.id)!;
      for (const scope of [String(ret.contract.portfolio.id), "office"]) {
        const k = `${scope}:${ind.id}`;
        const cell = out.get(k) ?? { numerator: 0, denominator: 0, returnsIn: 0 };
        cell.numerator += ind.numeratorMeasures.reduce((s, m) => s + value(m.id), 0);
        cell.denominator += ind.denominatorMeasures.reduce((s, m) => s + value(m.id), 0);
        cell.returnsIn += 1;
        out.set(k, cell);
      }
    }
  }
  return out;
}

/** Every cell the API shows for the quarter agrees with what the returns' values imply. */
async function figuresAgree(periodId: number): Promise<string[]> {
  const problems: string[] = [];
  for (const includeSubmitted of [false, true]) {
    const expected = await expectedCells(periodId, includeSubmitted);
    const cards = (await ok(OFFICER, SCORECARDS, { o: office, p: [periodId], s: includeSubmitted })).scorecards as { portfolioId: number | null; rows: { indicatorId: number; cells: any[] }[] }[];
    const seen = new Set<string>();
    for (const card of cards)
      for (const row of card.rows)
        for (const cell of row.cells) {
          if (cell.periodId !== periodId) continue;
          const k = `${card.portfolioId ?? "office"}:${row.indicatorId}`;
          seen.add(k);
          const want = expected.get(k);
          const got = { numerator: cell.numerator ?? 0, denominator: cell.denominator ?? 0, returnsIn: cell.returnsIn };
          const w = want ?? { numerator: 0, denominator: 0, returnsIn: 0 };
          if (got.returnsIn !== w.returnsIn || Math.abs(got.numerator - w.numerator) > 1e-9 || Math.abs(got.denominator - w.denominator) > 1e-9) problems.push(`${includeSubmitted ? "with submitted" : "accepted"} ${k}: shown ${JSON.stringify(got)} expected ${JSON.stringify(w)}`);
        }
    for (const k of expected.keys()) if (!seen.has(k)) problems.push(`${includeSubmitted ? "with submitted" : "accepted"} ${k}: no cell shown, expected ${JSON.stringify(expected.get(k))}`);
  }
  return problems;
}

beforeAll(async () => {
  server = await startTestServer();
  office = (await ok(OFFICER, "{ me { office { id } } }")).me.office.id;
  client = wsClient(server.url, await server.tokenFor(OFFICER));
  returnFeed = feed(client, "subscription($o: Int!) { returnChanged(officeId: $o) { seq change returnId state periodId performanceReturn { version state } } }", { o: office });
  boardFeed = feed(client, "subscription($o: Int!) { officeScorecardChanged(officeId: $o) { seq reason portfolioId periodIds } }", { o: office });
  contractFeed = feed(client, "subscription($o: Int!) { contractChanged(officeId: $o) { seq } }", { o: office });
  await sleep(400);
  for (const q of new Set(SLOTS.map((x) => x.quarter))) periodOf.set(q, (await ok(OFFICER, "mutation($q: String!) { openReportingPeriod(quarter: $q, dueDate: \"2099-01-31\") { id } }", { q })).openReportingPeriod.id);
}, 120_000);

afterAll(async () => {
  await client?.dispose();
  await server?.close();
});

describe("red15: a refused review write changes nothing, now or later", () => {
  it("accept with a stale version (one behind, one ahead) is CONFLICT and changes nothing", async () => {
    const r = await fresh();
    await refusedAndUnchanged(r, OFFICER, ACCEPT, { id: r.id, v: r.version - 1 }, "CONFLICT");
    await refusedAndUnchanged(r, OFFICER, ACCEPT, { id: r.id, v: r.version + 1 }, "CONFLICT");
    await refusedAndUnchanged(r, OFFICER, ACCEPT, { id: r.id, v: 0 }, ["CONFLICT", "BAD_USER_INPUT"]);
  }, 60_000);

  it("send back with a stale version is CONFLICT and changes nothing (even with valid measure comments)", async () => {
    const r = await fresh();
    await refusedAndUnchanged(r, OFFICER, SEND_BACK, { id: r.id, v: r.version - 1, r: "red15 stale", mc: [{ measureId: 1, comment: "too low" }] }, "CONFLICT");
  }, 60_000);

  it("send back with a bad measure comment id (unknown, not in the form, another office's, negative, int max, after a good one) changes nothing", async () => {
    const r = await fresh();
    const dorsetMeasure = (await ok(DORSET, "{ measures { id } }")).measures[0].id as number;
    const bad: { measureId: number; comment: string }[][] = [
      [{ measureId: 999_999, comment: "no such measure" }],
      [{ measureId: 1, comment: "fine" }, { measureId: 999_999, comment: "no such measure, second" }],
      [{ measureId: 1, comment: "fine" }, { measureId: 9, comment: "custody measure, not in this form" }],
      [{ measureId: 1, comment: "fine" }, { measureId: dorsetMeasure, comment: "another office's measure" }],
      [{ measureId: -1, comment: "negative" }],
      [{ measureId: 2147483647, comment: "int max" }],
    ];
    for (const mc of bad) await refusedAndUnchanged(r, OFFICER, SEND_BACK, { id: r.id, v: r.version, r: "red15 bad comment", mc }, ["BAD_USER_INPUT", "NOT_FOUND"]);
  }, 60_000);

  it("send back with an empty comment or an empty or blank reason is refused whole, or written whole", async () => {
    const inputs: { r: string; mc: { measureId: number; comment: string }[] }[] = [
      { r: "", mc: [] },
      { r: "   ", mc: [{ measureId: 1, comment: "x" }] },
      { r: "red15 empty comment", mc: [{ measureId: 1, comment: "" }] },
    ];
    for (const input of inputs) {
      const r = await fresh();
      const before = await observe(r);
      const answer = (await server.http(OFFICER, SEND_BACK, { id: r.id, v: r.version, ...input })) as Answer;
      await sleep(800);
      const after = await observe(r);
      if (answer.errors?.length) {
        expect(["BAD_USER_INPUT"], JSON.stringify(answer.errors)).toContain(codeOf(answer));
        expect(after, `refused ${JSON.stringify(input)} but something changed`).toEqual(before);
      } else {
        // Accepted: then it must be written whole, with every comment it took.
        expect(after.detail.state).toBe("RETURNED");
        expect(after.detail.version).toBe(r.version + 1);
        const last = after.detail.revisions.at(-1);
        expect(last.outcome).toBe("RETURNED");
        expect(last.reviewReason).toBe(after.detail.reviewReason);
        expect(after.audit.length).toBe(before.audit.length + 1);
        expect(after.mails.length).toBeGreaterThan(before.mails.length);
        if (r.provider) expect(after.notifications.length).toBe(before.notifications.length + 1);
        console.log(`red15: send back ${JSON.stringify(input)} was accepted: comments stored ${JSON.stringify(last.measureComments)}`);
        // What was stored on the revision is what the audit entry and the provider's mail say, no more and no less.
        const audit = (await ok(OFFICER, "query($id: Int!) { auditEvents(entityType: \"Return\", entityId: $id, first: 1) { items { action after } } }", { id: r.id })).auditEvents.items[0];
        expect(audit.action).toBe("return.returned");
        expect(audit.after.measureComments, "audit entry vs the revision's measure comments").toEqual(last.measureComments);
        const link = `/provider/returns/${r.contractId}/${r.periodId}\n`;
        const mail = ((await ok(ADMIN, "{ outbox(first: 100) { kind body } }")).outbox as { kind: string; body: string }[]).find((m) => m.kind === "SENT_BACK" && m.body.includes(link))!;
        for (const c of input.mc) {
          const stored = last.measureComments.some((x: { comment: string }) => x.comment === c.comment);
          if (c.comment.trim()) expect(mail.body.includes(`: ${c.comment}\n`), `mail mentions "${c.comment}" iff it was stored (stored: ${stored}); mail: ${mail.body}`).toBe(stored);
        }
      }
    }
  }, 60_000);

  // Found by this file: the revision kept the second comment only, while the audit entry and the mail carried both.
  it("send back with two comments on the same measure is refused with BAD_USER_INPUT naming the measure, and changes nothing", async () => {
    const r = await fresh();
    const mc = [{ measureId: 1, comment: "red15 first remark" }, { measureId: 1, comment: "red15 second remark" }];
    const answer = await refusedAndUnchanged(r, OFFICER, SEND_BACK, { id: r.id, v: r.version, r: "red15 duplicate", mc }, "BAD_USER_INPUT");
    expect((answer.errors![0] as { extensions?: { problems?: { field: string; rule: string }[] } }).extensions?.problems).toEqual([expect.objectContaining({ field: "measureComments.1", rule: "oneComment" })]);
  }, 60_000);

  it("accept, send back and reopen in the wrong state (with the right version) are refused and change nothing", async () => {
    const draft = await fresh({ submit: false });
    await refusedAndUnchanged(draft, OFFICER, ACCEPT, { id: draft.id, v: draft.version }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
    await refusedAndUnchanged(draft, OFFICER, SEND_BACK, { id: draft.id, v: draft.version, r: "red15 draft", mc: [{ measureId: 1, comment: "x" }] }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
    await refusedAndUnchanged(draft, OFFICER, REOPEN, { id: draft.id, v: draft.version, r: "red15 draft" }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);

    const submitted = await fresh();
    await refusedAndUnchanged(submitted, OFFICER, REOPEN, { id: submitted.id, v: submitted.version, r: "red15 not accepted" }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);

    const accepted = await accept(await fresh());
    await eventsFor(accepted, 3, 1);
    await refusedAndUnchanged(accepted, OFFICER, ACCEPT, { id: accepted.id, v: accepted.version }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
    await refusedAndUnchanged(accepted, OFFICER, SEND_BACK, { id: accepted.id, v: accepted.version, r: "red15 accepted", mc: [{ measureId: 1, comment: "x" }] }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
    await refusedAndUnchanged(accepted, OFFICER, REOPEN, { id: accepted.id, v: accepted.version, r: "" }, "BAD_USER_INPUT");
    await refusedAndUnchanged(accepted, OFFICER, REOPEN, { id: accepted.id, v: accepted.version - 1, r: "red15 stale reopen" }, "CONFLICT");

    const returned = (await ok(OFFICER, SEND_BACK, { id: submitted.id, v: submitted.version, r: "red15 to returned", mc: [] })).sendBackReturn;
    const ret = { ...submitted, version: returned.version };
    await eventsFor(ret, 3);
    await refusedAndUnchanged(ret, OFFICER, ACCEPT, { id: ret.id, v: ret.version }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
    await refusedAndUnchanged(ret, OFFICER, SEND_BACK, { id: ret.id, v: ret.version, r: "again", mc: [] }, ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN"]);
  }, 60_000);

  it("review writes by someone who may not make them (analyst, provider, another office) change nothing", async () => {
    const r = await fresh();
    await refusedAndUnchanged(r, ANALYST, ACCEPT, { id: r.id, v: r.version }, ["FORBIDDEN", "NOT_FOUND"]);
    await refusedAndUnchanged(r, PROVIDER_B, ACCEPT, { id: r.id, v: r.version }, ["FORBIDDEN", "NOT_FOUND"]);
    await refusedAndUnchanged(r, DORSET, ACCEPT, { id: r.id, v: r.version }, ["FORBIDDEN", "NOT_FOUND"]);
    await refusedAndUnchanged(r, DORSET, SEND_BACK, { id: r.id, v: r.version, r: "not mine", mc: [{ measureId: 1, comment: "x" }] }, ["FORBIDDEN", "NOT_FOUND"]);
  }, 60_000);

  it("submit with a stale version, invalid values, an unknown acknowledgement or a bad key changes nothing", async () => {
    const r = await fresh({ submit: false, providerUser: true });
    await refusedAndUnchanged(r, r.submitter, SUBMIT, { i: { returnId: r.id, version: r.version + 1, idempotencyKey: key() } }, "CONFLICT");
    await refusedAndUnchanged(r, r.submitter, SUBMIT, { i: { returnId: r.id, version: r.version, idempotencyKey: "short" } }, "BAD_USER_INPUT");
    // Numerator above its denominator (cases closed improved > cases closed): the draft may hold it, a submission may not.
    const bad = (await ok(r.submitter, SAVE, { i: { contractId: r.contractId, periodId: r.periodId, version: r.version, values: [{ measureId: 5, value: 999 }] } })).saveReturnDraft;
    const invalid = { ...r, version: bad.version };
    await sleep(300);
    await refusedAndUnchanged(invalid, r.submitter, SUBMIT, { i: { returnId: r.id, version: invalid.version, idempotencyKey: key() } }, "BAD_USER_INPUT");
    const blank = (await ok(r.submitter, SAVE, { i: { contractId: r.contractId, periodId: r.periodId, version: invalid.version, values: [{ measureId: 5, value: 10 }, { measureId: 4, value: null }] } })).saveReturnDraft;
    const missing = { ...r, version: blank.version };
    await sleep(300);
    await refusedAndUnchanged(missing, r.submitter, SUBMIT, { i: { returnId: r.id, version: missing.version, idempotencyKey: key(), acknowledgements: [{ measureId: 999_999, comment: "x" }] } }, "BAD_USER_INPUT");
    await refusedAndUnchanged(missing, r.submitter, SUBMIT, { i: { returnId: r.id, version: missing.version, idempotencyKey: key() } }, "BAD_USER_INPUT");
    // The office's staff may not submit for a provider either (or, if they may, nothing here says otherwise).
  }, 60_000);

  it("a refused submit's idempotency key is not spent: the same key then submits once", async () => {
    const r = await fresh({ values: { 1: 100, 4: 50, 5: 999 } as Record<number, number>, submit: false, providerUser: true });
    const k = key();
    await refusedAndUnchanged(r, r.submitter, SUBMIT, { i: { returnId: r.id, version: r.version, idempotencyKey: k } }, "BAD_USER_INPUT");
    const fixed = (await ok(r.submitter, SAVE, { i: { contractId: r.contractId, periodId: r.periodId, version: r.version, values: [{ measureId: 5, value: 20 }] } })).saveReturnDraft;
    const answer = (await server.http(r.submitter, SUBMIT, { i: { returnId: r.id, version: fixed.version, idempotencyKey: k } })) as Answer;
    // Either the key is usable again (submitted) or it answers with the first (failed) attempt's error; never a half state.
    await sleep(500);
    const after = await observe({ ...r, version: fixed.version });
    if (answer.errors?.length) expect(after.detail.state).toBe("DRAFT");
    else {
      expect(after.detail.state).toBe("SUBMITTED");
      expect(after.detail.revisionCount).toBe(1);
      expect(after.audit.filter((a: string) => a.endsWith(":return.submit")).length).toBe(1);
    }
  }, 60_000);
});

describe("red15: a successful review write changes everything together", () => {
  it("accept: state, version, revision outcome, one audit entry, one return event then one scorecard event, one mail, one notification, figures", async () => {
    const r = await fresh({ providerUser: true });
    await eventsFor(r, 2);
    const before = await observe(r);
    const a = await accept(r);
    await eventsFor(r, 3, before.board.length + 1);
    const after = await observe(a);
    expect(after.detail).toMatchObject({ state: "ACCEPTED", version: r.version + 1 });
    expect(after.detail.acceptedAt).not.toBeNull();
    expect(after.detail.revisions.at(-1)).toMatchObject({ outcome: "ACCEPTED" });
    expect(after.detail.revisions.at(-1).reviewedAt).not.toBeNull();
    expect(after.audit.slice(0, after.audit.length - before.audit.length).map((x: string) => x.split(":")[1])).toEqual(["return.accepted"]);
    const newEvents = after.events.slice(before.events.length);
    expect(newEvents.map((e) => e.split(":")[1])).toEqual(["ACCEPTED"]);
    const newBoard = after.board.slice(before.board.length);
    expect(newBoard.map((e) => e.split(":")[1])).toEqual(["RETURN_ACCEPTED"]);
    expect(Number(newBoard[0].split(":")[0]), "the scorecard event comes after the return event it follows from").toBeGreaterThan(Number(newEvents[0].split(":")[0]));
    const newMails = after.mails.filter((m) => !before.mails.includes(m));
    expect(newMails.length).toBeGreaterThan(0);
    expect(newMails.every((m) => m.split(":")[1] === "ACCEPTED")).toBe(true);
    expect(new Set(newMails.map((m) => m.split(":")[2])).size, "one mail per recipient").toBe(newMails.length);
    expect(after.notifications.length - before.notifications.length).toBe(1);
    expect(await figuresAgree(r.periodId)).toEqual([]);
  }, 60_000);

  it("send back with reason and measure comments: everything written, the comments exactly as given", async () => {
    const r = await fresh({ providerUser: true });
    await eventsFor(r, 2);
    const before = await observe(r);
    const mc = [{ measureId: 1, comment: "red15: referrals look low" }, { measureId: 5, comment: "red15: improved? ✓ ünïcødé 'quotes' \"double\"" }];
    const sb = (await ok(OFFICER, SEND_BACK, { id: r.id, v: r.version, r: "red15: please check", mc })).sendBackReturn;
    await eventsFor(r, 3);
    const after = await observe({ ...r, version: sb.version });
    expect(after.detail).toMatchObject({ state: "RETURNED", version: r.version + 1, reviewReason: "red15: please check" });
    expect(after.detail.revisions.at(-1)).toMatchObject({ outcome: "RETURNED", reviewReason: "red15: please check" });
    expect([...after.detail.revisions.at(-1).measureComments].sort((x: any, y: any) => x.measureId - y.measureId)).toEqual(mc);
    expect(after.audit.slice(0, after.audit.length - before.audit.length).map((x: string) => x.split(":")[1])).toEqual(["return.returned"]);
    expect(after.events.slice(before.events.length).map((e) => e.split(":")[1])).toEqual(["RETURNED"]);
    const newMails = after.mails.filter((m) => !before.mails.includes(m));
    expect(newMails.length).toBeGreaterThan(0);
    expect(newMails.every((m) => m.split(":")[1] === "SENT_BACK")).toBe(true);
    expect(after.notifications.length - before.notifications.length).toBe(1);
    expect(await figuresAgree(r.periodId)).toEqual([]);
  }, 60_000);

  it("reopen of an accepted return: state, reason, audit, one return event then one scorecard event, figures out again", async () => {
    const a = await accept(await fresh());
    await eventsFor(a, 3);
    await sleep(300);
    const before = await observe(a);
    const ro = (await ok(OFFICER, REOPEN, { id: a.id, v: a.version, r: "red15: figures wrong" })).reopenReturn;
    await eventsFor(a, 4, before.board.length + 1);
    const after = await observe({ ...a, version: ro.version });
    expect(after.detail.version).toBe(a.version + 1);
    expect(after.detail.state).not.toBe("ACCEPTED");
    expect(after.detail.reviewReason ?? after.detail.correctionReason).toBe("red15: figures wrong");
    expect(after.audit.slice(0, after.audit.length - before.audit.length).map((x: string) => x.split(":")[1])).toEqual(["return.reopened"]);
    const newEvents = after.events.slice(before.events.length);
    expect(newEvents.map((e) => e.split(":")[1])).toEqual(["REOPENED"]);
    const newBoard = after.board.slice(before.board.length);
    expect(newBoard.map((e) => e.split(":")[1])).toEqual(["RETURN_REOPENED"]);
    expect(Number(newBoard[0].split(":")[0])).toBeGreaterThan(Number(newEvents[0].split(":")[0]));
    expect(await figuresAgree(a.periodId)).toEqual([]);
  }, 60_000);
});

describe("red15: figures and the live sequence after accept/reopen sequences", () => {
  it("accept, reopen, resubmit with other values, accept again, several times: the figures follow the accepted values, and a since-replay equals the live feed", async () => {
    // Watch from the current position, through a second socket, and replay with since afterwards.
    const startSeq = Math.max(0, ...[...returnFeed.items, ...boardFeed.items, ...contractFeed.items].map((i: any) => (i.data?.returnChanged ?? i.data?.officeScorecardChanged ?? i.data?.contractChanged)?.seq ?? 0));
    const r1 = await fresh();
    const r2 = await fresh();
    let cur = [r1, r2];
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < cur.length; k++) {
        const r = cur[k];
        const a = await accept(r);
        expect(await figuresAgree(r.periodId), `after accept round ${round}`).toEqual([]);
        const ro = (await ok(OFFICER, REOPEN, { id: a.id, v: a.version, r: `red15 round ${round}` })).reopenReturn;
        expect(await figuresAgree(r.periodId), `after reopen round ${round}`).toEqual([]);
        const v = 40 + round * 7 + k;
        const values = Object.entries(r.values).map(([m, x]) => ({ measureId: Number(m), value: Number(m) === Number(Object.keys(r.values)[0]) ? x + v : x }));
        const saved = (await ok(r.submitter, SAVE, { i: { contractId: r.contractId, periodId: r.periodId, version: ro.version, values } })).saveReturnDraft;
        const check = (await ok(r.submitter, "query($id: Int!) { validateReturn(id: $id) { outliers { measureId } } }", { id: r.id })).validateReturn;
        const sub = (await ok(r.submitter, SUBMIT, { i: { returnId: r.id, version: saved.version, idempotencyKey: key(), acknowledgements: check.outliers.map((o: { measureId: number }) => ({ measureId: o.measureId, comment: "ok" })) } })).submitReturn;
        cur[k] = { ...r, version: sub.version };
        expect(await figuresAgree(r.periodId), `after resubmit round ${round}`).toEqual([]);
      }
    }
    for (const r of cur) await accept(r);
    await sleep(1000);
    expect(await figuresAgree(r1.periodId)).toEqual([]);
    if (r2.periodId !== r1.periodId) expect(await figuresAgree(r2.periodId)).toEqual([]);

    const live = (f: Feed, field: string) => f.items.map((i: any) => i.data?.[field]?.seq).filter((s: number | undefined) => s !== undefined && s > startSeq) as number[];
    const liveReturns = live(returnFeed, "returnChanged");
    const liveBoard = live(boardFeed, "officeScorecardChanged");
    for (const seqs of [liveReturns, liveBoard]) {
      expect(seqs, "each event once, in sequence order").toEqual([...new Set(seqs)].sort((x, y) => x - y));
    }
    // Only review writes happened since startSeq: the office's return and scorecard events together have no gap.
    const union = [...liveReturns, ...liveBoard, ...live(contractFeed, "contractChanged")].sort((x, y) => x - y);
    const gaps = union.filter((s, i) => i > 0 && s !== union[i - 1] + 1).map((s, i) => `${union[union.indexOf(s) - 1]}→${s}`);
    expect(gaps, `gaps in the office's sequence ${union.join(",")}`).toEqual([]);
    // Every accept and every reopen made exactly one scorecard event, each after its return event.
    const pairs = returnFeed.items.filter((i: any) => i.data?.returnChanged?.seq > startSeq && ["ACCEPTED", "REOPENED"].includes(i.data.returnChanged.change));
    const boardItems = boardFeed.items.filter((i: any) => i.data?.officeScorecardChanged?.seq > startSeq && i.data.officeScorecardChanged.reason !== "CELLS_CHANGED");
    const story = [...returnFeed.items, ...boardFeed.items]
      .map((i: any) => i.data?.returnChanged ?? i.data?.officeScorecardChanged)
      .filter((x: any) => x && x.seq > startSeq)
      .sort((x: any, y: any) => x.seq - y.seq)
      .map((x: any) => `${x.seq}:${x.change ?? x.reason}:${x.returnId ?? "p" + x.portfolioId + "/" + x.periodIds}`);
    // A submit moves the provisional cells (CELLS_CHANGED); each accept and reopen moves the accepted ones once.
    expect(boardItems.length, `one scorecard event per accept or reopen: ${story.join(" ")}`).toBe(pairs.length);
    for (const p of pairs as any[]) {
      const next = boardItems.find((b: any) => b.data.officeScorecardChanged.seq === p.data.returnChanged.seq + 1) as any;
      expect(next, `no scorecard event right after return event ${p.data.returnChanged.seq} ${p.data.returnChanged.change}`).toBeDefined();
      expect(next.data.officeScorecardChanged.reason).toBe(p.data.returnChanged.change === "ACCEPTED" ? "RETURN_ACCEPTED" : "RETURN_REOPENED");
    }

    // A subscriber resuming with since gets the same events, each once, in order.
    const second = wsClient(server.url, await server.tokenFor(OFFICER));
    try {
      const replayR = feed(second, "subscription($o: Int!, $s: Int) { returnChanged(officeId: $o, since: $s) { seq change returnId } }", { o: office, s: startSeq });
      const replayB = feed(second, "subscription($o: Int!, $s: Int) { officeScorecardChanged(officeId: $o, since: $s) { seq reason } }", { o: office, s: startSeq });
      await replayR.until((items) => items.length >= liveReturns.length, 10_000).catch(() => undefined);
      await replayB.until((items) => items.length >= liveBoard.length, 10_000).catch(() => undefined);
      await sleep(500);
      expect(replayR.items.map((i: any) => i.data?.returnChanged?.seq)).toEqual(liveReturns);
      expect(replayB.items.map((i: any) => i.data?.officeScorecardChanged?.seq)).toEqual(liveBoard);
      // Resuming from the middle: exactly the tail.
      const mid = liveReturns[Math.floor(liveReturns.length / 2)];
      const tail = feed(second, "subscription($o: Int!, $s: Int) { returnChanged(officeId: $o, since: $s) { seq } }", { o: office, s: mid });
      await tail.until((items) => items.length >= liveReturns.filter((s) => s > mid).length, 10_000).catch(() => undefined);
      await sleep(300);
      expect(tail.items.map((i: any) => i.data?.returnChanged?.seq)).toEqual(liveReturns.filter((s) => s > mid));
    } finally {
      await second.dispose();
    }
  }, 60_000);
});
