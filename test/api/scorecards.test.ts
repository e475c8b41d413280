import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Indicator, IndicatorMeasure, MeasureRole } from "../../server/modules/kpis/kpi.entities.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
let server: TestServer;
let victims: Portfolio;
let pctImproved: Indicator;
let q1: ReportingPeriod;

const SCORECARD = `query($p: Int, $periods: [Int!], $sub: Boolean) { scorecards(portfolioId: $p, periodIds: $periods, includeSubmitted: $sub) {
  portfolioId rows { indicator { code } cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  victims = await m.findOneByOrFail(Portfolio, { name: "Victims & Vulnerability" });
  pctImproved = await m.findOneByOrFail(Indicator, { code: "PCT_IMPROVED", officeId: victims.officeId });
  q1 = await m.findOneByOrFail(ReportingPeriod, { officeId: victims.officeId, year: "2023-24", quarter: 1 });
});
afterAll(async () => server?.close());

/** The same figure worked out independently from the stored return values. */
async function expectedFromRows(portfolioId: number, indicator: Indicator, periodId: number, states: ReturnState[]) {
  const m = server.services.db.manager;
  const links = await m.findBy(IndicatorMeasure, { indicatorId: indicator.id });
  const contracts = await m.findBy(Contract, { portfolioId });
  let numerator = 0;
  let denominator = 0;
  const percentages: number[] = [];
  for (const contract of contracts) {
    const ret = await m.findOneBy(PerformanceReturn, { contractId: contract.id, periodId });
    if (!ret || !states.includes(ret.state)) continue;
    const values = await m.findBy(ReturnValue, { returnId: ret.id });
    const sum = (role: MeasureRole) => links.filter((l) => l.role === role).reduce((s, l) => s + (values.find((v) => v.measureId === l.measureId)?.value ?? 0), 0);
    if (!links.some((l) => values.some((v) => v.measureId === l.measureId))) continue;
    numerator += sum(MeasureRole.NUMERATOR);
    denominator += sum(MeasureRole.DENOMINATOR);
    percentages.push((sum(MeasureRole.NUMERATOR) / sum(MeasureRole.DENOMINATOR)) * 100);
  }
  return { numerator, denominator, actual: (numerator / denominator) * 100, averageOfPercentages: percentages.reduce((a, b) => a + b, 0) / percentages.length };
}

function cellOf(result: any, portfolioId: number | null, code: string, periodId: number) {
  const scorecard = result.data.scorecards.find((s: { portfolioId: number | null }) => s.portfolioId === portfolioId);
  return scorecard.rows.find((r: any) => r.indicator.code === code).cells.find((c: any) => c.periodId === periodId);
}

describe("portfolio scorecards", () => {
  it("rolls contract figures up by summing numerators and denominators", async () => {
    const result = await server.run<any>(OFFICER, SCORECARD, {});
    expect(result.errors).toBeUndefined();
    const cell = cellOf(result, victims.id, "PCT_IMPROVED", q1.id);
    const expected = await expectedFromRows(victims.id, pctImproved, q1.id, [ReturnState.ACCEPTED]);
    expect(cell.numerator).toBe(expected.numerator);
    expect(cell.denominator).toBe(expected.denominator);
    expect(cell.actual).toBeCloseTo(expected.actual, 9);
    expect(Math.abs(cell.actual - expected.averageOfPercentages)).toBeGreaterThan(1e-9);
    expect(cell.returnsIn).toBeLessThanOrEqual(cell.returnsDue);
    expect(["GREEN", "AMBER", "RED"]).toContain(cell.rag);
    // The office total is the sum over every portfolio.
    const office = cellOf(result, null, "PCT_IMPROVED", q1.id);
    const portfolios = result.data.scorecards.filter((s: any) => s.portfolioId != null).map((s: any) => s.rows.find((r: any) => r.indicator.code === "PCT_IMPROVED")?.cells.find((c: any) => c.periodId === q1.id)).filter(Boolean);
    expect(office.numerator).toBe(portfolios.reduce((s: number, c: any) => s + (c.numerator ?? 0), 0));
    expect(office.returnsDue).toBe(portfolios.reduce((s: number, c: any) => s + c.returnsDue, 0));
  });

  it("shows grey with no data, the change from the previous quarter, and provisional figures only on request", async () => {
    const result = await server.run<any>(OFFICER, SCORECARD, { p: victims.id });
    const cells = result.data!.scorecards[0].rows.find((r: any) => r.indicator.code === "PCT_IMPROVED").cells;
    const last = cells[cells.length - 1];
    if (last.returnsIn === 0) expect(last.rag).toBe("GREY");
    const [first, second] = cells;
    expect(second.change).toBeCloseTo(second.actual - first.actual, 9);
    expect(cells.every((c: any) => c.provisional === false)).toBe(true);

    const submitted = await server.services.db.manager.findOneBy(PerformanceReturn, { state: ReturnState.SUBMITTED });
    expect(submitted).not.toBeNull();
    const provisional = await server.run<any>(OFFICER, SCORECARD, { sub: true });
    const anyProvisional = provisional.data!.scorecards.some((s: any) => s.rows.some((r: any) => r.cells.some((c: any) => c.provisional)));
    expect(anyProvisional).toBe(true);
    const analyst = await server.run<any>(ANALYST, SCORECARD, { sub: true });
    expect(analyst.data!.scorecards.some((s: any) => s.rows.some((r: any) => r.cells.some((c: any) => c.provisional)))).toBe(false);
  });

  it("shows each Key Performance Question with the status of its indicators, and a trend per row", async () => {
    const plans = await server.run<any>(OFFICER, "{ strategicPlans { priorities { id } } }");
    const priorityId = plans.data!.strategicPlans[0].priorities[0].id;
    const created = await server.run<any>(OFFICER, 'mutation($p: Int!, $i: [Int!]!) { createKeyPerformanceQuestion(input: { priorityId: $p, question: "Do more people leave support better off?", indicatorIds: $i }) { id } }', { p: priorityId, i: [pctImproved.id] });
    expect(created.errors).toBeUndefined();
    const status = await server.run<any>(OFFICER, "query($per: Int!) { strategicPlans { priorities { keyPerformanceQuestions { question status(periodId: $per) { indicator { code } cell { actual rag returnsIn returnsDue } } } } } }", { per: q1.id });
    expect(status.errors).toBeUndefined();
    const question = status.data!.strategicPlans.flatMap((p: any) => p.priorities).flatMap((p: any) => p.keyPerformanceQuestions).find((q: any) => q.question.startsWith("Do more people"));
    const board = await server.run<any>(OFFICER, SCORECARD, { periods: [q1.id] });
    const office = cellOf(board, null, "PCT_IMPROVED", q1.id);
    expect(question.status).toEqual([{ indicator: { code: "PCT_IMPROVED" }, cell: { actual: office.actual, rag: office.rag, returnsIn: office.returnsIn, returnsDue: office.returnsDue } }]);

    const trend = await server.run<any>(OFFICER, "query($p: Int) { scorecards(portfolioId: $p) { rows { trend(last: 4) cells { actual denominator complete } } } }", { p: victims.id });
    // An incomplete count is left out of the sparkline: a partial sum is not a fall.
    for (const row of trend.data!.scorecards[0].rows) expect(row.trend).toEqual(row.cells.slice(-4).map((c: any) => (c.denominator == null && !c.complete ? null : c.actual)));
  });

  it("traces a cell to the contracts, returns, values and people behind it", async () => {
    const result = await server.run<any>(OFFICER, SCORECARD, { p: victims.id, periods: [q1.id] });
    const cell = cellOf(result, victims.id, "PCT_IMPROVED", q1.id);
    const trail = await server.run<any>(OFFICER, "query($i: Int!, $per: Int!, $p: Int) { scorecardProvenance(indicatorId: $i, periodId: $per, portfolioId: $p) { contractReference returnId state revision submittedBy acceptedBy values { measureCode role value } } }", { i: pctImproved.id, per: q1.id, p: victims.id });
    expect(trail.errors).toBeUndefined();
    const entries = trail.data!.scorecardProvenance;
    expect(entries).toHaveLength(cell.returnsIn);
    const total = (role: string) => entries.flatMap((e: any) => e.values).filter((v: any) => v.role === role).reduce((s: number, v: any) => s + v.value, 0);
    expect(total("NUMERATOR")).toBe(cell.numerator);
    expect(total("DENOMINATOR")).toBe(cell.denominator);
    for (const entry of entries) {
      expect(entry.state).toBe("ACCEPTED");
      expect(entry.revision).toBeGreaterThan(0);
      expect(entry.submittedBy).toBeTruthy();
      expect(entry.acceptedBy).toBeTruthy();
    }
  });

  it("pushes the recomputed cells when a return is accepted, for that portfolio and quarter only", async () => {
    const m = server.services.db.manager;
    const pending = await m
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(Contract, "c", "c.id = r.contractId")
      .where("r.state = :s", { s: ReturnState.SUBMITTED })
      .select(["r.id AS id", "r.version AS version", "r.periodId AS \"periodId\"", "c.portfolioId AS \"portfolioId\""])
      .getRawOne();
    expect(pending).toBeTruthy();
    const before = await server.run<any>(OFFICER, SCORECARD, { p: Number(pending.portfolioId), periods: [Number(pending.periodId)] });
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    const updates = collect<any>(client, "subscription($p: Int!, $per: Int!) { scorecardChanged(portfolioId: $p, periodId: $per) { seq reason scorecard { portfolioId rows { indicator { code } cells { periodId returnsIn actual } } } } }", { p: Number(pending.portfolioId), per: Number(pending.periodId) }, (items) => items.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    const accepted = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: Number(pending.id), v: Number(pending.version) });
    expect(accepted.errors).toBeUndefined();
    const [update] = await updates;
    await client.dispose();
    expect(update.data.scorecardChanged.reason).toBe("RETURN_ACCEPTED");
    const scorecard = update.data.scorecardChanged.scorecard;
    expect(scorecard.portfolioId).toBe(Number(pending.portfolioId));
    const cells = scorecard.rows.flatMap((r: any) => r.cells);
    expect(cells.every((c: any) => c.periodId === Number(pending.periodId))).toBe(true);
    const inBefore = before.data!.scorecards[0].rows.reduce((s: number, r: any) => s + r.cells[0].returnsIn, 0);
    const inAfter = scorecard.rows.reduce((s: number, r: any) => s + r.cells[0].returnsIn, 0);
    expect(inAfter).toBeGreaterThan(inBefore);
  });
});
