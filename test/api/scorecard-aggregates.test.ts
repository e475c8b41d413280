import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, ContractStatus } from "../../server/modules/contracts/contract.entities.js";
import { Indicator } from "../../server/modules/kpis/kpi.entities.js";
import { quarterFromIndex, quarterIndex, type Quarter } from "../../server/modules/periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { loadForm } from "../../server/modules/returns/return-form.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { verifyOffice, verifyStore } from "../../server/modules/scorecards/scorecard-verify.js";
import { User } from "../../server/modules/users/user.entity.js";
import { startTestServer, type TestServer } from "./harness.js";

/*
 * The maintained scorecard tables against the from-scratch computation (computeScorecards, the oracle): random
 * sequences of the workflow's operations through the real schema, and after each one every cell of the office,
 * accepted-only and provisional, office-wide and per portfolio, must equal the recomputation from the raw values.
 * Operations the server refuses are part of the test: their transaction must leave the tables as they were.
 */

const OFFICER = "officer@wiltshire.demo.example";
let server: TestServer;
let officeId: number;

beforeAll(async () => {
  server = await startTestServer();
  officeId = (await server.services.db.manager.findOneByOrFail(User, { email: OFFICER })).officeId!;
});
afterAll(async () => server?.close());

type Op =
  | { kind: "save"; c: number; p: number; seed: number }
  | { kind: "fill"; c: number; p: number; seed: number }
  | { kind: "submit"; r: number }
  | { kind: "accept"; r: number }
  | { kind: "sendBack"; r: number }
  | { kind: "reopen"; r: number }
  | { kind: "target"; i: number; c: number; onPortfolio: boolean; p: number; yearly: boolean; value: number }
  | { kind: "move"; c: number; to: number }
  | { kind: "status"; c: number; status: ContractStatus }
  | { kind: "kpis"; c: number; mask: number }
  | { kind: "openPeriod" }
  | { kind: "csv"; p: number; cs: number[]; submit: boolean; seed: number };

const nat = fc.nat({ max: 10_000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("save" as const), c: nat, p: nat, seed: nat }),
  { arbitrary: fc.record({ kind: fc.constant("fill" as const), c: nat, p: nat, seed: nat }), weight: 3 },
  fc.record({ kind: fc.constant("submit" as const), r: nat }),
  { arbitrary: fc.record({ kind: fc.constant("accept" as const), r: nat }), weight: 2 },
  fc.record({ kind: fc.constant("sendBack" as const), r: nat }),
  fc.record({ kind: fc.constant("reopen" as const), r: nat }),
  fc.record({ kind: fc.constant("target" as const), i: nat, c: nat, onPortfolio: fc.boolean(), p: nat, yearly: fc.boolean(), value: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant("move" as const), c: nat, to: nat }),
  fc.record({ kind: fc.constant("status" as const), c: nat, status: fc.constantFrom(ContractStatus.LIVE, ContractStatus.UNDER_REVIEW, ContractStatus.ENDED, ContractStatus.PIPELINE) }),
  fc.record({ kind: fc.constant("kpis" as const), c: nat, mask: nat }),
  fc.record({ kind: fc.constant("openPeriod" as const) }),
  fc.record({ kind: fc.constant("csv" as const), p: nat, cs: fc.array(nat, { minLength: 1, maxLength: 4 }), submit: fc.boolean(), seed: nat }),
);

const pick = <T>(items: T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);
let keys = 0;
/** What each operation came to (kind:ok, or kind:ERROR_CODE), to show the sequences really exercise the writes. */
const outcomes: string[] = [];

/** Values a form would accept most of the time: denominators above numerators, inside each measure's bounds. */
async function valuesFor(contractId: number, seed: number) {
  const form = await loadForm(server.services.writer.dataSource.manager, contractId);
  const denominators = new Set(form.ratios.flatMap((r) => r.denominator));
  return form.measures.map((m, k) => {
    let value = denominators.has(m.id) ? 60 + ((seed * (k + 3)) % 40) : (seed * (k + 7)) % 60;
    if (m.maxValue != null) value = Math.min(value, m.maxValue);
    if (m.minValue != null) value = Math.max(value, m.minValue);
    return { measureId: m.id, code: m.code, value };
  });
}

async function apply(step: Op): Promise<void> {
  const m = server.services.writer.dataSource.manager;
  const contracts = await m.find(Contract, { where: { officeId }, order: { id: "ASC" } });
  const periods = (await m.find(ReportingPeriod, { where: { officeId } })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
  const open = periods.filter((p) => p.state === PeriodState.OPEN);
  const returnsIn = async (...states: ReturnState[]) =>
    (await m.find(PerformanceReturn, { order: { id: "ASC" }, relations: {} })).filter((r) => states.includes(r.state) && contracts.some((c) => c.id === r.contractId));
  const run = async (query: string, variables: Record<string, unknown>) => {
    const result = await server.run(OFFICER, query, variables);
    outcomes.push(`${step.kind}:${result.errors ? (result.errors[0] as { extensions?: { code?: string } }).extensions?.code : "ok"}`);
    return result;
  };

  const save = async (contract: Contract, period: ReportingPeriod, seed: number) => {
    const existing = await m.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id });
    const values = (await valuesFor(contract.id, seed)).map(({ measureId, value }) => ({ measureId, value }));
    await run("mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id } }", { i: { contractId: contract.id, periodId: period.id, values, version: existing?.version } });
  };
  const submit = async (ret: PerformanceReturn) => {
    const fresh = await m.findOneByOrFail(PerformanceReturn, { id: ret.id });
    const form = await loadForm(m, fresh.contractId);
    const acknowledgements = form.measures.map((x) => ({ measureId: x.id, comment: "Checked with the provider." }));
    await run("mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id } }", { i: { returnId: fresh.id, version: fresh.version, idempotencyKey: `prop-${++keys}-${Date.now()}`, acknowledgements } });
  };
  const review = async (ret: PerformanceReturn, mutation: string) => {
    const fresh = await m.findOneByOrFail(PerformanceReturn, { id: ret.id });
    await run(mutation, { id: fresh.id, v: fresh.version });
  };

  switch (step.kind) {
    case "save":
    case "fill": {
      const contract = pick(contracts, step.c);
      const period = pick(open, step.p);
      if (!contract || !period) return;
      await save(contract, period, step.seed);
      if (step.kind === "fill") {
        const ret = await m.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id });
        if (ret) await submit(ret);
        if (ret) await review(ret, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }");
      }
      return;
    }
    case "submit": {
      const ret = pick(await returnsIn(ReturnState.DRAFT, ReturnState.RETURNED), step.r);
      if (ret) await submit(ret);
      return;
    }
    case "accept": {
      const ret = pick(await returnsIn(ReturnState.SUBMITTED), step.r);
      if (ret) await review(ret, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }");
      return;
    }
    case "sendBack": {
      const ret = pick(await returnsIn(ReturnState.SUBMITTED), step.r);
      if (ret) await review(ret, 'mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: "Please check the figures.") { id } }');
      return;
    }
    case "reopen": {
      const ret = pick(await returnsIn(ReturnState.ACCEPTED), step.r);
      if (ret) await review(ret, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "A correction is due.") { id } }');
      return;
    }
    case "target": {
      const period = pick(periods, step.p)!;
      const indicators = await m.find(Indicator, { where: { officeId }, order: { id: "ASC" } });
      const indicator = pick(indicators, step.i)!;
      let owner: Record<string, number>;
      if (step.onPortfolio) owner = { portfolioId: pick(await m.find(Portfolio, { where: { officeId }, order: { id: "ASC" } }), step.c)!.id };
      else {
        const reporting: number[] = (await m.query(`SELECT "contractId" FROM "contract_kpi" WHERE "indicatorId" = ? ORDER BY "contractId"`, [indicator.id])).map((r: { contractId: number }) => Number(r.contractId));
        const contractId = pick(reporting, step.c);
        if (contractId == null) return;
        owner = { contractId };
      }
      await run("mutation($i: SetTargetInput!) { setTarget(input: $i) { id } }", { i: { indicatorId: indicator.id, ...owner, year: period.year, quarter: step.yearly ? null : period.quarter, value: step.value } });
      return;
    }
    case "move": {
      const contract = pick(contracts, step.c)!;
      const portfolio = pick(await m.find(Portfolio, { where: { officeId }, order: { id: "ASC" } }), step.to)!;
      await run("mutation($id: Int!, $v: Int!, $i: ContractInput!) { updateContract(id: $id, version: $v, input: $i) { id } }", { id: contract.id, v: contract.version, i: { portfolioId: portfolio.id } });
      return;
    }
    case "status": {
      const contract = pick(contracts, step.c)!;
      await run("mutation($id: Int!, $v: Int!, $i: ContractInput!) { updateContract(id: $id, version: $v, input: $i) { id } }", { id: contract.id, v: contract.version, i: { status: step.status } });
      return;
    }
    case "kpis": {
      const contract = pick(contracts, step.c)!;
      const indicators = await m.find(Indicator, { where: { officeId }, order: { id: "ASC" } });
      const chosen = indicators.filter((_, k) => (step.mask >> k % 13) & 1).map((i) => i.id);
      await run("mutation($c: Int!, $ids: [Int!]!) { setContractKpis(contractId: $c, indicatorIds: $ids) { id } }", { c: contract.id, ids: chosen });
      return;
    }
    case "openPeriod": {
      const last = periods[periods.length - 1];
      const next = quarterFromIndex(quarterIndex(last as Quarter) + 1);
      await run("mutation($o: Int, $q: String!) { openReportingPeriod(officeId: $o, quarter: $q) { id } }", { o: officeId, q: `${next.year} Q${next.quarter}` });
      return;
    }
    case "csv": {
      const period = pick(open, step.p);
      if (!period) return;
      const lines = ["contract_reference,measure_code,value"];
      for (const c of new Set(step.cs.map((i) => pick(contracts, i)!))) {
        for (const v of await valuesFor(c.id, step.seed)) lines.push(`${c.reference},${v.code},${v.value}`);
      }
      await run("mutation($csv: String!, $p: Int!, $k: String!, $s: Boolean) { uploadReturnsCsv(csv: $csv, periodId: $p, idempotencyKey: $k, submit: $s) { totalRows } }", { csv: lines.join("\n"), p: period.id, k: `csv-prop-${++keys}-${Date.now()}`, s: step.submit });
      return;
    }
  }
}

describe("maintained scorecards", () => {
  it("match the recomputation for the demo data as migrated and seeded", async () => {
    const { offices, mismatches } = await verifyStore(server.services.db.manager);
    expect(offices).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it("equal the recomputation from raw values after every step of random workflows", async () => {
    let steps = 0;
    let moved = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.nat(), async (ops, probe) => {
        for (const step of ops) {
          const before = await server.services.db.manager.query(`SELECT COUNT(*) AS n FROM "audit_event"`);
          await apply(step);
          const after = await server.services.db.manager.query(`SELECT COUNT(*) AS n FROM "audit_event"`);
          if (Number(after[0].n) > Number(before[0].n)) moved += 1;
          steps += 1;
          const manager = server.services.db.manager;
          expect(await verifyOffice(manager, officeId), `after ${JSON.stringify(step)}`).toEqual([]);
          const portfolios = await manager.find(Portfolio, { where: { officeId }, order: { id: "ASC" } });
          const periods = await manager.find(ReportingPeriod, { where: { officeId }, order: { id: "ASC" } });
          const scope = { portfolioId: pick(portfolios, probe)!.id, periodIds: periods.filter((_, k) => (probe >> k) & 1).map((p) => p.id) };
          expect(await verifyOffice(manager, officeId, scope), `portfolio scope after ${JSON.stringify(step)}`).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 15), endOnFailure: true },
    );
    // The test is worth something only if most operations really changed the store.
    expect(moved).toBeGreaterThan(steps / 3);
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    if (process.env.PROPERTY_TALLY) console.log(tally);
    for (const kind of ["save", "fill", "submit", "accept", "target", "move", "status", "kpis", "openPeriod", "csv"]) expect(tally[`${kind}:ok`] ?? 0, `${kind} never succeeded`).toBeGreaterThan(0);
  }, 600_000);
});
