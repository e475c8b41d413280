import { SqliteQueryRunner } from "typeorm/driver/sqlite/SqliteQueryRunner.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET = "officer@dorset.demo.example";
const DURHAM = "officer@durham.demo.example";
const PROVIDER = "provider-a@demo.example";

let server: TestServer;

/** Runs an operation that must succeed and returns its data. */
async function ok<T = any>(as: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

/** The fields named by a BAD_USER_INPUT error's problems. */
function problemFields(result: { errors?: readonly unknown[] }): string[] {
  const extensions = (result.errors?.[0] as { extensions?: { problems?: { field: string }[] } } | undefined)?.extensions;
  return (extensions?.problems ?? []).map((p) => p.field);
}

async function officeIndicators(as: string): Promise<{ id: number; code: string; unit: string }[]> {
  return (await ok(as, "{ indicators { id code unit } }")).indicators;
}

async function officeMeasures(as: string): Promise<{ id: number; code: string }[]> {
  return (await ok(as, "{ measures { id code } }")).measures;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

/** How many SQL statements an operation costs: field resolvers must batch, so this must not grow with the rows. */
async function statementsFor(as: string, query: string): Promise<number> {
  await server.tokenFor(as);
  const spy = vi.spyOn(SqliteQueryRunner.prototype, "query");
  try {
    await ok(as, query);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe("batching", () => {
  it("loads nested plans, questions, indicators, measures and targets in a fixed number of statements", async () => {
    // The user, the plans, then one per entity loaded beneath: priorities, their plans, questions, their
    // priorities, question links, indicators, measure links, measures. Per-row loading would cost hundreds.
    expect(await statementsFor(DURHAM, "{ strategicPlans { priorities { plan { id } keyPerformanceQuestions { priority { id } indicators { numeratorMeasures { id } denominatorMeasures { id } } } } } }")).toBe(10);
    // The user, the page (and its count), the KPI links, indicators, targets, measure links, measures.
    expect(await statementsFor(OFFICER, "{ contracts(first: 100) { items { kpis { indicator { numeratorMeasures { id } } targets { value } } } } }")).toBeLessThanOrEqual(8);
  });
});

describe("strategic plans", () => {
  it("lists the office's plans with their priorities in order, questions and indicators, in one office only", async () => {
    const data = await ok(DURHAM, "{ strategicPlans { id title startYear endYear priorities { id position plan { id } keyPerformanceQuestions { question priority { id } indicators { id code } } } } }");
    expect(data.strategicPlans.length).toBeGreaterThan(0);
    const priorities = data.strategicPlans.flatMap((p: any) => p.priorities);
    for (const plan of data.strategicPlans) {
      const positions = plan.priorities.map((p: any) => p.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      for (const priority of plan.priorities) expect(priority.plan.id).toBe(plan.id);
    }
    const questions = priorities.flatMap((p: any) => p.keyPerformanceQuestions.map((q: any) => ({ ...q, priorityId: p.id })));
    expect(questions.length).toBeGreaterThan(0);
    for (const q of questions) expect(q.priority.id).toBe(q.priorityId);
    const twoIndicators = questions.find((q: any) => q.question.startsWith("Do people who complete an intervention"));
    expect(twoIndicators.indicators.map((i: any) => i.code).sort()).toEqual(["PCT_COMPLETED", "PCT_NOT_REOFFENDING"]);
  });

  it("lets an analyst read; refuses providers, another office by id (NOT_FOUND) and by officeId (FORBIDDEN)", async () => {
    const own = await ok(ANALYST, "{ strategicPlans { id } }");
    expect(own.strategicPlans.length).toBeGreaterThan(0);
    expect(codes(await server.run(PROVIDER, "{ strategicPlans { id } }"))).toEqual(["FORBIDDEN"]);

    const durhamPlan = (await ok(DURHAM, "{ strategicPlans { id } }")).strategicPlans[0].id;
    expect(codes(await server.run(OFFICER, "query($id: Int!) { strategicPlan(id: $id) { id } }", { id: durhamPlan }))).toEqual(["NOT_FOUND"]);
    expect((await ok(DURHAM, "query($id: Int!) { strategicPlan(id: $id) { id } }", { id: durhamPlan })).strategicPlan.id).toBe(durhamPlan);

    const durhamOffice = (await ok(DURHAM, "{ me { office { id } } }")).me.office.id;
    expect(codes(await server.run(OFFICER, "query($o: Int) { strategicPlans(officeId: $o) { id } }", { o: durhamOffice }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(OFFICER, "query($o: Int) { measures(officeId: $o) { id } }", { o: durhamOffice }))).toEqual(["FORBIDDEN"]);
  });

  it("creates and updates plans, priorities and questions, with year rules and version checks", async () => {
    const create = `mutation($input: CreateStrategicPlanInput!) { createStrategicPlan(input: $input) { id version title startYear endYear } }`;
    const input = { kind: "POLICE_AND_CRIME_PLAN", title: "Test plan", startYear: "2024-25", endYear: "2027-28" };
    const plan = (await ok(OFFICER, create, { input })).createStrategicPlan;
    expect(plan).toMatchObject({ version: 1, title: "Test plan" });
    expect((await ok(OFFICER, "{ strategicPlans { id } }")).strategicPlans.map((p: any) => p.id)).toContain(plan.id);

    const backwards = await server.run(OFFICER, create, { input: { ...input, startYear: "2027-28", endYear: "2024-25" } });
    expect(codes(backwards)).toEqual(["BAD_USER_INPUT"]);
    expect(problemFields(backwards)).toEqual(["endYear"]);
    expect(codes(await server.run(OFFICER, create, { input: { ...input, startYear: "2024-26" } }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await server.run(ANALYST, create, { input }))).toEqual(["FORBIDDEN"]);
    const durhamOffice = (await ok(DURHAM, "{ me { office { id } } }")).me.office.id;
    expect(codes(await server.run(OFFICER, create, { input: { ...input, officeId: durhamOffice } }))).toEqual(["FORBIDDEN"]);

    const update = `mutation($id: Int!, $v: Int!, $input: UpdateStrategicPlanInput!) { updateStrategicPlan(id: $id, version: $v, input: $input) { id version title endYear } }`;
    const renamed = (await ok(COMMISSIONER, update, { id: plan.id, v: 1, input: { title: "Test plan (renamed)" } })).updateStrategicPlan;
    expect(renamed).toMatchObject({ version: 2, title: "Test plan (renamed)", endYear: "2027-28" });
    expect(codes(await server.run(OFFICER, update, { id: plan.id, v: 1, input: { title: "Stale" } }))).toEqual(["CONFLICT"]);
    const endsEarly = await server.run(OFFICER, update, { id: plan.id, v: 2, input: { endYear: "2023-24" } });
    expect(problemFields(endsEarly)).toEqual(["endYear"]);
    expect(codes(await server.run(DORSET, update, { id: plan.id, v: 2, input: { title: "Not yours" } }))).toEqual(["NOT_FOUND"]);

    const addPriority = `mutation($input: CreatePlanPriorityInput!) { createPlanPriority(input: $input) { id version position title plan { id } } }`;
    const first = (await ok(OFFICER, addPriority, { input: { planId: plan.id, title: "Victims first" } })).createPlanPriority;
    const second = (await ok(OFFICER, addPriority, { input: { planId: plan.id, title: "Safer streets" } })).createPlanPriority;
    expect([first.position, second.position]).toEqual([0, 1]);
    expect(first.plan.id).toBe(plan.id);
    const notYours = await server.run(DORSET, addPriority, { input: { planId: plan.id, title: "Intruder" } });
    expect(codes(notYours)).toEqual(["BAD_USER_INPUT"]);
    expect(problemFields(notYours)).toEqual(["planId"]);

    const movePriority = `mutation($id: Int!, $v: Int!, $input: UpdatePlanPriorityInput!) { updatePlanPriority(id: $id, version: $v, input: $input) { id version position } }`;
    expect((await ok(OFFICER, movePriority, { id: first.id, v: 1, input: { position: 5 } })).updatePlanPriority).toMatchObject({ version: 2, position: 5 });
    const ordered = await ok(OFFICER, "query($id: Int!) { strategicPlan(id: $id) { priorities { id } } }", { id: plan.id });
    expect(ordered.strategicPlan.priorities.map((p: any) => p.id)).toEqual([second.id, first.id]);

    const [a, b] = await officeIndicators(OFFICER);
    const [durhamIndicator] = await officeIndicators(DURHAM);
    const addQuestion = `mutation($input: CreateKeyPerformanceQuestionInput!) { createKeyPerformanceQuestion(input: $input) { id version question priority { id } indicators { id } } }`;
    const question = (await ok(OFFICER, addQuestion, { input: { priorityId: second.id, question: "Are streets safer?", indicatorIds: [a.id, a.id] } })).createKeyPerformanceQuestion;
    expect(question).toMatchObject({ version: 1, priority: { id: second.id }, indicators: [{ id: a.id }] });
    const foreign = await server.run(OFFICER, addQuestion, { input: { priorityId: second.id, question: "Borrowed indicator?", indicatorIds: [durhamIndicator.id] } });
    expect(codes(foreign)).toEqual(["BAD_USER_INPUT"]);
    expect(problemFields(foreign)).toEqual(["indicatorIds"]);

    const editQuestion = `mutation($id: Int!, $v: Int!, $input: UpdateKeyPerformanceQuestionInput!) { updateKeyPerformanceQuestion(id: $id, version: $v, input: $input) { version question indicators { id } } }`;
    const relinked = (await ok(OFFICER, editQuestion, { id: question.id, v: 1, input: { indicatorIds: [b.id] } })).updateKeyPerformanceQuestion;
    expect(relinked).toMatchObject({ version: 2, question: "Are streets safer?", indicators: [{ id: b.id }] });
    const kept = (await ok(OFFICER, editQuestion, { id: question.id, v: 2, input: { question: "Are our streets safer?" } })).updateKeyPerformanceQuestion;
    expect(kept).toMatchObject({ version: 3, indicators: [{ id: b.id }] });

    const audit = await server.services.db.manager.findBy(AuditEvent, { entityType: "KeyPerformanceQuestion", entityId: question.id });
    expect(audit.map((e) => e.action).sort()).toEqual(
      ["key_performance_question.create", "key_performance_question.indicators", "key_performance_question.indicators", "key_performance_question.update", "key_performance_question.update"].sort(),
    );
  });
});

describe("measures and indicators", () => {
  const createMeasure = `mutation($input: CreateMeasureInput!) { createMeasure(input: $input) { id version code unit minValue maxValue } }`;
  const updateMeasure = `mutation($id: Int!, $v: Int!, $input: UpdateMeasureInput!) { updateMeasure(id: $id, version: $v, input: $input) { id version code minValue maxValue } }`;

  it("creates and updates measures with code and bound rules", async () => {
    const measure = (await ok(OFFICER, createMeasure, { input: { code: "calls_answered", name: "Calls answered", unit: "COUNT", minValue: 0 } })).createMeasure;
    expect(measure).toMatchObject({ version: 1, code: "calls_answered", minValue: 0, maxValue: null });

    const duplicate = await server.run(OFFICER, createMeasure, { input: { code: "calls_answered", name: "Again", unit: "COUNT" } });
    expect(codes(duplicate)).toEqual(["BAD_USER_INPUT"]);
    expect(problemFields(duplicate)).toEqual(["code"]);
    // Codes are per office: Dorset may use the same one.
    await ok(DORSET, createMeasure, { input: { code: "calls_answered", name: "Calls answered", unit: "COUNT" } });

    expect(codes(await server.run(OFFICER, createMeasure, { input: { code: "Bad Code", name: "Bad", unit: "COUNT" } }))).toEqual(["BAD_USER_INPUT"]);
    const inverted = await server.run(OFFICER, createMeasure, { input: { code: "inverted", name: "Inverted", unit: "COUNT", minValue: 10, maxValue: 5 } });
    expect(problemFields(inverted)).toEqual(["maxValue"]);
    const percent = await server.run(OFFICER, createMeasure, { input: { code: "pct_bad", name: "Percent", unit: "PERCENT", minValue: -1, maxValue: 120 } });
    expect(problemFields(percent)).toEqual(["minValue", "maxValue"]);

    const updated = (await ok(OFFICER, updateMeasure, { id: measure.id, v: 1, input: { maxValue: 500 } })).updateMeasure;
    expect(updated).toMatchObject({ version: 2, minValue: 0, maxValue: 500 });
    expect(problemFields(await server.run(OFFICER, updateMeasure, { id: measure.id, v: 2, input: { minValue: 600 } }))).toEqual(["maxValue"]);
    expect(codes(await server.run(OFFICER, updateMeasure, { id: measure.id, v: 1, input: { name: "Stale" } }))).toEqual(["CONFLICT"]);
    const cleared = (await ok(OFFICER, updateMeasure, { id: measure.id, v: 2, input: { maxValue: null } })).updateMeasure;
    expect(cleared).toMatchObject({ version: 3, maxValue: null });
    expect(codes(await server.run(DORSET, updateMeasure, { id: measure.id, v: 3, input: { name: "Not yours" } }))).toEqual(["NOT_FOUND"]);
  });

  it("creates and updates indicators from the office's own measures", async () => {
    const num = (await ok(OFFICER, createMeasure, { input: { code: "calls_in_target", name: "Calls answered in target", unit: "COUNT", minValue: 0 } })).createMeasure;
    const den = (await ok(OFFICER, createMeasure, { input: { code: "calls_offered", name: "Calls offered", unit: "COUNT", minValue: 0 } })).createMeasure;
    const [durhamMeasure] = await officeMeasures(DURHAM);

    const create = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { id version code factor amberTolerance numeratorMeasures { id } denominatorMeasures { id } } }`;
    const base = { code: "pct_calls_in_target", name: "% calls answered in target", unit: "PERCENT", direction: "HIGHER_IS_BETTER" };
    const indicator = (await ok(OFFICER, create, { input: { ...base, numeratorMeasureIds: [num.id], denominatorMeasureIds: [den.id] } })).createIndicator;
    expect(indicator).toMatchObject({ version: 1, factor: 100, amberTolerance: 0, numeratorMeasures: [{ id: num.id }], denominatorMeasures: [{ id: den.id }] });

    expect(codes(await server.run(OFFICER, create, { input: { ...base, code: "empty", numeratorMeasureIds: [] } }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await server.run(OFFICER, create, { input: { ...base, code: "zero", numeratorMeasureIds: [num.id], factor: 0 } }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await server.run(OFFICER, create, { input: { ...base, code: "neg", numeratorMeasureIds: [num.id], amberTolerance: -1 } }))).toEqual(["BAD_USER_INPUT"]);
    const foreign = await server.run(OFFICER, create, { input: { ...base, code: "foreign", numeratorMeasureIds: [num.id], denominatorMeasureIds: [durhamMeasure.id] } });
    expect(problemFields(foreign)).toEqual(["denominatorMeasureIds"]);
    expect(problemFields(await server.run(OFFICER, create, { input: { ...base, numeratorMeasureIds: [num.id] } }))).toEqual(["code"]);

    const update = `mutation($id: Int!, $v: Int!, $input: UpdateIndicatorInput!) { updateIndicator(id: $id, version: $v, input: $input) { version unit factor numeratorMeasures { id } denominatorMeasures { id } } }`;
    const count = (await ok(OFFICER, update, { id: indicator.id, v: 1, input: { denominatorMeasureIds: [], unit: "COUNT", factor: 1 } })).updateIndicator;
    expect(count).toMatchObject({ version: 2, unit: "COUNT", factor: 1, numeratorMeasures: [{ id: num.id }], denominatorMeasures: [] });
    expect(codes(await server.run(OFFICER, update, { id: indicator.id, v: 2, input: { numeratorMeasureIds: [] } }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await server.run(OFFICER, update, { id: indicator.id, v: 1, input: { name: "Stale" } }))).toEqual(["CONFLICT"]);

    const read = await ok(ANALYST, "query($id: Int!) { indicator(id: $id) { code numeratorMeasures { code } } }", { id: indicator.id });
    expect(read.indicator).toEqual({ code: "pct_calls_in_target", numeratorMeasures: [{ code: "calls_in_target" }] });
    expect(codes(await server.run(DORSET, "query($id: Int!) { indicator(id: $id) { id } }", { id: indicator.id }))).toEqual(["NOT_FOUND"]);
    expect((await officeIndicators(OFFICER)).map((i) => i.code)).toContain("pct_calls_in_target");
  });
});

describe("contract KPIs and targets", () => {
  const setKpis = `mutation($c: Int!, $i: [Int!]!, $v: Int!) { setContractKpis(contractId: $c, indicatorIds: $i, version: $v) { id indicator { id } } }`;
  const contractVersion = async (id: number) => (await ok(OFFICER, "query($id: Int!) { contract(id: $id) { version } }", { id })).contract.version as number;
  const setTarget = `mutation($input: SetTargetInput!) { setTarget(input: $input) { id version year quarter value } }`;

  async function firstContract(as: string): Promise<{ id: number; kpis: { id: number; indicator: { id: number } }[] }> {
    const data = await ok(as, "{ contracts(first: 100) { items { id kpis { id indicator { id } } } } }");
    const reporting = data.contracts.items.find((c: any) => c.kpis.length > 0);
    expect(reporting).toBeDefined();
    return reporting;
  }

  it("replaces a contract's indicator set, keeping the links it keeps, and audits it", async () => {
    const contract = await firstContract(OFFICER);
    const had = contract.kpis.map((k) => k.indicator.id);
    const extra = (await officeIndicators(OFFICER)).find((i) => !had.includes(i.id))!;
    const [durhamIndicator] = await officeIndicators(DURHAM);

    const v = await contractVersion(contract.id);
    const grown = (await ok(OFFICER, setKpis, { c: contract.id, i: [...had, extra.id], v })).setContractKpis;
    expect(await contractVersion(contract.id)).toBe(v + 1);
    // A stale contract version changes nothing.
    expect(codes(await server.run(OFFICER, setKpis, { c: contract.id, i: had, v }))).toEqual(["CONFLICT"]);
    expect(await contractVersion(contract.id)).toBe(v + 1);
    expect(grown.map((k: any) => k.indicator.id).sort()).toEqual([...had, extra.id].sort());
    for (const kept of contract.kpis) expect(grown.find((k: any) => k.indicator.id === kept.indicator.id).id).toBe(kept.id);

    const foreign = await server.run(OFFICER, setKpis, { c: contract.id, i: [durhamIndicator.id], v: v + 1 });
    expect(codes(foreign)).toEqual(["BAD_USER_INPUT"]);
    expect(problemFields(foreign)).toEqual(["indicatorIds"]);
    expect(codes(await server.run(DORSET, setKpis, { c: contract.id, i: [], v: v + 1 }))).toEqual(["NOT_FOUND"]);
    expect(codes(await server.run(ANALYST, setKpis, { c: contract.id, i: [], v: v + 1 }))).toEqual(["FORBIDDEN"]);

    const shrunk = (await ok(OFFICER, setKpis, { c: contract.id, i: had, v: v + 1 })).setContractKpis;
    expect(shrunk.map((k: any) => k.indicator.id).sort()).toEqual([...had].sort());
    const audit = await server.services.db.manager.findBy(AuditEvent, { action: "contract.kpis", entityId: contract.id });
    expect(audit).toHaveLength(2);
    expect(audit[1].after).toEqual({ indicatorIds: [...had].sort((x, y) => x - y) });
  });

  it("upserts targets for a contract or a portfolio, in the indicator's office", async () => {
    const contract = await firstContract(OFFICER);
    const indicatorId = contract.kpis[0].indicator.id;
    const input = { indicatorId, contractId: contract.id, year: "2031-32", value: 70 };

    const annual = (await ok(OFFICER, setTarget, { input })).setTarget;
    expect(annual).toMatchObject({ version: 1, year: "2031-32", quarter: null, value: 70 });
    // Once a target exists, a change carries its version: none, or a stale one, is CONFLICT and changes nothing.
    expect(codes(await server.run(OFFICER, setTarget, { input: { ...input, value: 75 } }))).toEqual(["CONFLICT"]);
    expect(codes(await server.run(OFFICER, setTarget, { input: { ...input, value: 75, version: 7 } }))).toEqual(["CONFLICT"]);
    const key = { indicatorId, contractId: contract.id, year: "2031-32", quarter: null };
    expect((await ok(OFFICER, "query($k: TargetKeyInput!) { target(key: $k) { id version value } }", { k: key })).target).toEqual({ id: annual.id, version: 1, value: 70 });
    const changed = (await ok(OFFICER, setTarget, { input: { ...input, value: 75, version: annual.version } })).setTarget;
    expect(changed).toMatchObject({ id: annual.id, version: 2, value: 75 });
    const q2 = (await ok(OFFICER, setTarget, { input: { ...input, quarter: 2, value: 20 } })).setTarget;
    expect(q2.id).not.toBe(annual.id);

    const shown = await ok(OFFICER, "query($id: Int!) { contract(id: $id) { kpis { indicator { id } targets { id year quarter value } } } }", { id: contract.id });
    const targets = shown.contract.kpis.find((k: any) => k.indicator.id === indicatorId).targets.filter((t: any) => t.year === "2031-32");
    expect(targets).toEqual([
      { id: annual.id, year: "2031-32", quarter: null, value: 75 },
      { id: q2.id, year: "2031-32", quarter: 2, value: 20 },
    ]);

    const portfolios = (await ok(OFFICER, "{ portfolios { id } }")).portfolios;
    const both = await server.run(OFFICER, setTarget, { input: { ...input, portfolioId: portfolios[0].id } });
    expect(problemFields(both)).toEqual(["contractId", "portfolioId"]);
    const neither = await server.run(OFFICER, setTarget, { input: { indicatorId, year: "2031-32", value: 1 } });
    expect(problemFields(neither)).toEqual(["contractId", "portfolioId"]);
    expect(codes(await server.run(OFFICER, setTarget, { input: { ...input, quarter: 5 } }))).toEqual(["BAD_USER_INPUT"]);

    const forPortfolio = (await ok(OFFICER, setTarget, { input: { indicatorId, portfolioId: portfolios[0].id, year: "2031-32", value: 60 } })).setTarget;
    expect(forPortfolio).toMatchObject({ version: 1, value: 60 });
    const dorsetPortfolio = (await ok(DORSET, "{ portfolios { id } }")).portfolios[0];
    const crossOffice = await server.run(OFFICER, setTarget, { input: { indicatorId, portfolioId: dorsetPortfolio.id, year: "2031-32", value: 1 } });
    expect(problemFields(crossOffice)).toEqual(["portfolioId"]);
    expect(problemFields(await server.run(DORSET, setTarget, { input }))).toEqual(["indicatorId"]);

    const notReported = (await officeIndicators(OFFICER)).find((i) => !contract.kpis.some((k) => k.indicator.id === i.id))!;
    expect(problemFields(await server.run(OFFICER, setTarget, { input: { ...input, indicatorId: notReported.id } }))).toEqual(["indicatorId"]);

    const audit = await server.services.db.manager.findBy(AuditEvent, { entityType: "Target", entityId: annual.id });
    expect(audit.map((e) => e.action)).toEqual(["target.create", "target.update"]);
  });

  it("16 concurrent edits of one target from the same version: one wins, 15 CONFLICT, nothing overwritten", async () => {
    const contract = await firstContract(OFFICER);
    const indicatorId = contract.kpis[0].indicator.id;
    const input = { indicatorId, contractId: contract.id, year: "2032-33", value: 50 };
    const created = (await ok(OFFICER, setTarget, { input })).setTarget;
    const edits = await Promise.all(Array.from({ length: 16 }, (_, i) => server.http<any>(OFFICER, setTarget, { input: { ...input, value: 51 + i, version: created.version } })));
    const winners = edits.filter((e) => !e.errors);
    expect(winners).toHaveLength(1);
    expect(edits.filter((e) => e.errors).map((e) => codes(e))).toEqual(Array(15).fill(["CONFLICT"]));
    const stored = (await ok(OFFICER, "query($k: TargetKeyInput!) { target(key: $k) { version value } }", { k: { indicatorId, contractId: contract.id, year: "2032-33" } })).target;
    expect(stored).toEqual({ version: created.version + 1, value: winners[0].data.setTarget.value });
    const updates = await server.services.db.manager.findBy(AuditEvent, { entityType: "Target", entityId: created.id, action: "target.update" });
    expect(updates).toHaveLength(1);
  });
});
