import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, FundingLine } from "../../server/modules/contracts/contract.entities.js";
import { IsNull } from "typeorm";
import { Indicator, Target } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER = "provider-b@demo.example"; // Harbour
let server: TestServer;
let q1: ReportingPeriod;
let harbourReturn: PerformanceReturn;
let otherHarbourReturn: PerformanceReturn | null;

const CHANGE = "kind portfolioId indicatorId contractId returnId reason at by { name }";
const FROZEN = `{ frozenQuarters { period { id state } scorecards { portfolioId rows { indicatorId cells { actual target rag returnsIn complete } } }
  restatements { portfolioId indicatorId frozenActual currentActual frozenReturnsIn currentReturnsIn frozenTarget currentTarget frozenRag currentRag causes { ${CHANGE} } }
  moneyRestatements { kind id figure frozenPence currentPence causes { ${CHANGE} } } changes { ${CHANGE} } } }`;
const SAVE = "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { id state version } }";
const SUBMIT = "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id state version } }";
const problemsOf = (result: any) => (result.errors?.[0]?.extensions?.problems ?? []).map((p: any) => p.rule);

async function frozen() {
  const result = await server.run<any>(ANALYST, FROZEN);
  expect(result.errors).toBeUndefined();
  return result.data.frozenQuarters.find((q: any) => q.period.id === q1.id);
}

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  const wiltshire = await m.findOneByOrFail(Office, { code: "wiltshire" });
  q1 = await m.findOneByOrFail(ReportingPeriod, { officeId: wiltshire.id, year: "2023-24", quarter: 1, state: PeriodState.CLOSED });
  const harbour = await m.findOneByOrFail(Provider, { name: "Harbour Domestic Abuse Services" });
  const returns = await m
    .createQueryBuilder(PerformanceReturn, "r")
    .innerJoin(Contract, "c", "c.id = r.contractId")
    .where("c.providerId = :p AND r.periodId = :q AND r.state = :s", { p: harbour.id, q: q1.id, s: ReturnState.ACCEPTED })
    .orderBy("r.id")
    .getMany();
  [harbourReturn, otherHarbourReturn = null] = returns;
  const freeze = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { period { state } } }", { id: q1.id, v: q1.version });
  expect(freeze.errors).toBeUndefined();
});
afterAll(async () => server?.close());

describe("the correction path for a frozen quarter", () => {
  it("keeps the provider out of a frozen quarter until an officer opens one return for correction with a reason", async () => {
    expect(problemsOf(await server.run(PROVIDER, SAVE, { input: { contractId: harbourReturn.contractId, periodId: q1.id, version: harbourReturn.version, values: [] } }))).toEqual(["periodOpen"]);
    expect(codes(await server.run(OFFICER, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "") { id } }', { id: harbourReturn.id, v: harbourReturn.version }))).toEqual(["BAD_USER_INPUT"]);
    const opened = await server.run<any>(OFFICER, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "Provider found a double-counted referral batch") { state correctionReason correctionOpenedAt version } }', { id: harbourReturn.id, v: harbourReturn.version });
    expect(opened.errors).toBeUndefined();
    expect(opened.data.reopenReturn).toMatchObject({ state: "RETURNED", correctionReason: "Provider found a double-counted referral batch" });
    expect(opened.data.reopenReturn.correctionOpenedAt).toBeTruthy();
    // Only that return: another of the provider's returns in the same frozen quarter stays closed.
    if (otherHarbourReturn) {
      expect(problemsOf(await server.run(PROVIDER, SAVE, { input: { contractId: otherHarbourReturn.contractId, periodId: q1.id, version: otherHarbourReturn.version, values: [] } }))).toEqual(["periodOpen"]);
    }
  });

  it("lets the provider correct and resubmit it, and the officer accept it again; the snapshot stays as it was", async () => {
    const m = server.services.db.manager;
    const before = await frozen();
    const snapshot = JSON.stringify(before.scorecards);
    const current = await m.findOneByOrFail(PerformanceReturn, { id: harbourReturn.id });
    const values = await m.findBy(ReturnValue, { returnId: current.id });
    const corrected = values.map((v) => ({ measureId: v.measureId, value: Math.max(0, Math.round((v.value ?? 0) * 0.8)) }));
    const saved = await server.run<any>(PROVIDER, SAVE, { input: { contractId: current.contractId, periodId: q1.id, version: current.version, values: corrected } });
    expect(saved.errors).toBeUndefined();
    const submitted = await server.run<any>(PROVIDER, SUBMIT, { input: { returnId: current.id, version: saved.data.saveReturnDraft.version, idempotencyKey: "correction-1", acknowledgements: corrected.map((v) => ({ measureId: v.measureId, comment: "Corrected: double-counted batch removed" })) } });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data.submitReturn.state).toBe("SUBMITTED");
    const accepted = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state correctionReason correctionOpenedAt } }", { id: current.id, v: submitted.data.submitReturn.version });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptReturn).toEqual({ state: "ACCEPTED", correctionReason: null, correctionOpenedAt: null });

    const after = await frozen();
    expect(JSON.stringify(after.scorecards)).toBe(snapshot);
    expect(after.period.state).toBe("FROZEN");
    const contract = await m.findOneByOrFail(Contract, { id: current.contractId });
    const restated = after.restatements.filter((r: any) => r.portfolioId === contract.portfolioId);
    expect(restated.length).toBeGreaterThan(0);
    for (const r of restated) {
      expect(r.currentReturnsIn).toBe(r.frozenReturnsIn);
      expect(r.currentActual).not.toBe(r.frozenActual);
      const kinds = r.causes.map((c: any) => c.kind);
      expect(kinds).toEqual(["RETURN_REOPENED", "RETURN_CORRECTED"]);
      for (const cause of r.causes) {
        expect(cause).toMatchObject({ contractId: contract.id, returnId: current.id, reason: "Provider found a double-counted referral batch", by: { name: "Demo Commissioning Officer" } });
        expect(cause.at).toBeTruthy();
      }
    }
    // The office total is restated too, with the same causes.
    expect(after.restatements.some((r: any) => r.portfolioId == null && r.causes.length === 2)).toBe(true);
  });

  it("restates a frozen cell whose rating a target change moves, and needs a reason for it", async () => {
    const m = server.services.db.manager;
    const victims = await m.findOneByOrFail(Portfolio, { name: "Victims & Vulnerability" });
    const indicator = await m.findOneByOrFail(Indicator, { officeId: q1.officeId, code: "PCT_IMPROVED" });
    const before = await frozen();
    const cell = before.scorecards.find((s: any) => s.portfolioId === victims.id).rows.find((r: any) => r.indicatorId === indicator.id).cells[0];
    expect(cell.rag).not.toBe("RED");
    const SET = "mutation($input: SetTargetInput!) { setTarget(input: $input) { id value } }";
    // An edit of a target carries its version (none creates one).
    const existing = await m.findOneBy(Target, { indicatorId: indicator.id, portfolioId: victims.id, year: "2023-24", quarter: IsNull() });
    const input = { indicatorId: indicator.id, portfolioId: victims.id, year: "2023-24", value: 99, version: existing?.version ?? null };
    const refused = await server.run<any>(OFFICER, SET, { input });
    expect(problemsOf(refused)).toEqual(["restatementReason"]);
    expect((await frozen()).restatements.filter((r: any) => r.indicatorId === indicator.id && r.portfolioId === victims.id && r.causes.some((c: any) => c.kind === "TARGET_CHANGED"))).toEqual([]);

    const set = await server.run<any>(OFFICER, SET, { input: { ...input, reason: "Panel agreed a stretch target for the year" } });
    expect(set.errors).toBeUndefined();
    const after = await frozen();
    expect(JSON.stringify(after.scorecards)).toBe(JSON.stringify(before.scorecards));
    const restated = after.restatements.find((r: any) => r.indicatorId === indicator.id && r.portfolioId === victims.id);
    expect(restated).toMatchObject({ frozenRag: cell.rag, currentRag: "RED", frozenTarget: cell.target, currentTarget: 99 });
    expect(restated.causes.map((c: any) => [c.kind, c.reason, c.by.name])).toContainEqual(["TARGET_CHANGED", "Panel agreed a stretch target for the year", "Demo Commissioning Officer"]);
  });

  it("flags money changed after the freeze (funding lines), with who, when and why", async () => {
    const m = server.services.db.manager;
    const contract = (await m.find(Contract, { where: { officeId: q1.officeId }, order: { id: "ASC" } }))[0];
    const lines = (await m.findBy(FundingLine, { contractId: contract.id })).map((l) => ({ streamId: l.streamId, year: l.year, amountPence: l.amountPence, status: l.status }));
    const line = lines.find((l) => l.year === "2023-24")!;
    const reduced = lines.map((l) => (l === line ? { ...l, amountPence: l.amountPence - 100_000 } : l));
    const UPDATE = "mutation($id: Int!, $v: Int!, $lines: [FundingLineInput!], $why: String) { updateContract(id: $id, version: $v, input: { fundingLines: $lines, changeReason: $why }) { version } }";
    expect(problemsOf(await server.run(OFFICER, UPDATE, { id: contract.id, v: contract.version, lines: reduced }))).toEqual(["restatementReason"]);
    const changed = await server.run<any>(OFFICER, UPDATE, { id: contract.id, v: contract.version, lines: reduced, why: "Variation agreed: £1,000 returned to the budget" });
    expect(changed.errors).toBeUndefined();
    const after = await frozen();
    const stream = after.moneyRestatements.find((r: any) => r.kind === "STREAM" && r.id === line.streamId && r.figure === (line.status === "COMMITTED" ? "committedPence" : "plannedPence"));
    expect(stream.frozenPence - stream.currentPence).toBe(100_000);
    expect(stream.causes.map((c: any) => [c.kind, c.contractId, c.reason, c.by.name])).toEqual([["FUNDING_CHANGED", contract.id, "Variation agreed: £1,000 returned to the budget", "Demo Commissioning Officer"]]);
    expect(after.moneyRestatements.some((r: any) => r.kind === "PORTFOLIO" && r.id === contract.portfolioId && r.causes.length === 1)).toBe(true);
    // The quarter's change log holds everything since, oldest first.
    expect(after.changes.map((c: any) => c.kind)).toEqual(["RETURN_REOPENED", "RETURN_CORRECTED", "TARGET_CHANGED", "FUNDING_CHANGED"]);
  });

  it("corrects a closed (not frozen) quarter the same way, and lists the change for the quarter", async () => {
    const m = server.services.db.manager;
    const q2 = await m.findOneByOrFail(ReportingPeriod, { officeId: q1.officeId, year: "2023-24", quarter: 2, state: PeriodState.CLOSED });
    const ret = await m
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(Contract, "c", "c.id = r.contractId")
      .innerJoin(Provider, "p", "p.id = c.providerId")
      .where("p.name = :n AND r.periodId = :q AND r.state = :s", { n: "Harbour Domestic Abuse Services", q: q2.id, s: ReturnState.ACCEPTED })
      .getOneOrFail();
    const opened = await server.run<any>(OFFICER, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "Late invoice changes the spend") { version } }', { id: ret.id, v: ret.version });
    expect(opened.errors).toBeUndefined();
    const saved = await server.run<any>(PROVIDER, SAVE, { input: { contractId: ret.contractId, periodId: q2.id, version: opened.data.reopenReturn.version, values: [], spendPence: 1_234_500 } });
    expect(saved.errors).toBeUndefined();
    const submitted = await server.run<any>(PROVIDER, SUBMIT, { input: { returnId: ret.id, version: saved.data.saveReturnDraft.version, idempotencyKey: "correction-q2", acknowledgements: [] } });
    expect(submitted.errors).toBeUndefined();
    expect((await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: ret.id, v: submitted.data.submitReturn.version })).errors).toBeUndefined();
    const changes = await server.run<any>(ANALYST, `query($p: Int!) { quarterChanges(periodId: $p) { ${CHANGE} } }`, { p: q2.id });
    expect(changes.errors).toBeUndefined();
    expect(changes.data.quarterChanges.map((c: any) => [c.kind, c.returnId, c.reason])).toEqual([
      ["RETURN_REOPENED", ret.id, "Late invoice changes the spend"],
      ["RETURN_CORRECTED", ret.id, "Late invoice changes the spend"],
    ]);
  });
});
