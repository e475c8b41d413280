import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { FundingStream, FundingStreamYear } from "../../server/modules/funding/funding.entities.js";
import { Measure } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { DomainEvent, IdempotencyRecord } from "../../server/realtime/domain-event.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

/*
 * The quarterly returns workflow as providers and officers use it: in-process against the real schema and a real
 * temporary SQLite database with the demo seed. Every refused write is checked to have changed nothing.
 */

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const PROVIDER_A = "provider-a@demo.example"; // Victim Support: Wiltshire WSW-VV-03 and a Dorset contract
const PROVIDER_B = "provider-b@demo.example"; // Harbour: Wiltshire WSW-VV-04, -08, -09

const RETURN = "id state version revisionCount late reviewReason submittedAt acceptedAt acceptedBy { email } values { measure { code } value comment }";
const SAVE = `mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { ${RETURN} } }`;
const SUBMIT = `mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { ${RETURN} } }`;
const ACCEPT = `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { ${RETURN} } }`;
const SEND_BACK = `mutation($id: Int!, $v: Int!, $reason: String!, $comments: [MeasureCommentInput!]! = []) { sendBackReturn(id: $id, version: $v, reason: $reason, measureComments: $comments) { ${RETURN} } }`;
const REOPEN = `mutation($id: Int!, $v: Int!, $reason: String!) { reopenReturn(id: $id, version: $v, reason: $reason) { ${RETURN} } }`;
const COMPLETENESS = "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due submitted onTime late missing accepted } }";
const OPEN_PERIOD = "mutation($q: String!, $due: String) { openReportingPeriod(quarter: $q, dueDate: $due) { id label state dueDate } }";

let server: TestServer;
const ids = {
  wiltshire: 0,
  harbour: 0,
  vv03: 0, // Victim Support (provider A)
  vv08: 0, // Harbour (provider B): REFERRALS, CASES_CLOSED, CASES_CLOSED_IMPROVED
  vv09: 0, // Harbour (provider B): REFERRALS, REFERRALS_CONTACTED_2D, CASES_CLOSED, CASES_CLOSED_IMPROVED
  q3: 0, // 2023-24 Q3: CLOSED, every return accepted
  previous: 0, // 2023-24 Q4: CLOSED, every return accepted
  open: 0, // 2024-25 Q1: the demo's open quarter, due after today
  q2Future: 0, // 2024-25 Q2, opened by the tests with a due date still to come
};
let openDueDate = "";
const measure: Record<string, number> = {};
let keySeq = 0;
const newKey = () => `test-key-${Date.now()}-${++keySeq}`;

const m = () => server.services.db.manager;

beforeAll(async () => {
  server = await startTestServer();
  ids.wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  ids.harbour = (await m().findOneByOrFail(Provider, { name: "Harbour Domestic Abuse Services" })).id;
  const contract = async (reference: string) => (await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference })).id;
  ids.vv03 = await contract("WSW-VV-03");
  ids.vv08 = await contract("WSW-VV-08");
  ids.vv09 = await contract("WSW-VV-09");
  ids.q3 = (await m().findOneByOrFail(ReportingPeriod, { officeId: ids.wiltshire, year: "2023-24", quarter: 3 })).id;
  ids.previous = (await m().findOneByOrFail(ReportingPeriod, { officeId: ids.wiltshire, year: "2023-24", quarter: 4 })).id;
  const open = await m().findOneByOrFail(ReportingPeriod, { officeId: ids.wiltshire, year: "2024-25", quarter: 1 });
  ids.open = open.id;
  openDueDate = open.dueDate;
  for (const row of await m().findBy(Measure, { officeId: ids.wiltshire })) measure[row.code] = row.id;
  const opened = await ok<any>(OFFICER, OPEN_PERIOD, { q: "2024-25 Q2", due: "2099-01-31" });
  ids.q2Future = opened.openReportingPeriod.id;
});
afterAll(async () => server?.close());

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** Runs an operation that must fail, and gives its single error. */
async function refused(as: string, query: string, variables: Record<string, unknown> = {}): Promise<{ code: unknown; problems: { field: string; rule: string }[] | undefined; extensions: any }> {
  const result = await server.run(as, query, variables);
  expect(result.data ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  const extensions = (result.errors![0] as { extensions?: any }).extensions ?? {};
  return { code: codes(result)[0], problems: extensions.problems?.map((p: { field: string; rule: string }) => ({ field: p.field, rule: p.rule })), extensions };
}

/** Everything a refused write must leave as it was: the return, its values, its revisions, its audit trail, the events and idempotency records. */
async function snapshot(returnId: number) {
  const ret = await m().findOneByOrFail(PerformanceReturn, { id: returnId });
  const values = await m().find(ReturnValue, { where: { returnId }, order: { measureId: "ASC" } });
  const revisions = await m().find(ReturnRevision, { where: { returnId }, order: { number: "ASC" } });
  return {
    state: ret.state,
    version: ret.version,
    revisionCount: ret.revisionCount,
    late: ret.late,
    reviewReason: ret.reviewReason,
    acceptedById: ret.acceptedById,
    values: values.map(({ measureId, value, comment }) => ({ measureId, value, comment })),
    revisions: revisions.map(({ number, outcome, reviewReason, measureComments, values }) => ({ number, outcome, reviewReason, measureComments, values })),
    audits: await m().countBy(AuditEvent, { entityType: "Return", entityId: returnId }),
    events: await m().count(DomainEvent),
    idempotencyRecords: await m().count(IdempotencyRecord),
  };
}

const values = (v: Record<string, number | null>) => Object.entries(v).map(([code, value]) => ({ measureId: measure[code], value }));
const valueOf = (ret: { values: { measure: { code: string }; value: number | null }[] }, code: string) => ret.values.find((v) => v.measure.code === code)?.value;

async function returnFor(contractId: number, periodId: number): Promise<PerformanceReturn | null> {
  return m().findOneBy(PerformanceReturn, { contractId, periodId });
}

describe("a provider's return from draft to accepted, with a send-back, a correction and a reopen", () => {
  let returnId = 0;

  it("lets provider B save a draft for its own contract in an open period, and see it", async () => {
    expect(await returnFor(ids.vv08, ids.q2Future)).toBeNull();
    const saved = (
      await ok(PROVIDER_B, SAVE, {
        input: { contractId: ids.vv08, periodId: ids.q2Future, values: values({ REFERRALS: 300, CASES_CLOSED: 180, CASES_CLOSED_IMPROVED: 140 }), achievements: "Waiting list cleared." },
      })
    ).saveReturnDraft;
    expect(saved).toMatchObject({ state: "DRAFT", revisionCount: 0, late: false, submittedAt: null });
    returnId = saved.id;

    const seen = await ok(PROVIDER_B, `query($c: Int!, $p: Int!, $id: Int!) { returns(contractId: $c, periodId: $p) { totalCount items { id state } } performanceReturn(id: $id) { ${RETURN} achievements requiredMeasures { code } } }`, {
      c: ids.vv08,
      p: ids.q2Future,
      id: returnId,
    });
    expect(seen.returns).toEqual({ totalCount: 1, items: [{ id: returnId, state: "DRAFT" }] });
    expect(seen.performanceReturn.achievements).toBe("Waiting list cleared.");
    expect(seen.performanceReturn.requiredMeasures.map((x: { code: string }) => x.code).sort()).toEqual(["CASES_CLOSED", "CASES_CLOSED_IMPROVED", "REFERRALS"]);
    expect(Object.fromEntries(seen.performanceReturn.values.map((v: any) => [v.measure.code, v.value]))).toEqual({ REFERRALS: 300, CASES_CLOSED: 180, CASES_CLOSED_IMPROVED: 140 });
  });

  it("submits with an idempotency key, and a retry with the same key returns the same return and does nothing", async () => {
    const draft = await snapshot(returnId);
    const key = newKey();
    const first = (await ok(PROVIDER_B, SUBMIT, { input: { returnId, version: draft.version, idempotencyKey: key } })).submitReturn;
    expect(first).toMatchObject({ id: returnId, state: "SUBMITTED", revisionCount: 1, late: false, version: draft.version + 1 });
    const afterFirst = await snapshot(returnId);
    expect(afterFirst.revisions).toHaveLength(1);
    expect(afterFirst.audits).toBe(draft.audits + 1);
    // RETURN_CHANGED, and the scorecard event for the portfolio whose provisional (submitted) cells it moved.
    expect(afterFirst.events).toBe(draft.events + 2);

    // The client never saw the answer and sends exactly the same request again.
    const retry = (await ok(PROVIDER_B, SUBMIT, { input: { returnId, version: draft.version, idempotencyKey: key } })).submitReturn;
    expect(retry).toEqual(first);
    expect(await snapshot(returnId)).toEqual(afterFirst);

    // The same key for another request is a client bug, not a retry.
    const other = await returnFor(ids.vv09, ids.open);
    const misuse = await refused(PROVIDER_B, SUBMIT, { input: { returnId: other!.id, version: other!.version, idempotencyKey: key } });
    expect(misuse.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(afterFirst);
  });

  it("lets the officer send it back with a reason and a comment on one measure, which the provider then sees", async () => {
    const before = await snapshot(returnId);
    const sentBack = (
      await ok(OFFICER, SEND_BACK, { id: returnId, v: before.version, reason: "Cases closed looks low against referrals.", comments: [{ measureId: measure.CASES_CLOSED, comment: "Include cases closed by the outreach team?" }] })
    ).sendBackReturn;
    expect(sentBack).toMatchObject({ state: "RETURNED", reviewReason: "Cases closed looks low against referrals.", revisionCount: 1, version: before.version + 1 });

    const seen = await ok(PROVIDER_B, "query($id: Int!) { performanceReturn(id: $id) { state reviewReason revisions { number outcome reviewReason reviewedBy { name role email } measureComments { measureId comment } } } }", { id: returnId });
    expect(seen.performanceReturn).toEqual({
      state: "RETURNED",
      reviewReason: "Cases closed looks low against referrals.",
      revisions: [
        {
          number: 1,
          outcome: "RETURNED",
          reviewReason: "Cases closed looks low against referrals.",
          // Providers see who reviewed it by name and role, never the officer's e-mail address.
          reviewedBy: { name: "Demo Commissioning Officer", role: "OFFICER", email: null },
          measureComments: [{ measureId: measure.CASES_CLOSED, comment: "Include cases closed by the outreach team?" }],
        },
      ],
    });
  });

  it("takes the corrected value as revision 2, and returnDiff lists exactly that change", async () => {
    const returned = await snapshot(returnId);
    const fixed = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv08, periodId: ids.q2Future, version: returned.version, values: values({ CASES_CLOSED: 190 }) } })).saveReturnDraft;
    expect(fixed).toMatchObject({ state: "RETURNED", revisionCount: 1 });
    expect(valueOf(fixed, "CASES_CLOSED")).toBe(190);
    expect(valueOf(fixed, "REFERRALS")).toBe(300); // measures left out keep their value

    const resubmitted = (await ok(PROVIDER_B, SUBMIT, { input: { returnId, version: fixed.version, idempotencyKey: newKey() } })).submitReturn;
    expect(resubmitted).toMatchObject({ state: "SUBMITTED", revisionCount: 2, reviewReason: null, late: false });

    const diff = await ok(PROVIDER_B, "query($id: Int!) { returnDiff(returnId: $id, from: 1, to: 2) { field measureId before after } }", { id: returnId });
    expect(diff.returnDiff).toEqual([{ field: "values.CASES_CLOSED", measureId: measure.CASES_CLOSED, before: "180", after: "190" }]);
    const revisions = await m().find(ReturnRevision, { where: { returnId }, order: { number: "ASC" } });
    expect(revisions.map((r) => r.number)).toEqual([1, 2]);
    expect(revisions[0].values.find((v) => v.measureId === measure.CASES_CLOSED)!.value).toBe(180); // revision 1 is kept as it was sent
  });

  it("is accepted by the officer, who is recorded as accepting it", async () => {
    const before = await snapshot(returnId);
    const accepted = (await ok(OFFICER, ACCEPT, { id: returnId, v: before.version })).acceptReturn;
    expect(accepted).toMatchObject({ state: "ACCEPTED", acceptedBy: { email: OFFICER }, version: before.version + 1 });
    expect(accepted.acceptedAt).toBeTruthy();
    const revisions = await m().find(ReturnRevision, { where: { returnId }, order: { number: "ASC" } });
    expect(revisions.map((r) => r.outcome)).toEqual(["RETURNED", "ACCEPTED"]);
  });

  it("refuses to reopen without a reason, then reopens with one", async () => {
    const before = await snapshot(returnId);
    // Zero-width characters and joiners (\p{Cf}) are no more a reason than spaces are.
    for (const reason of ["", "  ", "\u200b\u200c\u200d", "x\u2060\ufeff\u200b"]) {
      const error = await refused(OFFICER, REOPEN, { id: returnId, v: before.version, reason });
      expect(error.code).toBe("BAD_USER_INPUT");
      expect(error.problems).toEqual([{ field: "reason", rule: "required" }]);
      expect(await snapshot(returnId)).toEqual(before);
    }
    const reopened = (await ok(OFFICER, REOPEN, { id: returnId, v: before.version, reason: "Finance found a double count in Q2." })).reopenReturn;
    expect(reopened).toMatchObject({ state: "RETURNED", reviewReason: "Finance found a double count in Q2.", acceptedBy: null, revisionCount: 2 });
  });

  it("leaves an audit row with before and after for every change of state", async () => {
    const trail = await ok(OFFICER, "query($id: Int!) { auditEvents(entityType: \"Return\", entityId: $id, first: 100) { items { action before after user { email } } } }", { id: returnId });
    const events = [...trail.auditEvents.items].reverse() as { action: string; before: any; after: any; user: { email: string } }[];
    expect(events.map((e) => [e.action, e.user.email])).toEqual([
      ["return.create", PROVIDER_B],
      ["return.submit", PROVIDER_B],
      ["return.returned", OFFICER],
      ["return.save", PROVIDER_B],
      ["return.submit", PROVIDER_B],
      ["return.accepted", OFFICER],
      ["return.reopened", OFFICER],
    ]);
    expect(events[0].before).toBeNull();
    expect(events[0].after).toMatchObject({ id: returnId, state: "DRAFT" });
    const transitions = events.filter((e) => e.action !== "return.create" && e.action !== "return.save").map((e) => [e.action, e.before.state, e.after.state]);
    expect(transitions).toEqual([
      ["return.submit", "DRAFT", "SUBMITTED"],
      ["return.returned", "SUBMITTED", "RETURNED"],
      ["return.submit", "RETURNED", "SUBMITTED"],
      ["return.accepted", "SUBMITTED", "ACCEPTED"],
      ["return.reopened", "ACCEPTED", "RETURNED"],
    ]);
    for (const e of events.slice(1)) {
      expect(e.before.id).toBe(returnId);
      expect(e.after.id).toBe(returnId);
    }
    // The correction is audited with the value before and after.
    const save = events.find((e) => e.action === "return.save")!;
    expect(save.before.values.find((v: any) => v.measureId === measure.CASES_CLOSED).value).toBe(180);
    expect(save.after.values.find((v: any) => v.measureId === measure.CASES_CLOSED).value).toBe(190);
  });
});

describe("validation on submit", () => {
  const VALID = { REFERRALS: 400, REFERRALS_CONTACTED_2D: 350, CASES_CLOSED: 200, CASES_CLOSED_IMPROVED: 150 };
  let returnId = 0;

  beforeAll(async () => {
    const saved = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, values: values(VALID) } })).saveReturnDraft;
    returnId = saved.id;
  });

  const CASES: { name: string; values: Record<string, number | null>; problems: { field: string; rule: string }[] }[] = [
    { name: "a negative count", values: { CASES_CLOSED_IMPROVED: -1 }, problems: [{ field: "values.CASES_CLOSED_IMPROVED", rule: "notNegative" }] },
    { name: "a fractional count", values: { CASES_CLOSED: 200.5 }, problems: [{ field: "values.CASES_CLOSED", rule: "wholeNumber" }] },
    { name: "a numerator above its denominator", values: { CASES_CLOSED_IMPROVED: 201 }, problems: [{ field: "values.CASES_CLOSED_IMPROVED", rule: "numeratorAboveDenominator" }] },
    { name: "a missing required measure", values: { REFERRALS_CONTACTED_2D: null }, problems: [{ field: "values.REFERRALS_CONTACTED_2D", rule: "required" }] },
    {
      name: "all of them at once",
      values: { REFERRALS: -5, REFERRALS_CONTACTED_2D: null, CASES_CLOSED: 100.5, CASES_CLOSED_IMPROVED: 150 },
      problems: [
        { field: "values.REFERRALS", rule: "notNegative" },
        { field: "values.REFERRALS_CONTACTED_2D", rule: "required" },
        { field: "values.CASES_CLOSED", rule: "wholeNumber" },
        { field: "values.CASES_CLOSED_IMPROVED", rule: "numeratorAboveDenominator" },
      ],
    },
  ];

  for (const c of CASES) {
    it(`refuses ${c.name} with BAD_USER_INPUT naming each field and rule, and changes nothing`, async () => {
      const current = await m().findOneByOrFail(PerformanceReturn, { id: returnId });
      await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, version: current.version, values: values({ ...VALID, ...c.values }) } });
      const before = await snapshot(returnId);
      expect(before.state).toBe("DRAFT");
      const key = newKey();
      const error = await refused(PROVIDER_B, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: key } });
      expect(error.code).toBe("BAD_USER_INPUT");
      expect(new Set(error.problems!.map((p) => JSON.stringify(p)))).toEqual(new Set(c.problems.map((p) => JSON.stringify(p))));
      expect(error.problems).toHaveLength(c.problems.length);
      expect(await snapshot(returnId)).toEqual(before);
      // validateReturn tells the form the same thing before the provider presses submit.
      const check = await ok(PROVIDER_B, "query($id: Int!) { validateReturn(id: $id) { problems { field rule } outliers { code } } }", { id: returnId });
      expect(new Set(check.validateReturn.problems.map((p: object) => JSON.stringify(p)))).toEqual(new Set(c.problems.map((p) => JSON.stringify(p))));
    });
  }

  it("accepts the fixed return, and a key used by a refused attempt is still free", async () => {
    const current = await m().findOneByOrFail(PerformanceReturn, { id: returnId });
    const saved = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, version: current.version, values: values(VALID) } })).saveReturnDraft;
    const key = newKey();
    const failing = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, version: saved.version, values: values({ CASES_CLOSED: -3 }) } })).saveReturnDraft;
    expect((await refused(PROVIDER_B, SUBMIT, { input: { returnId, version: failing.version, idempotencyKey: key } })).code).toBe("BAD_USER_INPUT");
    const fixed = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, version: failing.version, values: values({ CASES_CLOSED: 200 }) } })).saveReturnDraft;
    const submitted = (await ok(PROVIDER_B, SUBMIT, { input: { returnId, version: fixed.version, idempotencyKey: key } })).submitReturn;
    expect(submitted).toMatchObject({ state: "SUBMITTED", revisionCount: 1 });
  });
});

describe("sharp changes against the previous accepted quarter", () => {
  let returnId = 0;
  let previous: Record<string, number> = {};
  let completenessBefore: any[] = [];

  beforeAll(async () => {
    // Provider B's 2024-25 Q1 return for WSW-VV-08 is a seeded draft; 2023-24 Q4's was accepted.
    const q3 = (await returnFor(ids.vv08, ids.previous))!;
    expect(q3.state).toBe(ReturnState.ACCEPTED);
    const q3Values = await m().findBy(ReturnValue, { returnId: q3.id });
    previous = Object.fromEntries(Object.entries(measure).filter(([, id]) => q3Values.some((v) => v.measureId === id)).map(([code, id]) => [code, q3Values.find((v) => v.measureId === id)!.value!]));
    expect(Object.keys(previous).sort()).toEqual(["CASES_CLOSED", "CASES_CLOSED_IMPROVED", "REFERRALS"]);
    const q4 = (await returnFor(ids.vv08, ids.open))!;
    expect(q4).toMatchObject({ state: ReturnState.DRAFT, revisionCount: 0 });
    returnId = q4.id;
    completenessBefore = (await ok(OFFICER, COMPLETENESS, { p: ids.open })).returnCompleteness;
    // The open quarter is due after today; these cases need it overdue, so they move its due date into the past
    // (through the write connection; the test has no API for it) and put it back afterwards.
    await server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = '2024-07-31' WHERE id = ?", [ids.open]);
  });
  afterAll(async () => {
    await server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = ? WHERE id = ?", [openDueDate, ids.open]);
  });

  it("refuses a value more than 50% away from last quarter's with rule \"outlier\", and changes nothing", async () => {
    const draft = await m().findOneByOrFail(PerformanceReturn, { id: returnId });
    // Referrals double; the other figures are last quarter's.
    await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv08, periodId: ids.open, version: draft.version, values: values({ ...previous, REFERRALS: previous.REFERRALS * 2 }) } });
    const before = await snapshot(returnId);
    const error = await refused(PROVIDER_B, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey() } });
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.problems).toEqual([{ field: "values.REFERRALS", rule: "outlier" }]);
    expect(await snapshot(returnId)).toEqual(before);

    // An explanation of another measure does not explain this one.
    const wrong = await refused(PROVIDER_B, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey(), acknowledgements: [{ measureId: measure.CASES_CLOSED, comment: "Nothing odd here." }] } });
    expect(wrong.problems).toEqual([{ field: "values.REFERRALS", rule: "outlier" }]);
    expect(await snapshot(returnId)).toEqual(before);

    const outliers = await ok(PROVIDER_B, "query($id: Int!) { validateReturn(id: $id) { problems { field } outliers { measureId code previous current change } } }", { id: returnId });
    expect(outliers.validateReturn).toEqual({ problems: [], outliers: [{ measureId: measure.REFERRALS, code: "REFERRALS", previous: previous.REFERRALS, current: previous.REFERRALS * 2, change: 1 }] });
  });

  it("goes through with an acknowledgement for that measure, and keeps the comment", async () => {
    const before = await snapshot(returnId);
    // An explanation has to say something.
    const terse = await refused(PROVIDER_B, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey(), acknowledgements: [{ measureId: measure.REFERRALS, comment: "ok" }] } });
    expect(terse.code).toBe("BAD_USER_INPUT");
    expect(await snapshot(returnId)).toEqual(before);

    const comment = "The force's new referral pathway went live in January.";
    const submitted = (await ok(PROVIDER_B, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey(), acknowledgements: [{ measureId: measure.REFERRALS, comment }] } })).submitReturn;
    expect(submitted).toMatchObject({ state: "SUBMITTED", revisionCount: 1 });
    expect(submitted.values.find((v: any) => v.measure.code === "REFERRALS")).toEqual({ measure: { code: "REFERRALS" }, value: previous.REFERRALS * 2, comment });
    const revision = await ok(OFFICER, "query($id: Int!) { performanceReturn(id: $id) { revisions { values { measureId value comment } } } }", { id: returnId });
    expect(revision.performanceReturn.revisions[0].values.find((v: any) => v.measureId === measure.REFERRALS)).toEqual({ measureId: measure.REFERRALS, value: previous.REFERRALS * 2, comment });
  });

  it("marks a first submission after the due date late, and the completeness counts it", async () => {
    const period = await m().findOneByOrFail(ReportingPeriod, { id: ids.open });
    expect(period.state).toBe(PeriodState.OPEN);
    expect(period.dueDate < new Date().toISOString().slice(0, 10)).toBe(true);
    const ret = await ok(OFFICER, "query($id: Int!) { performanceReturn(id: $id) { late contract { portfolio { id } } revisions { late } } }", { id: returnId });
    expect(ret.performanceReturn.late).toBe(true);
    expect(ret.performanceReturn.revisions).toEqual([{ late: true }]);

    const after = (await ok(OFFICER, COMPLETENESS, { p: ids.open })).returnCompleteness;
    const portfolioId = ret.performanceReturn.contract.portfolio.id;
    expect(after[0].portfolioId).toBeNull(); // the office total comes first
    const row = (rows: any[], pid: number | null) => rows.find((r) => r.portfolioId === pid);
    // Both the office total and the return's portfolio move by exactly this one late submission.
    for (const pid of [null, portfolioId]) {
      const b = row(completenessBefore, pid);
      const a = row(after, pid);
      expect({ due: a.due - b.due, submitted: a.submitted - b.submitted, late: a.late - b.late, onTime: a.onTime - b.onTime, missing: a.missing - b.missing }).toEqual({ due: 0, submitted: 1, late: 1, onTime: 0, missing: -1 });
    }
  });

  it("keeps a resubmission's lateness from the first submission (on-time first, corrected after the due date)", async () => {
    // vv09's 2024-25 Q2 return was first submitted before its due date; make the period overdue, send back and resubmit.
    const ret = (await returnFor(ids.vv09, ids.q2Future))!;
    expect(ret).toMatchObject({ state: ReturnState.SUBMITTED, late: false });
    const sentBack = (await ok(OFFICER, SEND_BACK, { id: ret.id, v: ret.version, reason: "Please recheck referrals." })).sendBackReturn;
    // Move the due date into the past (through the write connection; the test has no API for it).
    await server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = '2024-10-31' WHERE id = ?", [ids.q2Future]);
    const resubmitted = (await ok(PROVIDER_B, SUBMIT, { input: { returnId: ret.id, version: sentBack.version, idempotencyKey: newKey() } })).submitReturn;
    expect(resubmitted).toMatchObject({ state: "SUBMITTED", revisionCount: 2, late: false });
    const revisions = await m().find(ReturnRevision, { where: { returnId: ret.id }, order: { number: "ASC" } });
    expect(revisions.map((r) => r.late)).toEqual([false, true]);
    await server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = '2099-01-31' WHERE id = ?", [ids.q2Future]);
  });
});

describe("completeness", () => {
  it("gives office totals equal to the sum of the portfolios, with due = submitted + missing and submitted = onTime + late", async () => {
    const periods = await m().findBy(ReportingPeriod, { officeId: ids.wiltshire });
    expect(periods.length).toBeGreaterThanOrEqual(6);
    let sawLate = false;
    for (const period of periods) {
      const [total, ...portfolios] = (await ok(OFFICER, COMPLETENESS, { p: period.id })).returnCompleteness as any[];
      expect(total.portfolioId).toBeNull();
      expect(portfolios.length).toBeGreaterThan(0);
      for (const field of ["due", "submitted", "onTime", "late", "missing", "accepted"]) {
        expect(total[field], `${period.year} Q${period.quarter} ${field}`).toBe(portfolios.reduce((sum, p) => sum + p[field], 0));
      }
      for (const row of [total, ...portfolios]) {
        expect(row.due).toBe(row.submitted + row.missing);
        expect(row.submitted).toBe(row.onTime + row.late);
        expect(row.accepted).toBeLessThanOrEqual(row.submitted);
      }
      if (total.late > 0) sawLate = true;
    }
    expect(sawLate).toBe(true);
    // The closed quarters have every return in and accepted.
    const q3 = (await ok(OFFICER, COMPLETENESS, { p: ids.q3 })).returnCompleteness[0];
    expect(q3).toMatchObject({ missing: 0, accepted: q3.due });
  });

  it("is not shown to providers, nor to another office", async () => {
    expect((await refused(PROVIDER_B, COMPLETENESS, { p: ids.open })).code).toBe("FORBIDDEN");
    expect((await refused(DORSET_OFFICER, COMPLETENESS, { p: ids.open })).code).toBe("NOT_FOUND");
  });
});

describe("conflicts", () => {
  it("refuses a submit or an accept based on a stale version with CONFLICT, and changes nothing", async () => {
    const { id: returnId } = (await ok(PROVIDER_A, SAVE, { input: { contractId: ids.vv03, periodId: ids.q2Future, values: values({ REFERRALS: 640, CLIENTS_SUPPORTED: 410, CASES_CLOSED: 300, CASES_CLOSED_IMPROVED: 230 }) } })).saveReturnDraft;
    let before = await snapshot(returnId);
    const staleSubmit = await refused(PROVIDER_A, SUBMIT, { input: { returnId, version: before.version - 1, idempotencyKey: newKey() } });
    expect(staleSubmit.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);

    // Accepting a draft is out of order whatever the version.
    const draftAccept = await refused(OFFICER, ACCEPT, { id: returnId, v: before.version });
    expect(draftAccept.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);

    // A stale save (another tab saved first) is refused too.
    const staleSave = await refused(PROVIDER_A, SAVE, { input: { contractId: ids.vv03, periodId: ids.q2Future, version: before.version - 1, values: values({ REFERRALS: 1 }) } });
    expect(staleSave.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);

    await ok(PROVIDER_A, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey() } });
    before = await snapshot(returnId);
    expect(before.state).toBe("SUBMITTED");
    const staleAccept = await refused(OFFICER, ACCEPT, { id: returnId, v: before.version - 1 });
    expect(staleAccept.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);
    const staleSendBack = await refused(OFFICER, SEND_BACK, { id: returnId, v: before.version - 1, reason: "Stale view." });
    expect(staleSendBack.code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);

    // A submitted return is with the office: the provider can neither edit nor resubmit it.
    expect((await refused(PROVIDER_A, SAVE, { input: { contractId: ids.vv03, periodId: ids.q2Future, version: before.version, values: values({ REFERRALS: 1 }) } })).code).toBe("CONFLICT");
    expect((await refused(PROVIDER_A, SUBMIT, { input: { returnId, version: before.version, idempotencyKey: newKey() } })).code).toBe("CONFLICT");
    expect(await snapshot(returnId)).toEqual(before);

    const accepted = (await ok(OFFICER, ACCEPT, { id: returnId, v: before.version })).acceptReturn;
    expect(accepted.state).toBe("ACCEPTED");
  });
});

describe("who may do what", () => {
  it("hides another provider's contract and return (NOT_FOUND) and changes nothing", async () => {
    // Provider B's seeded Q4 return for WSW-VV-09 is awaiting review.
    const harbourReturn = (await returnFor(ids.vv09, ids.open))!;
    expect(harbourReturn.state).toBe(ReturnState.SUBMITTED);
    const before = await snapshot(harbourReturn.id);
    const returnCount = await m().count(PerformanceReturn);

    expect((await refused(PROVIDER_A, SAVE, { input: { contractId: ids.vv09, periodId: ids.open, version: before.version, values: values({ REFERRALS: 1 }) } })).code).toBe("NOT_FOUND");
    expect((await refused(PROVIDER_A, SAVE, { input: { contractId: ids.vv08, periodId: ids.q2Future, values: values({ REFERRALS: 1 }) } })).code).toBe("NOT_FOUND");
    expect((await refused(PROVIDER_A, SUBMIT, { input: { returnId: harbourReturn.id, version: before.version, idempotencyKey: newKey() } })).code).toBe("NOT_FOUND");
    expect((await refused(PROVIDER_A, "query($id: Int!) { performanceReturn(id: $id) { id } }", { id: harbourReturn.id })).code).toBe("NOT_FOUND");
    expect((await refused(DORSET_OFFICER, SAVE, { input: { contractId: ids.vv09, periodId: ids.open, version: before.version, values: values({ REFERRALS: 1 }) } })).code).toBe("NOT_FOUND");
    expect(await snapshot(harbourReturn.id)).toEqual(before);
    expect(await m().count(PerformanceReturn)).toBe(returnCount);
  });

  it("lets no provider accept, send back or reopen (FORBIDDEN), not even its own return", async () => {
    const harbourReturn = (await returnFor(ids.vv09, ids.open))!;
    const before = await snapshot(harbourReturn.id);
    for (const who of [PROVIDER_A, PROVIDER_B]) {
      expect((await refused(who, ACCEPT, { id: harbourReturn.id, v: before.version })).code).toBe("FORBIDDEN");
      expect((await refused(who, SEND_BACK, { id: harbourReturn.id, v: before.version, reason: "Self-review." })).code).toBe("FORBIDDEN");
    }
    expect((await refused(PROVIDER_B, REOPEN, { id: harbourReturn.id, v: before.version, reason: "Self-review." })).code).toBe("FORBIDDEN");
    expect((await refused(ANALYST, ACCEPT, { id: harbourReturn.id, v: before.version })).code).toBe("FORBIDDEN");
    expect(await snapshot(harbourReturn.id)).toEqual(before);
  });

  it("does not let analysts write returns (FORBIDDEN)", async () => {
    const count = await m().count(PerformanceReturn);
    const events = await m().count(AuditEvent);
    expect((await refused(ANALYST, SAVE, { input: { contractId: ids.vv09, periodId: ids.q2Future, values: values({ REFERRALS: 1 }) } })).code).toBe("FORBIDDEN");
    expect((await refused(ANALYST, SUBMIT, { input: { returnId: (await returnFor(ids.vv09, ids.open))!.id, version: 1, idempotencyKey: newKey() } })).code).toBe("FORBIDDEN");
    expect(await m().count(PerformanceReturn)).toBe(count);
    expect(await m().count(AuditEvent)).toBe(events);
  });

  it("refuses provider edits in a closed period (BAD_USER_INPUT) and changes nothing", async () => {
    // A new return in a closed quarter.
    const count = await m().count(PerformanceReturn);
    const vv04 = (await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference: "WSW-VV-04" })).id; // Harbour's, with no return in Q3
    const create = await refused(PROVIDER_B, SAVE, { input: { contractId: vv04, periodId: ids.q3, values: [] } });
    expect(create.code).toBe("BAD_USER_INPUT");
    expect(create.problems).toEqual([{ field: "periodId", rule: "periodOpen" }]);
    expect(await m().count(PerformanceReturn)).toBe(count);

    const q3Return = (await returnFor(ids.vv09, ids.q3))!;
    const q3Before = await snapshot(q3Return.id);
    const edit = await refused(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: ids.q3, version: q3Before.version, values: values({ REFERRALS: 1 }) } });
    expect(edit.code).toBe("BAD_USER_INPUT");
    expect(edit.problems).toEqual([{ field: "periodId", rule: "periodOpen" }]);
    expect(await snapshot(q3Return.id)).toEqual(q3Before);

    // A return still with the provider when its quarter closes can no longer be edited or submitted.
    const opened = (await ok(OFFICER, OPEN_PERIOD, { q: "2022-23 Q3" })).openReportingPeriod; // 2022-23 Q4 is the demo's frozen quarter
    const draft = (await ok(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: opened.id, values: values({ REFERRALS: 400, REFERRALS_CONTACTED_2D: 350, CASES_CLOSED: 200, CASES_CLOSED_IMPROVED: 150 }) } })).saveReturnDraft;
    const period = await m().findOneByOrFail(ReportingPeriod, { id: opened.id });
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { closeReportingPeriod(id: $id, version: $v) { state } }", { id: opened.id, v: period.version });
    const before = await snapshot(draft.id);
    const save = await refused(PROVIDER_B, SAVE, { input: { contractId: ids.vv09, periodId: opened.id, version: draft.version, values: values({ REFERRALS: 410 }) } });
    expect(save.code).toBe("BAD_USER_INPUT");
    expect(save.problems).toEqual([{ field: "periodId", rule: "periodOpen" }]);
    const submit = await refused(PROVIDER_B, SUBMIT, { input: { returnId: draft.id, version: draft.version, idempotencyKey: newKey() } });
    expect(submit.code).toBe("BAD_USER_INPUT");
    expect(submit.problems).toEqual([{ field: "periodId", rule: "periodOpen" }]);
    expect(await snapshot(draft.id)).toEqual(before);
    expect(await m().count(PerformanceReturn)).toBe(count + 1);
  });
});

describe("the shape of a return", () => {
  it("refuses values and review comments for measures the contract does not report, and changes nothing", async () => {
    const submitted = (await returnFor(ids.vv09, ids.open))!;
    const before = await snapshot(submitted.id);
    const stray = await refused(OFFICER, SEND_BACK, { id: submitted.id, v: before.version, reason: "Please check.", comments: [{ measureId: measure.HCP_REQUESTS, comment: "Not on this return." }] });
    expect(stray.code).toBe("BAD_USER_INPUT");
    expect(stray.problems).toEqual([{ field: `measureComments.${measure.HCP_REQUESTS}`, rule: "inForm" }]);
    expect(await snapshot(submitted.id)).toEqual(before);

    const draft = (await returnFor(ids.vv08, ids.q2Future))!; // reopened above, so with the provider again
    const draftBefore = await snapshot(draft.id);
    const stranger = await refused(PROVIDER_B, SAVE, { input: { contractId: ids.vv08, periodId: ids.q2Future, version: draft.version, values: values({ REFERRALS: 301, HCP_REQUESTS: 5 }) } });
    expect(stranger.code).toBe("BAD_USER_INPUT");
    expect(stranger.problems).toEqual([{ field: `values.${measure.HCP_REQUESTS}`, rule: "inForm" }]);
    expect(await snapshot(draft.id)).toEqual(draftBefore);
  });
});

describe("malformed quarters and financial years", () => {
  it("refuses a malformed quarter with BAD_USER_INPUT and adds no period", async () => {
    const count = await m().count(ReportingPeriod);
    const audits = await m().count(AuditEvent);
    for (const q of ["2024-25 Q5", "2024-25 Q0", "2024-2025 Q1", "2024-26 Q1", "2024-25Q1", "Q1 2024-25", ""]) {
      const error = await refused(OFFICER, OPEN_PERIOD, { q });
      expect(error.code, q).toBe("BAD_USER_INPUT");
      expect(error.problems, q).toEqual([{ field: "quarter", rule: "quarter" }]);
    }
    // A due date before the quarter ends, or not a date at all.
    expect((await refused(OFFICER, OPEN_PERIOD, { q: "2025-26 Q1", due: "2025-06-01" })).code).toBe("BAD_USER_INPUT");
    expect((await refused(OFFICER, OPEN_PERIOD, { q: "2025-26 Q1", due: "2025-02-30" })).code).toBe("BAD_USER_INPUT");
    // Opening a quarter twice.
    expect((await refused(OFFICER, OPEN_PERIOD, { q: "2024-25 Q2" })).code).toBe("CONFLICT");
    expect(await m().count(ReportingPeriod)).toBe(count);
    expect(await m().count(AuditEvent)).toBe(audits);
  });

  it("refuses a malformed financial year in setFundingStreamYear with BAD_USER_INPUT and adds no row", async () => {
    const stream = await m().findOneByOrFail(FundingStream, { officeId: ids.wiltshire });
    const count = await m().count(FundingStreamYear);
    const audits = await m().count(AuditEvent);
    const SET = "mutation($input: FundingStreamYearInput!) { setFundingStreamYear(input: $input) { id year } }";
    for (const year of ["2024-2025", "2024-26", "2024/25", "24-25", "2024-25 ", ""]) {
      const error = await refused(OFFICER, SET, { input: { streamId: stream.id, year, amountPence: 100_000 } });
      expect(error.code, year).toBe("BAD_USER_INPUT");
      expect(JSON.stringify(error.extensions.validationErrors ?? error.extensions.problems), year).toContain("year");
    }
    expect(await m().count(FundingStreamYear)).toBe(count);
    expect(await m().count(AuditEvent)).toBe(audits);
    // The well-formed year goes through, so the refusals were about the year.
    await ok(OFFICER, SET, { input: { streamId: stream.id, year: "2031-32", amountPence: 100_000 } });
    expect(await m().count(FundingStreamYear)).toBe(count + 1);
  });
});
