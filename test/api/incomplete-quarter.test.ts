import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { In } from "typeorm";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, MeasureRole, Target } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { NOT_REPORTING } from "../../server/modules/returns/completeness.js";
import { rag } from "../../server/modules/scorecards/scorecard.rules.js";
import { isReturnDue } from "../../server/modules/contracts/reporting-schedule.js";
import { startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const CELL = "periodId actual target targetBasis fullTarget rag returnsIn returnsDue complete";
const SCORECARDS = `query($per: [Int!]) { scorecards(periodIds: $per) { portfolioId rows { indicator { code } cells { ${CELL} } } } }`;

let server: TestServer;
/** The demo's open quarter (2024-25 Q1): part-way through, some returns accepted, others still to come. */
let q4: ReportingPeriod;
let previous: ReportingPeriod;
let referrals: Indicator;

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  const wiltshire = await m.findOneByOrFail(Office, { code: "wiltshire" });
  q4 = await m.findOneByOrFail(ReportingPeriod, { officeId: wiltshire.id, state: PeriodState.OPEN });
  expect(q4.label).toBe("2024-25 Q1");
  previous = await m.findOneByOrFail(ReportingPeriod, { officeId: wiltshire.id, year: "2023-24", quarter: 4 });
  referrals = await m.findOneByOrFail(Indicator, { officeId: wiltshire.id, code: "REFERRALS_RECEIVED" });
});
afterAll(async () => server?.close());

const officeCell = (data: any, code: string) => data.scorecards.find((s: any) => s.portfolioId == null).rows.find((r: any) => r.indicator.code === code).cells[0];

describe("the incomplete-quarter rule through the API", () => {
  it("rates Wiltshire's whole-office referrals for the open quarter (some of its returns in) against the reporting contracts' targets only", async () => {
    const result = await server.http<any>(OFFICER, SCORECARDS, { per: [q4.id] });
    expect(result.errors).toBeUndefined();
    const cell = officeCell(result.data, "REFERRALS_RECEIVED");

    // Independently: the contracts that report the indicator, which of them have an accepted return, their targets and figures.
    const m = server.services.db.manager;
    const reporting = (await m.findBy(Contract, { officeId: q4.officeId })).filter((c) => !NOT_REPORTING.includes(c.status));
    const reportingIn = (p: ReportingPeriod) => reporting.filter((c) => isReturnDue(c, { year: p.year, quarter: p.quarter as 1 | 2 | 3 | 4 })).map((c) => c.id);
    const allKpis = (await m.findBy(ContractKpi, { indicatorId: referrals.id })).filter((k) => reportingIn(previous).includes(k.contractId));
    expect(allKpis).toHaveLength(10);
    // A contract that ended with 2023-24 owes nothing for 2024-25 Q1.
    const kpis = allKpis.filter((k) => reportingIn(q4).includes(k.contractId));
    expect(kpis.length).toBeGreaterThan(0);
    const accepted = await m.findBy(PerformanceReturn, { periodId: q4.id, state: ReturnState.ACCEPTED, contractId: In(kpis.map((k) => k.contractId)) });
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(10);
    const numerator = (await m.findBy(IndicatorMeasure, { indicatorId: referrals.id, role: MeasureRole.NUMERATOR })).map((x) => x.measureId);
    const sumOf = async (returns: PerformanceReturn[]) =>
      (await m.findBy(ReturnValue, { returnId: In(returns.map((r) => r.id)), measureId: In(numerator) })).reduce((sum, v) => sum + v.value!, 0);
    expect([cell.actual, cell.returnsIn, cell.returnsDue, cell.complete]).toEqual([await sumOf(accepted), accepted.length, kpis.length, false]);
    const targets = await m.findBy(Target, { indicatorId: referrals.id, year: q4.year, quarter: q4.quarter });
    const targetOf = (contractId: number) => targets.find((t) => t.contractId === contractId)!.value;
    const reportingTarget = accepted.reduce((s, r) => s + targetOf(r.contractId), 0);
    const full = kpis.reduce((s, k) => s + targetOf(k.contractId), 0);
    expect(cell.target).toBe(reportingTarget);
    expect(cell.fullTarget).toBe(full);
    expect(cell.targetBasis).toBe("REPORTING_CONTRACTS");
    // Rated by the indicator's own rule against what the reporting contracts were asked for, not the whole quarter's.
    expect(cell.rag).toBe(rag(referrals, cell.actual, reportingTarget));
    expect(reportingTarget).toBeLessThan(full);
    // No change either: the previous quarter (closed, all ten returns in) against a partial sum would mislead.
    const all = await m.findBy(PerformanceReturn, { periodId: previous.id, state: ReturnState.ACCEPTED, contractId: In(allKpis.map((k) => k.contractId)) });
    expect(all).toHaveLength(10);
    const whole = await sumOf(all);
    const both = await server.run<any>(OFFICER, `query($per: [Int!]) { scorecards(periodIds: $per) { portfolioId rows { indicator { code } trend cells { actual change complete } } } }`, { per: [previous.id, q4.id] });
    const row = both.data.scorecards.find((s: any) => s.portfolioId == null).rows.find((r: any) => r.indicator.code === "REFERRALS_RECEIVED");
    expect(row.cells.map((c: any) => [c.actual, c.complete])).toEqual([[whole, true], [cell.actual, false]]);
    expect(row.cells[1].change).toBeNull();
    expect(row.trend).toEqual([whole, null]);
  });

  it("marks every cell by its counts, and never rates an incomplete count against the full quarter's target", async () => {
    const result = await server.run<any>(OFFICER, SCORECARDS, {});
    expect(result.errors).toBeUndefined();
    const cells = result.data.scorecards.flatMap((s: any) => s.rows.flatMap((r: any) => r.cells.map((c: any) => ({ ...c, code: r.indicator.code }))));
    expect(cells.length).toBeGreaterThan(50);
    for (const c of cells) expect(c.complete).toBe(c.returnsIn >= c.returnsDue);
    const incomplete = cells.filter((c: any) => !c.complete && c.returnsIn > 0);
    expect(incomplete.length).toBeGreaterThan(0);
    for (const c of incomplete) {
      if (c.targetBasis === "NONE") expect([c.target, c.rag]).toEqual([null, "NO_TARGET"]);
      else expect(["REPORTING_CONTRACTS", "GROUP"]).toContain(c.targetBasis);
    }
  });

  it("carries the flag on Key Performance Questions' indicator status", async () => {
    const plans = await server.run<any>(OFFICER, "{ strategicPlans { priorities { id } } }");
    const created = await server.run<any>(OFFICER, 'mutation($p: Int!, $i: [Int!]!) { createKeyPerformanceQuestion(input: { priorityId: $p, question: "Are more victims referred for support?", indicatorIds: $i }) { id } }', { p: plans.data.strategicPlans[0].priorities[0].id, i: [referrals.id] });
    expect(created.errors).toBeUndefined();
    const status = await server.run<any>(OFFICER, "query($per: Int!) { strategicPlans { priorities { keyPerformanceQuestions { status(periodId: $per) { indicator { code } cell { complete returnsIn returnsDue targetBasis } } } } } }", { per: q4.id });
    expect(status.errors).toBeUndefined();
    const cells = status.data.strategicPlans.flatMap((p: any) => p.priorities).flatMap((p: any) => p.keyPerformanceQuestions).flatMap((q: any) => q.status).map((s: any) => s.cell).filter(Boolean);
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.complete).toBe(c.returnsIn >= c.returnsDue);
    expect(cells.some((c: any) => !c.complete)).toBe(true);
  });

  it("carries the flag in scorecardChanged events", async () => {
    const m = server.services.db.manager;
    const pending = await m
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(Contract, "c", "c.id = r.contractId")
      .where("r.state = :s AND r.periodId = :p", { s: ReturnState.SUBMITTED, p: q4.id })
      .select(["r.id AS id", "r.version AS version", "c.portfolioId AS \"portfolioId\""])
      .getRawOne();
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    const updates = collect<any>(client, `subscription($p: Int!, $per: Int!) { scorecardChanged(portfolioId: $p, periodId: $per) { scorecard { rows { cells { ${CELL} } } } } }`, { p: Number(pending.portfolioId), per: q4.id }, (items) => items.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: Number(pending.id), v: Number(pending.version) })).errors).toBeUndefined();
    const [update] = await updates;
    await client.dispose();
    const cells = update.data.scorecardChanged.scorecard.rows.flatMap((r: any) => r.cells);
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.complete).toBe(c.returnsIn >= c.returnsDue);
    expect(cells.some((c: any) => c.complete === false)).toBe(true);
  });

  it("keeps the flag and basis in a frozen snapshot", async () => {
    const m = server.services.db.manager;
    const closed = await m.findOneByOrFail(ReportingPeriod, { officeId: q4.officeId, year: "2023-24", quarter: 3, state: PeriodState.CLOSED });
    const frozen = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { period { id } } }", { id: closed.id, v: closed.version });
    expect(frozen.errors).toBeUndefined();
    const seen = await server.run<any>(ANALYST, `{ frozenQuarters { period { id } scorecards { rows { cells { ${CELL} } } } } }`);
    expect(seen.errors).toBeUndefined();
    const cells = seen.data.frozenQuarters.find((q: any) => q.period.id === closed.id).scorecards.flatMap((s: any) => s.rows.flatMap((r: any) => r.cells));
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.complete).toBe(c.returnsIn >= c.returnsDue);
    expect(cells.every((c: any) => typeof c.targetBasis === "string")).toBe(true);
  });
});
