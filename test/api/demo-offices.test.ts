import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

/** Every demo office is whole, its calendar coherent, its monitoring proportionate: read through the API as its officer. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const OFFICERS = { wiltshire: "officer@wiltshire.demo.example", dorset: "officer@dorset.demo.example", durham: "officer@durham.demo.example" };
const m = (pounds: number) => Math.round(pounds * 100);
const today = () => new Date().toISOString().slice(0, 10);

interface Period {
  id: number;
  label: string;
  state: string;
  endDate: string;
  dueDate: string;
  dueDateNote: string | null;
}

async function ok<T = any>(as: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const periodsOf = async (as: string): Promise<Period[]> => (await ok<{ reportingPeriods: Period[] }>(as, "{ reportingPeriods { id label state endDate dueDate dueDateNote } }")).reportingPeriods;

describe("every demo office is whole", () => {
  for (const [office, officer] of Object.entries(OFFICERS)) {
    it(`${office}: quarters, scorecards with figures and targets, accepted returns and completeness`, async () => {
      const periods = await periodsOf(officer);
      expect(periods.length).toBeGreaterThanOrEqual(4);
      const closed = periods.filter((p) => p.state !== "OPEN");
      const latest = closed.sort((a, b) => b.endDate.localeCompare(a.endDate))[0];
      const { scorecards } = await ok(officer, "query($p: [Int!]) { scorecards(periodIds: $p) { portfolioId rows { indicator { code } cells { actual target rag returnsIn returnsDue } } } }", { p: closed.map((p) => p.id) });
      const cells = scorecards.flatMap((s: any) => s.rows.flatMap((r: any) => r.cells));
      expect(cells.filter((c: any) => c.actual != null).length).toBeGreaterThan(10);
      expect(cells.some((c: any) => c.target != null && ["GREEN", "AMBER", "RED"].includes(c.rag))).toBe(true);
      const { returns } = await ok(officer, "query($p: Int!) { returns(periodId: $p, first: 100) { totalCount items { state } } }", { p: latest.id });
      expect(returns.totalCount).toBeGreaterThan(3);
      expect(returns.items.every((r: any) => r.state === "ACCEPTED")).toBe(true);
      const [total] = (await ok(officer, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due accepted missing } }", { p: latest.id })).returnCompleteness;
      expect(total.due).toBeGreaterThan(3);
      expect(total).toMatchObject({ missing: 0, accepted: total.due });
    });
  }

  it("Durham: every Key Performance Question is answered by an indicator with figures", async () => {
    const periods = await periodsOf(OFFICERS.durham);
    const q4 = periods.find((p) => p.label === "2018-19 Q4")!;
    const { strategicPlans } = await ok(OFFICERS.durham, "query($p: Int!) { strategicPlans { priorities { keyPerformanceQuestions { question status(periodId: $p) { indicator { code } cell { actual returnsIn } } } } } }", { p: q4.id });
    const questions = strategicPlans.flatMap((p: any) => p.priorities).flatMap((p: any) => p.keyPerformanceQuestions);
    expect(questions.length).toBe(6);
    for (const q of questions) expect(q.status.some((s: any) => s.cell?.actual != null), q.question).toBe(true);
  });

  it("Wiltshire: a frozen quarter for the Panel, with the correction made after the freeze shown as a restatement", async () => {
    const { frozenQuarters } = await ok(OFFICERS.wiltshire, "{ frozenQuarters { period { label state } restatements { portfolioId indicatorId frozenActual currentActual } scorecards { rows { indicator { code } } } } }");
    const frozen = frozenQuarters.find((f: any) => f.period.label === "2022-23 Q4");
    expect(frozen.period.state).toBe("FROZEN");
    expect(frozen.scorecards.length).toBeGreaterThan(0);
    expect(frozen.restatements.length).toBeGreaterThan(0);
    for (const r of frozen.restatements) expect(r.currentActual).toBeLessThan(r.frozenActual);
  });

  it("Dorset: the Immersion Project pledge (£15,300) and the Wellbeing Fund's £250k to the Force in 2018/19", async () => {
    const { contracts } = await ok(OFFICERS.dorset, "{ contracts(first: 100) { items { reference title annualValuePence coCommissioners { partnerName } } } }");
    const immersion = contracts.items.find((c: any) => /Immersion Project/.test(c.title));
    expect(immersion.annualValuePence).toBe(m(15_300));
    expect(immersion.coCommissioners.map((c: any) => c.partnerName)).toEqual(["Police and Crime Commissioner for Devon and Cornwall"]);
    const { fundingStreams } = await ok(OFFICERS.dorset, "{ fundingStreams { name years { year amountPence } } }");
    expect(fundingStreams.find((s: any) => s.name === "Wellbeing Fund").years).toEqual([{ year: "2018-19", amountPence: m(250_000) }]);
    const { allocations } = await ok(OFFICERS.dorset, '{ allocations(year: "2018-19") { label amountPence stream { name } } }');
    expect(allocations).toEqual([{ label: "Force wellbeing activities", amountPence: m(250_000), stream: { name: "Wellbeing Fund" } }]);
  });
});

describe("a coherent demo clock", () => {
  for (const [office, officer] of Object.entries(OFFICERS)) {
    it(`${office}: quarters that ended long ago are closed or frozen; exactly one quarter is open, due after the server's clock`, async () => {
      const periods = await periodsOf(officer);
      const open = periods.filter((p) => p.state === "OPEN");
      expect(open.length).toBe(1);
      expect(open[0].dueDate > today(), `${open[0].label} due ${open[0].dueDate}`).toBe(true);
      // Every other quarter is closed (or frozen) and was due before today: nothing is "Late" on a first screen.
      for (const p of periods.filter((p) => p.state !== "OPEN")) {
        expect(["CLOSED", "FROZEN"]).toContain(p.state);
        expect(p.dueDate < today()).toBe(true);
      }
      // The open quarter is the latest one: what is due next. Its due date is illustrative, and says so; no other is.
      expect(open[0].endDate).toBe(periods.map((p) => p.endDate).sort().at(-1));
      expect(open[0].dueDateNote).toMatch(/^Illustrative/);
      expect(periods.filter((p) => p.dueDateNote != null).map((p) => p.id)).toEqual([open[0].id]);
    });
  }

  it("Wiltshire: 2023-24 Q4 was reviewed, accepted and closed; the open quarter has returns in every state but late", async () => {
    const periods = await periodsOf(OFFICERS.wiltshire);
    const q4 = periods.find((p) => p.label === "2023-24 Q4")!;
    expect(q4.state).toBe("CLOSED");
    const RETURNS = "query($p: Int!) { returns(periodId: $p, first: 100) { items { state late submittedAt } } }";
    const closed = (await ok(OFFICERS.wiltshire, RETURNS, { p: q4.id })).returns.items;
    expect(closed.length).toBeGreaterThan(10);
    expect(closed.every((r: any) => r.state === "ACCEPTED")).toBe(true);
    const [q4Completeness] = (await ok(OFFICERS.wiltshire, "query($p: Int!) { returnCompleteness(periodId: $p) { due accepted missing } }", { p: q4.id })).returnCompleteness;
    expect(q4Completeness).toMatchObject({ missing: 0, accepted: q4Completeness.due });

    const open = periods.find((p) => p.state === "OPEN")!;
    expect(open.label).toBe("2024-25 Q1");
    const items = (await ok(OFFICERS.wiltshire, RETURNS, { p: open.id })).returns.items;
    expect(new Set(items.map((r: any) => r.state))).toEqual(new Set(["DRAFT", "SUBMITTED", "RETURNED", "ACCEPTED"]));
    expect(items.some((r: any) => r.late)).toBe(false);
    // Sent in the weeks before the demo was loaded, never in the future.
    for (const r of items.filter((r: any) => r.submittedAt)) expect(new Date(r.submittedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe("proportionate monitoring", () => {
  it("a £5,000 grant makes one end-of-grant report: never missing before its last quarter, counted in it", async () => {
    const { contracts } = await ok(OFFICERS.durham, "{ contracts(first: 100) { items { id reference version reportingSchedule shortForm } } }");
    const grant = contracts.items.find((c: any) => c.reference === "DUR-PRE-03");
    expect(grant).toMatchObject({ reportingSchedule: "END_OF_GRANT", shortForm: true });
    const periods = await periodsOf(OFFICERS.durham);
    const byLabel = (label: string) => periods.find((p) => p.label === label)!.id;
    const due = async (label: string) => (await ok(OFFICERS.durham, "query($c: Int!, $p: Int!) { contract(id: $c) { returnDue(periodId: $p) } }", { c: grant.id, p: byLabel(label) })).contract.returnDue;
    expect([await due("2018-19 Q1"), await due("2018-19 Q2"), await due("2018-19 Q3"), await due("2018-19 Q4")]).toEqual([false, false, false, true]);

    // Completeness and the scorecard count the same returns due: the one rule behind both.
    const { portfolios } = await ok(OFFICERS.durham, "{ portfolios { id name } }");
    const preventionId = portfolios.find((p: any) => p.name === "Community safety and prevention").id;
    for (const [label, expectedDue] of [["2018-19 Q1", 2], ["2018-19 Q4", 3]] as const) {
      const p = byLabel(label);
      const rows = (await ok(OFFICERS.durham, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due missing } }", { p })).returnCompleteness;
      const prevention = rows.find((r: any) => r.portfolioId === preventionId);
      expect(prevention.due, `prevention returns due in ${label}`).toBe(expectedDue);
      expect(prevention.missing).toBe(0);
      const { scorecards } = await ok(OFFICERS.durham, "query($pf: Int, $p: [Int!]) { scorecards(portfolioId: $pf, periodIds: $p) { rows { indicator { code } cells { returnsIn returnsDue } } } }", { pf: preventionId, p: [p] });
      const engaged = scorecards[0].rows.find((r: any) => r.indicator.code === "PEOPLE_ENGAGED").cells[0];
      expect(engaged.returnsDue).toBe(prevention.due);
      expect(engaged.returnsIn).toBe(engaged.returnsDue);
    }
  });

  it("the officer sets a schedule with the version they read; a stale version changes nothing; completeness follows at once", async () => {
    const periods = await periodsOf(OFFICERS.dorset);
    const q1 = periods.find((p) => p.label === "2019-20 Q1")!;
    const { contracts } = await ok(OFFICERS.dorset, "{ contracts(first: 100) { items { id reference version reportingSchedule } } }");
    const sarc = contracts.items.find((c: any) => c.reference === "DOR-VCF-02");
    expect(sarc.reportingSchedule).toBe("QUARTERLY");
    const before = (await ok(OFFICERS.dorset, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due submitted missing } }", { p: q1.id })).returnCompleteness[0];
    const SET = "mutation($id: Int!, $v: Int!, $s: ReportingSchedule!) { setReportingSchedule(id: $id, version: $v, schedule: $s) { reportingSchedule version } }";
    const set = await ok(OFFICERS.dorset, SET, { id: sarc.id, v: sarc.version, s: "HALF_YEARLY" });
    expect(set.setReportingSchedule.reportingSchedule).toBe("HALF_YEARLY");
    const stale = await server.run(OFFICERS.dorset, SET, { id: sarc.id, v: sarc.version, s: "YEARLY" });
    expect(stale.errors?.[0].extensions?.code).toBe("CONFLICT");
    const refused = await server.run("analyst@wiltshire.demo.example", SET, { id: sarc.id, v: set.setReportingSchedule.version, s: "YEARLY" });
    expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const other = await server.run(OFFICERS.wiltshire, SET, { id: sarc.id, v: set.setReportingSchedule.version, s: "YEARLY" });
    expect(["NOT_FOUND", "FORBIDDEN"]).toContain(other.errors?.[0].extensions?.code);
    const after = (await ok(OFFICERS.dorset, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due submitted missing } }", { p: q1.id })).returnCompleteness[0];
    // Q1 is no longer due from a half-yearly contract: one fewer due, and its (voluntary) return no longer counts as submitted.
    expect({ due: after.due - before.due, submitted: after.submitted - before.submitted, missing: after.missing - before.missing }).toEqual({ due: -1, submitted: -1, missing: 0 });
    const { contract } = await ok(OFFICERS.dorset, "query($c: Int!) { contract(id: $c) { reportingSchedule version } }", { c: sarc.id });
    expect(contract).toEqual({ reportingSchedule: "HALF_YEARLY", version: set.setReportingSchedule.version });
    await ok(OFFICERS.dorset, SET, { id: sarc.id, v: contract.version, s: "QUARTERLY" });
  });

  it("a new grant under £10,000 defaults to an end-of-grant report; a bigger contracted service to quarterly", async () => {
    const { portfolios } = await ok(OFFICERS.durham, "{ portfolios { id name } }");
    const { providers } = await ok(OFFICERS.durham, "{ providers(first: 100) { items { id name } } }").catch(() => ({ providers: null }));
    const providerId = providers?.items?.[0]?.id ?? (await ok(OFFICERS.durham, "{ contracts(first: 1) { items { provider { id } } } }")).contracts.items[0].provider.id;
    const CREATE = "mutation($i: ContractInput!) { createContract(input: $i) { reportingSchedule } }";
    const base = { portfolioId: portfolios[0].id, providerId, stage: "PLAN", status: "PIPELINE" };
    const small = await ok(OFFICERS.durham, CREATE, { i: { ...base, reference: "DUR-T-01", title: "Small grant", mechanism: "GRANT", annualValuePence: m(3_000) } });
    expect(small.createContract.reportingSchedule).toBe("END_OF_GRANT");
    const big = await ok(OFFICERS.durham, CREATE, { i: { ...base, reference: "DUR-T-02", title: "Service", mechanism: "CONTRACTED_SERVICE", annualValuePence: m(3_000) } });
    expect(big.createContract.reportingSchedule).toBe("QUARTERLY");
    const chosen = await ok(OFFICERS.durham, CREATE, { i: { ...base, reference: "DUR-T-03", title: "Chosen", mechanism: "GRANT", annualValuePence: m(3_000), reportingSchedule: "YEARLY" } });
    expect(chosen.createContract.reportingSchedule).toBe("YEARLY");
  });
});

describe("pipeline dates", () => {
  it("gives the documents' review windows as dates, says what is due or overdue as at a date, and flags contracts ending without a plan", async () => {
    const { reprocurementPipeline } = await ok(OFFICERS.wiltshire, '{ reprocurementPipeline { title reviewWindow reviewStartDate reviewEndDate status atQ3: reprocurementDue(asOf: "2023-10-15") atEnd: reprocurementDue(asOf: "2024-03-31") } }');
    const adults = reprocurementPipeline.find((c: any) => c.reviewWindow === "July to November 2023");
    expect(adults).toMatchObject({ reviewStartDate: "2023-07-01", reviewEndDate: "2023-11-30", atQ3: "DUE" });
    expect(["OVERDUE", "DONE"]).toContain(adults.atEnd);
    const horizon = reprocurementPipeline.find((c: any) => c.reviewWindow === "March to May 2023");
    expect(horizon).toMatchObject({ reviewStartDate: "2023-03-01", reviewEndDate: "2023-05-31" });

    const flagged = (await ok(OFFICERS.durham, '{ contractsEndingWithoutPlan(asOf: "2018-12-31") { reference endDate endsWithoutPlan(asOf: "2018-12-31") } }')).contractsEndingWithoutPlan;
    expect(flagged.map((c: any) => c.reference)).toEqual(["DUR-PRE-03", "DUR-REO-03"]);
    expect(flagged.every((c: any) => c.endsWithoutPlan)).toBe(true);
    const bad = await server.run(OFFICERS.durham, '{ contractsEndingWithoutPlan(asOf: "31/12/2018") { reference } }');
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("the board's opening summary", () => {
  it("counts portfolio indicators by rating, lists the exceptions and biggest changes with their cells, and the returns outstanding", async () => {
    const periods = await periodsOf(OFFICERS.wiltshire);
    const q4 = periods.find((p) => p.state === "OPEN")!; // the quarter under review: 2024-25 Q1
    const Q = "query($p: Int!, $s: Boolean) { boardAttention(periodId: $p, includeSubmitted: $s) { period { label } previous { label } offTarget nearTarget onTarget unrated exceptions { portfolioId indicatorId periodId rag actual target } biggestChanges { portfolioId indicatorId change } returns { due missing submitted accepted } } }";
    const { boardAttention: a } = await ok(OFFICERS.wiltshire, Q, { p: q4.id, s: true });
    expect(a.period.label).toBe("2024-25 Q1");
    expect(a.previous.label).toBe("2023-24 Q4");
    // The counts agree with the portfolio cells of the board's own scorecards.
    const { scorecards } = await ok(OFFICERS.wiltshire, "query($p: [Int!]) { scorecards(periodIds: $p, includeSubmitted: true) { portfolioId rows { indicatorId cells { periodId rag change } } } }", { p: [q4.id] });
    const cells = scorecards.filter((s: any) => s.portfolioId != null).flatMap((s: any) => s.rows.map((r: any) => ({ portfolioId: s.portfolioId, indicatorId: r.indicatorId, ...r.cells[0] })));
    const count = (rag: string) => cells.filter((c: any) => c.rag === rag).length;
    expect([a.offTarget, a.nearTarget, a.onTarget]).toEqual([count("RED"), count("AMBER"), count("GREEN")]);
    expect(a.offTarget + a.nearTarget + a.onTarget + a.unrated).toBe(cells.length);
    expect(a.exceptions.length).toBe(a.offTarget + a.nearTarget);
    expect(a.exceptions.map((e: any) => e.rag)).toEqual([...a.exceptions.map((e: any) => e.rag)].sort((x: string, y: string) => (x === y ? 0 : x === "RED" ? -1 : 1)));
    for (const e of a.exceptions) expect(cells.find((c: any) => c.portfolioId === e.portfolioId && c.indicatorId === e.indicatorId)?.rag).toBe(e.rag);
    expect(a.biggestChanges.length).toBeGreaterThan(0);
    expect(a.returns.missing).toBeGreaterThan(0);
    // Analysts never see provisional figures here either.
    const analyst = (await ok("analyst@wiltshire.demo.example", Q, { p: q4.id, s: true })).boardAttention;
    const accepted = (await ok(OFFICERS.wiltshire, Q, { p: q4.id, s: false })).boardAttention;
    expect(analyst.exceptions).toEqual(accepted.exceptions);
    // Another office's quarter is not found.
    const other = await server.run(OFFICERS.dorset, Q, { p: q4.id });
    expect(other.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });
});
